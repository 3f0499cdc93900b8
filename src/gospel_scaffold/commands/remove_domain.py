"""``gospel remove-domain``: undo ``gospel add-domain`` exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gospel_scaffold.commands._options import DryRunOption, JsonOption, ProjectOption
from gospel_scaffold.commands._output import QuietOption, VerboseOption
from gospel_scaffold.commands.add_domain import carry_out

__all__ = ["EXAMPLES", "command"]

EXAMPLES = """\
gospel remove-domain payments
gospel remove-domain payments --dry-run     # preview the diff, write nothing
gospel remove-domain payments --force       # even though you edited its generated files
"""


def command(
    name: Annotated[
        str,
        typer.Argument(help="The domain to remove (singular or plural).", metavar="NAME"),
    ],
    project: ProjectOption = Path(),
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Remove the domain even if you modified its generated files (they are deleted).",
        ),
    ] = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Remove a domain added by add-domain: files, registrations and its migration.

    Refused, with nothing changed, when you modified a generated file, unless --force. The
    migration is deleted if it was never applied; otherwise (or when gospel cannot tell) a drop
    migration is written. Refused while another domain references this one.
    """
    from gospel_scaffold.domain.remove import RemoveRequest, plan_remove

    plan = plan_remove(RemoveRequest(name=name, project=project, force=force))
    carry_out(plan, dry_run=dry_run, as_json=as_json)
