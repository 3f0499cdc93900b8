"""``gospel update``: bring a generated project to a newer template version."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gospel_scaffold.commands._options import ProjectOption
from gospel_scaffold.errors import AbortedError, UpdateConflictError, VerifyFailedError

if TYPE_CHECKING:
    from gospel_scaffold.update.run import UpdateResult

__all__ = ["ConflictStyle", "command"]


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
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Let a template from --template/URL run its copier migrations (gospel's own "
            "template, shipped or in the clone gospel runs from, is always trusted).",
        ),
    ] = False,
    project: ProjectOption = Path(),
) -> None:
    """Update the project to a newer template version, keeping your changes.

    Refuses a git tree with uncommitted changes. Exits 3 and names the files when conflicts
    remain to be resolved.
    """
    from gospel_scaffold.update.run import update_project

    try:
        result = update_project(
            project, to=to, dry_run=dry_run, conflict=conflict.value, trust=trust
        )
    except KeyboardInterrupt:
        raise AbortedError("interrupted; the project was put back as it was") from None
    _report(result)
    if result.conflicts:
        how = "resolve the markers" if conflict is ConflictStyle.INLINE else "apply the .rej files"
        raise UpdateConflictError(
            f"{'the update would leave' if dry_run else 'the update left'} conflicts in "
            f"{len(result.conflicts)} file(s): {', '.join(result.conflicts)}; {how}, then "
            "commit"
        )
    if verify and not dry_run:
        _verify(result.root)


def _report(result: UpdateResult) -> None:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    if result.up_to_date:
        console.print(f"Already up to date at template {result.to_version}.")
        return
    verb = "Would update" if result.dry_run else "Updated"
    console.print(
        f"[bold green]{verb}[/] {result.root} from template {result.from_version} "
        f"to {result.to_version}"
    )
    for path in result.changed:
        mark = "[red]C[/]" if path in result.conflicts else "[green]M[/]"
        console.print(f"  {mark} {path}")
    for path in result.kept_migrations:
        console.print(
            f"  [yellow]kept[/] {path} unchanged: an update never rewrites an existing migration"
        )
    for path in result.new_migrations:
        console.print(
            f"  [yellow]new migration[/] {path}: run `uv run alembic heads` and merge heads if "
            "you have migrations of your own"
        )
    if not result.dry_run and not result.conflicts:
        console.print("Review with `git diff`, then commit.")


def _verify(root: Path) -> None:
    from rich.console import Console

    from gospel_scaffold.update.verify import run_checks

    console = Console(highlight=False, soft_wrap=True)
    for run in run_checks(root):
        shown = " ".join(run.command)
        if run.passed:
            console.print(f"[green]passed[/] {shown}")
        else:
            console.print(run.output.rstrip())
            raise VerifyFailedError(f"the project's check `{shown}` failed after the update")
