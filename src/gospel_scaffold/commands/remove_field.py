"""``gospel remove-field``: remove fields from a domain, with a migration dropping the columns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gospel_scaffold.commands._options import (
    DryRunOption,
    ForceMergeOption,
    JsonOption,
    ProjectOption,
)
from gospel_scaffold.commands._output import QuietOption, VerboseOption

__all__ = ["EXAMPLES", "command"]

EXAMPLES = """\
gospel remove-field payments note                  # drops the note column
gospel remove-field payments customer --dry-run    # a reference: give its name, not customer_id
"""


def command(
    domain: Annotated[
        str, typer.Argument(help="The domain (singular or plural).", metavar="DOMAIN")
    ],
    fields: Annotated[
        list[str],
        typer.Argument(
            help="Names of the fields to remove (for a reference, its name: customer).",
            metavar="NAME...",
            show_default=False,
        ),
    ],
    project: ProjectOption = Path(),
    force: ForceMergeOption = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Remove fields from a domain, and write a migration that drops their columns.

    Your edits of the generated files are kept (three-way merge); a conflict stops the run with
    nothing written. The migration's downgrade restores the columns (not their values).
    """
    from gospel_scaffold.commands.add_domain import carry_out
    from gospel_scaffold.domain.evolve import FieldsRequest, plan_fields

    plan = plan_fields(FieldsRequest(domain=domain, remove=fields, project=project, force=force))
    carry_out(plan, dry_run=dry_run, as_json=as_json)
