"""``gospel rule``: print a rule's documentation page, or list the rules."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["EXAMPLES", "command"]

EXAMPLES = """\
gospel rule                # every rule, one line each
gospel rule GOS301         # what GOS301 reports, why, and how to fix it
"""


def command(
    code: Annotated[
        str | None,
        typer.Argument(help="A rule code such as GOS301; leave it out to list every rule."),
    ] = None,
) -> None:
    """Explain a rule of `gospel check`: what it reports, why, and how to fix it.

    Prints the rule's page (Markdown) from the installed package, as `ruff rule` does.
    """
    from gospel_scaffold.check.model import RULES
    from gospel_scaffold.check.rule_pages import rule_page

    if code is None:
        for rule in RULES.values():
            opt_in = " (with --migrations)" if rule.opt_in else ""
            typer.echo(f"{rule.code}  {rule.name:<30} {rule.summary}{opt_in}")
        return
    typer.echo(rule_page(code).rstrip("\n"))
