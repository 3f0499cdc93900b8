"""``gospel add-field``: add fields to a domain, with a migration, keeping your edits."""

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
gospel add-field payments note:text:null                  # existing rows get NULL
gospel add-field payments currency:str:3:default=EUR      # existing rows get EUR
gospel add-field payments payer:ref:users:null tags:refs:tags
gospel add-field payments due:date:null --dry-run         # preview the diff, write nothing
"""


def command(
    domain: Annotated[
        str, typer.Argument(help="The domain (singular or plural).", metavar="DOMAIN")
    ],
    fields: Annotated[
        list[str],
        typer.Argument(
            help="Fields to add, as in add-domain (name:type[:args][:modifier...]). A non-null "
            "field needs default=<value> (existing rows get it) or :null.",
            metavar="FIELD...",
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
    """Add fields to a domain: model, schemas, service, tests, and a migration adding columns.

    Your edits of the generated files are kept (three-way merge); a conflict stops the run with
    nothing written. Running the same command again changes nothing.
    """
    from gospel_scaffold.commands.add_domain import carry_out
    from gospel_scaffold.domain.evolve import FieldsRequest, plan_fields

    plan = plan_fields(FieldsRequest(domain=domain, add=fields, project=project, force=force))
    carry_out(plan, dry_run=dry_run, as_json=as_json)
