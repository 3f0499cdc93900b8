"""``gospel add-domain``: the gospel's new-domain checklist in one safe command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gospel_scaffold.commands._options import DryRunOption, JsonOption, ProjectOption
from gospel_scaffold.commands._output import QuietOption, VerboseOption, echo, verbosity
from gospel_scaffold.errors import InvalidInputError

if TYPE_CHECKING:
    from gospel_scaffold.domain.plan import Plan

__all__ = ["EXAMPLES", "carry_out", "command"]

EXAMPLES = """\
gospel add-domain payments amount:decimal:12,2 status:enum:pending,paid customer:ref:customers
gospel add-domain notes body:text --no-owner        # shared: any user reads, superusers write
gospel add-domain payments amount:decimal:12,2 --dry-run    # preview the diff, write nothing
gospel add-domain people name:str:100 --singular person --plural people
"""


def command(
    name: Annotated[
        str,
        typer.Argument(
            help="Domain name, singular or plural (payments or payment).",
            metavar="NAME",
            show_default=False,
        ),
    ],
    fields: Annotated[
        list[str] | None,
        typer.Argument(
            help="Fields as name:type[:args][:modifier...], e.g. amount:decimal:12,2 "
            "status:enum:pending,paid note:text:null customer:ref:customers. Types: str[:length], "
            "text, int, bigint, float, decimal:p,s, bool, date, datetime, uuid, json, enum:a,b, "
            "ref:<domain>, refs:<domain> (many-to-many). Modifiers: null, unique, index, "
            "default=<value>.",
            metavar="FIELD...",
            show_default=False,
        ),
    ] = None,
    fields_file: Annotated[
        Path | None,
        typer.Option(
            "--fields-file",
            help="Read more fields from FILE (whitespace separated, # starts a comment).",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    project: ProjectOption = Path(),
    singular: Annotated[
        str | None,
        typer.Option(
            "--singular", help="Singular form, when inflect gets it wrong.", metavar="NAME"
        ),
    ] = None,
    plural: Annotated[
        str | None,
        typer.Option("--plural", help="Plural form, when inflect gets it wrong.", metavar="NAME"),
    ] = None,
    owner: Annotated[
        bool,
        typer.Option(
            "--owner/--no-owner",
            help="Rows belong to the user who created them; --no-owner makes a shared resource "
            "(any user reads, superusers write).",
        ),
    ] = True,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite generated files that exist and differ."),
    ] = False,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Add a domain: model, schemas, repository, service, routes, migration and tests.

    Everything is validated and planned first, then written all or nothing. Running the same
    command again changes nothing.
    """
    from gospel_scaffold.domain.add import AddRequest, plan_add
    from gospel_scaffold.domain.fields import read_fields_file

    specs = list(fields or [])
    if fields_file is not None:
        specs += read_fields_file(fields_file)
    if not specs:
        raise InvalidInputError(
            "Give at least one field, e.g. `gospel add-domain payments amount:decimal:12,2` "
            "(or --fields-file FILE)"
        )
    request = AddRequest(
        name=name,
        specs=specs,
        project=project,
        singular=singular,
        plural=plural,
        owner=owner,
        force=force,
    )
    carry_out(plan_add(request), dry_run=dry_run, as_json=as_json)


def carry_out(plan: Plan, *, dry_run: bool, as_json: bool) -> None:
    """Write a plan unless ``dry_run``, then print it (every command that changes domains).

    Args:
        plan: The plan.
        dry_run: Write nothing; print the diffs instead.
        as_json: Print JSON for scripts instead of text.
    """
    from gospel_scaffold.domain.apply import apply_plan

    if not dry_run and plan.changed:
        apply_plan(plan)
    _print_plan(plan, dry_run=dry_run, as_json=as_json)


def _print_plan(plan: Plan, *, dry_run: bool, as_json: bool) -> None:
    """Print a plan: JSON, unified diffs (dry run) or the gospel's checklist, ticked."""
    if as_json:  # asked for, so printed even with --quiet
        typer.echo(json.dumps(plan.to_json(applied=not dry_run and plan.changed), indent=2))
        return
    title = f"gospel {plan.operation} {plan.domain}"
    if plan.names:
        title += f" ({plan.names})"
    if dry_run:
        echo(f"# {title}")
        diff = plan.diff()
        if diff:  # the preview asked for: printed even with --quiet
            typer.echo(diff, nl=False)
        for note in plan.notes:
            echo(f"# {note}")
        echo(f"# {title}: dry run, nothing was written.")
        return
    echo(f"{title} in {plan.root}")
    for item in plan.checklist:
        echo(f"  [{'x' if item.done else ' '}] {item.text}")
    if verbosity().verbose:
        for change in plan.changes:
            if change.changes_disk:
                echo(f"  {change.summary}")
    for note in plan.notes:
        echo(note)
