"""``gospel update``: bring a generated project to a newer template version, and its domains."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gospel_scaffold.commands._options import ProjectOption
from gospel_scaffold.commands._output import (
    QuietOption,
    VerboseOption,
    console,
    progress,
    verbosity,
)
from gospel_scaffold.errors import (
    AbortedError,
    InvalidInputError,
    UpdateConflictError,
    VerifyFailedError,
)

if TYPE_CHECKING:
    from gospel_scaffold.update.run import UpdateResult
    from gospel_scaffold.update.verify import CheckRun

__all__ = ["EXAMPLES", "ConflictStyle", "command", "to_json"]

EXAMPLES = """\
gospel update                      # the template and every domain, to this gospel
gospel update --dry-run            # what would change (with the diff), in a throw-away clone
gospel update --verify             # then run the project's ruff, mypy and pytest
gospel update --domain payments    # the template and one domain (repeat for more)
gospel update --no-template        # the domains only
gospel update --to v0.2.0 --conflict rej
gospel update -d deploy=kubernetes  # change an answer: add deploy/kubernetes/
"""


class ConflictStyle(StrEnum):
    """How copier leaves a change it cannot merge."""

    INLINE = "inline"
    REJ = "rej"


def command(
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Template version (tag, branch or commit) to update to.  [default: the "
            "version this gospel renders (its wheel's, or its clone's HEAD), or the latest tag "
            "of the recorded source]",
            metavar="REF",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Update a throw-away clone and report what would change."),
    ] = False,
    conflict: Annotated[
        ConflictStyle,
        typer.Option(
            "--conflict",
            help="Leave conflicts as inline git-style markers or as .rej files.",
            case_sensitive=False,
        ),
    ] = ConflictStyle.INLINE,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Run the project's own CI checks (ruff, mypy, pytest) after the update.",
        ),
    ] = False,
    domain: Annotated[
        list[str] | None,
        typer.Option(
            "--domain",
            help="Bring only this generated domain to this gospel (repeat for several).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    skip_domain: Annotated[
        list[str] | None,
        typer.Option(
            "--skip-domain",
            help="Leave this generated domain as it is (repeat for several).",
            metavar="NAME",
            show_default=False,
        ),
    ] = None,
    no_domains: Annotated[
        bool,
        typer.Option("--no-domains", help="Update the template only; leave every domain as it is."),
    ] = False,
    no_template: Annotated[
        bool,
        typer.Option(
            "--no-template",
            help="Update the domains only; leave the template where it is (also for a project "
            "copier cannot update).",
        ),
    ] = False,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="Change a template answer, e.g. deploy=kubernetes (repeatable); the others "
            "stay as recorded.",
            metavar="KEY=VALUE",
            show_default=False,
        ),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Let a template from --template/URL run its copier migrations (gospel's own "
            "template, shipped or in the clone gospel runs from, is always trusted).",
        ),
    ] = False,
    project: ProjectOption = Path(),
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print what changed as JSON (for scripts). It still updates; add --dry-run to "
            "only preview.",
        ),
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Update the project to a newer template version and its domains to this gospel.

    Your changes are kept: each generated domain file gets gospel's change merged in three ways,
    as copier does for the template. Refuses a git tree with uncommitted changes. Exits 3 and
    names the files when conflicts remain to be resolved, 4 when --verify finds a failing check.
    """
    from gospel_scaffold.domain.upgrade import DomainSelection
    from gospel_scaffold.new_project import parse_data
    from gospel_scaffold.update.run import update_project

    if no_template and no_domains:
        raise InvalidInputError("--no-template and --no-domains leave nothing to update")
    if no_domains and (domain or skip_domain):
        raise InvalidInputError("--domain and --skip-domain choose domains; --no-domains skips all")
    if no_template and data:
        raise InvalidInputError("-d changes a template answer; --no-template leaves the template")
    answers = parse_data(data or [])
    try:
        with progress("Updating the project"):
            result = update_project(
                project,
                to=to,
                dry_run=dry_run,
                conflict=conflict.value,
                trust=trust,
                quiet=not verbosity().verbose,
                template=not no_template,
                domains=DomainSelection(tuple(domain or ()), tuple(skip_domain or ())),
                with_domains=not no_domains,
                data=answers,
            )
    except KeyboardInterrupt:
        raise AbortedError("interrupted; the project was put back as it was") from None
    checks: list[CheckRun] = []
    failed: CheckRun | None = None
    if not as_json:
        _report(result)
    if verify and not dry_run and not result.conflicts:
        checks = _verify(result.root, report=not as_json)
        failed = next((run for run in checks if not run.passed), None)
    if as_json:
        typer.echo(json.dumps(to_json(result, checks), indent=2))
    if result.conflicts:
        how = "resolve the markers" if conflict is ConflictStyle.INLINE else "apply the .rej files"
        raise UpdateConflictError(
            f"{'the update would leave' if dry_run else 'the update left'} conflicts in "
            f"{len(result.conflicts)} file(s): {', '.join(result.conflicts)}; {how}, then "
            "commit"
        )
    if failed is not None:
        raise VerifyFailedError(
            f"the project's check `{' '.join(failed.command)}` failed after the update"
        )


def to_json(result: UpdateResult, checks: list[CheckRun] | None = None) -> dict[str, Any]:
    """The ``gospel update --json`` document.

    Keys: ``project``, ``source``, ``from``, ``to``, ``dry_run``, ``up_to_date``, ``changed``,
    ``conflicts``, ``kept_migrations``, ``new_migrations``, ``domains`` (the domains brought to
    this gospel), ``schema_changes`` and ``notes`` (lines to read), ``diff`` (``--dry-run``
    only, else empty) and ``checks`` (``--verify``: each with ``command`` and ``passed``).
    """
    return {
        "project": str(result.root),
        "source": result.source,
        "from": result.from_version,
        "to": result.to_version,
        "dry_run": result.dry_run,
        "up_to_date": result.up_to_date,
        "changed": list(result.changed),
        "conflicts": list(result.conflicts),
        "kept_migrations": list(result.kept_migrations),
        "new_migrations": list(result.new_migrations),
        "domains": list(result.domains),
        "schema_changes": list(result.schema_changes),
        "notes": list(result.notes),
        "diff": result.diff,
        "checks": [
            {"command": " ".join(run.command), "passed": run.passed} for run in checks or []
        ],
    }


def _report(result: UpdateResult) -> None:
    from rich.markup import escape

    out = console()
    if result.up_to_date:
        domains = f" and {len(result.domains)} domain(s)" if result.domains else ""
        out.print(f"Already up to date at template {result.to_version}{domains}.")
        return
    verb = "Would update" if result.dry_run else "Updated"
    if result.from_version == result.to_version:
        out.print(f"[bold green]{verb}[/] {result.root} (template {result.to_version})")
    else:
        out.print(
            f"[bold green]{verb}[/] {result.root} from template {result.from_version} "
            f"to {result.to_version}"
        )
    if result.domains:
        out.print(f"Domains brought to this gospel: {', '.join(result.domains)}")
    for path in result.changed:
        mark = "[red]C[/]" if path in result.conflicts else "[green]M[/]"
        out.print(f"  {mark} {escape(path)}")
    for path in result.kept_migrations:
        out.print(
            f"  [yellow]kept[/] {path} unchanged: an update never rewrites an existing migration"
        )
    for path in result.new_migrations:
        out.print(
            f"  [yellow]new migration[/] {path}: run `uv run alembic heads` and merge heads if "
            "you have migrations of your own"
        )
    for line in result.schema_changes:
        out.print(f"  [yellow]schema[/] {escape(line)}")
    for line in result.notes:
        out.print(f"  [yellow]note[/] {escape(line)}")
    if result.dry_run and result.diff:
        out.print(result.diff.rstrip("\n"), markup=False, highlight=False)
    if not result.dry_run and not result.conflicts:
        out.print("Review with `git diff`, then commit.")


def _verify(root: Path, *, report: bool) -> list[CheckRun]:
    """Run the project's checks one by one, with progress; stop at the first failure."""
    from gospel_scaffold.update.verify import run_checks

    out = console()
    runs: list[CheckRun] = []
    for run in run_checks(root, running=lambda shown: progress(f"Running {shown}")):
        runs.append(run)
        shown = " ".join(run.command)
        if report and run.passed:
            out.print(f"[green]passed[/] {shown}")
            if verbosity().verbose and run.output.strip():
                out.print(run.output.rstrip(), markup=False)
        elif report:
            # The failing check's own output, whatever --quiet says: it is the error's detail.
            typer.echo(run.output.rstrip())
    return runs
