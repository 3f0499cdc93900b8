"""``gospel check``: report where a project breaks the gospel's architecture rules."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gospel_scaffold.commands._options import ProjectOption
from gospel_scaffold.commands._output import QuietOption, verbosity

__all__ = ["EXAMPLES", "OutputFormat", "command"]

EXAMPLES = """\
gospel check
gospel check -C path/to/project --select GOS1,GOS201
gospel check --format json > gospel-check.json
gospel check --migrations              # also compare the models with the migrations
gospel check -q                        # the violations only, or nothing when clean
"""


class OutputFormat(StrEnum):
    """How ``gospel check`` prints its findings."""

    text = "text"
    json = "json"


def command(
    project: ProjectOption = Path(),
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="text for people, json for CI.", case_sensitive=False),
    ] = OutputFormat.text,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            help="Only these rule codes or prefixes, comma-separated (GOS101,GOS2). Replaces "
            "[tool.gospel] select.",
            metavar="CODES",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        str | None,
        typer.Option(
            "--ignore",
            help="Skip these rule codes or prefixes, comma-separated. Adds to [tool.gospel] "
            "ignore.",
            metavar="CODES",
            show_default=False,
        ),
    ] = None,
    migrations: Annotated[
        bool,
        typer.Option(
            "--migrations",
            help="Also compare the models with the migrations (GOS801). Runs Alembic in the "
            "project's own environment against a scratch SQLite database.",
        ),
    ] = False,
    show_layout: Annotated[
        bool,
        typer.Option(
            "--show-layout",
            help="Also print where the check found the package, application, routers, model "
            "registry and tests (a `layout` object in JSON).",
        ),
    ] = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help="Print a rule's page (what it reports, why, how to fix) and exit; same as "
            "`gospel rule CODE`.",
            metavar="CODE",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Check a project against the gospel's architecture rules.

    Reads the source without importing or running it and reports each violation with
    file:line:col, its rule code, a message and how to fix it; a rule that cannot find what it
    needs says it was skipped and why. Exit status: 0 clean, 1 violations found, 2 the project
    cannot be read.
    """
    if explain is not None:
        from gospel_scaffold.check.rule_pages import rule_page

        typer.echo(rule_page(explain).rstrip("\n"))
        return

    from gospel_scaffold.check import run_check
    from gospel_scaffold.check.report import print_text, to_json

    result = run_check(
        project,
        select=[select] if select is not None else None,
        ignore=[ignore] if ignore else [],
        migrations=migrations,
    )
    if output_format is OutputFormat.json:
        typer.echo(to_json(result, show_layout=show_layout))
    else:
        print_text(result, show_layout=show_layout, quiet=verbosity().quiet)
    if not result.ok:
        raise typer.Exit(code=1)
