"""``gospel update``: bring a generated project to a newer template version."""

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
from gospel_scaffold.errors import AbortedError, UpdateConflictError, VerifyFailedError

if TYPE_CHECKING:
    from gospel_scaffold.update.run import UpdateResult
    from gospel_scaffold.update.verify import CheckRun

__all__ = ["EXAMPLES", "ConflictStyle", "command", "to_json"]

EXAMPLES = """\
gospel update                      # to the template version this gospel ships
gospel update --dry-run            # what would change, in a throw-away clone
gospel update --verify             # then run the project's ruff, mypy and pytest
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
    """Update the project to a newer template version, keeping your changes.

    Refuses a git tree with uncommitted changes. Exits 3 and names the files when conflicts
    remain to be resolved, 4 when --verify finds a failing check.
    """
    from gospel_scaffold.new_project import parse_data
    from gospel_scaffold.update.run import update_project

    answers = parse_data(data or [])
    try:
        with progress("Updating the project with copier"):
            result = update_project(
                project,
                to=to,
                dry_run=dry_run,
                conflict=conflict.value,
                trust=trust,
                quiet=not verbosity().verbose,
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
    ``conflicts``, ``kept_migrations``, ``new_migrations`` and ``checks`` (``--verify``: each
    with ``command`` and ``passed``).
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
        "checks": [
            {"command": " ".join(run.command), "passed": run.passed} for run in checks or []
        ],
    }


def _report(result: UpdateResult) -> None:
    out = console()
    if result.up_to_date:
        out.print(f"Already up to date at template {result.to_version}.")
        return
    verb = "Would update" if result.dry_run else "Updated"
    out.print(
        f"[bold green]{verb}[/] {result.root} from template {result.from_version} "
        f"to {result.to_version}"
    )
    for path in result.changed:
        mark = "[red]C[/]" if path in result.conflicts else "[green]M[/]"
        out.print(f"  {mark} {path}")
    for path in result.kept_migrations:
        out.print(
            f"  [yellow]kept[/] {path} unchanged: an update never rewrites an existing migration"
        )
    for path in result.new_migrations:
        out.print(
            f"  [yellow]new migration[/] {path}: run `uv run alembic heads` and merge heads if "
            "you have migrations of your own"
        )
    if not result.dry_run and not result.conflicts:
        out.print("Review with `git diff`, then commit.")


def _verify(root: Path, *, report: bool) -> list[CheckRun]:
    """Run the project's checks one by one, with progress; stop at the first failure."""
    from gospel_scaffold.update.verify import CHECKS, run_check

    out = console()
    runs: list[CheckRun] = []
    for command in CHECKS:
        shown = " ".join(command)
        with progress(f"Running {shown}"):
            run = run_check(root, command)
        runs.append(run)
        if report and run.passed:
            out.print(f"[green]passed[/] {shown}")
            if verbosity().verbose and run.output.strip():
                out.print(run.output.rstrip(), markup=False)
        elif report:
            # The failing check's own output, whatever --quiet says: it is the error's detail.
            typer.echo(run.output.rstrip())
        if not run.passed:
            break
    return runs
