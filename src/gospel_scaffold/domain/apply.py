"""Apply a plan all or nothing: if any step fails, every file is put back as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gospel_scaffold.domain.plan import FileChange, Plan
from gospel_scaffold.domain.pristine import store_texts
from gospel_scaffold.errors import ProjectError

__all__ = ["ApplyResult", "apply_plan", "check_targets"]


@dataclass
class ApplyResult:
    """What applying a plan did.

    Attributes:
        written: Paths created or updated, relative to the project root.
        deleted: Paths deleted.
    """

    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def _atomic_write(target: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if target.exists():
            Path(temporary).chmod(target.stat().st_mode & 0o7777)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _step(root: Path, change: FileChange) -> None:
    target = root / change.path
    if change.action == "delete":
        target.unlink(missing_ok=True)
        return
    assert change.after is not None
    _atomic_write(target, change.after)


def check_targets(plan: Plan) -> None:
    """Check that every file the plan writes can sit where it goes.

    Every existing ancestor of a target must be a directory and the target itself must not be
    a directory, so a write cannot fail half-way because of something already on disk.

    Args:
        plan: The plan to check.

    Raises:
        ProjectError: A target or one of its parent folders is in the way.
    """
    root = plan.root
    for change in plan.changes:
        if not change.changes_disk:
            continue
        target = root / change.path
        for parent in reversed(target.parents):
            if parent == root or root not in parent.parents:
                continue
            if parent.exists() and not parent.is_dir():
                where = parent.relative_to(root).as_posix()
                raise ProjectError(
                    f"Cannot write {change.path}: {where} is a file, not a folder; move it "
                    "away and run gospel again (nothing was written)"
                )
        if target.is_dir():
            raise ProjectError(
                f"Cannot write {change.path}: it is a folder; move it away and run gospel again "
                "(nothing was written)"
            )


def _restore(
    saved: list[tuple[Path, bytes | None]], created_dirs: list[Path], root: Path
) -> list[str]:
    # Best effort: one item that cannot be put back does not stop the others.
    failed: list[str] = []
    for target, content in reversed(saved):
        try:
            if content is None:
                if target.is_file() or target.is_symlink():
                    target.unlink()
            else:
                target.write_bytes(content)
        except OSError:
            failed.append(target.relative_to(root).as_posix())
    for directory in reversed(created_dirs):
        try:
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
        except OSError:
            failed.append(directory.relative_to(root).as_posix() + "/")
    return failed


def apply_plan(plan: Plan, *, step: Callable[[Path, FileChange], None] = _step) -> ApplyResult:
    """Write every change of ``plan``, restoring the project if any write fails.

    Before writing, every file is checked against the text the plan was made from, so a file
    changed in between stops the run instead of being overwritten.

    Args:
        plan: The plan to apply.
        step: Applies one change (tests inject failures here).

    Returns:
        What was written and deleted.

    Raises:
        ProjectError: A file changed since planning, or a write failed (the project is restored).
    """
    root = plan.root
    check_targets(plan)
    pending = [change for change in plan.changes if change.changes_disk]
    for change in pending:
        target = root / change.path
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != change.before:
            raise ProjectError(f"{change.path} changed while gospel was planning; run it again")
    saved: list[tuple[Path, bytes | None]] = []
    created_dirs: list[Path] = []
    result = ApplyResult()
    try:
        for change in pending:
            target = root / change.path
            saved.append((target, target.read_bytes() if target.is_file() else None))
            missing = [p for p in reversed(target.parents) if not p.exists()]
            for directory in missing:
                directory.mkdir()
                created_dirs.append(directory)
            step(root, change)
            (result.deleted if change.action == "delete" else result.written).append(change.path)
    except Exception as error:
        failed = _restore(saved, created_dirs, root)
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        if failed:
            raise ProjectError(
                f"Could not write {change.path} ({reason}); could not put back "
                f"{', '.join(failed)}; every other file was put back as it was"
            ) from None
        raise ProjectError(
            f"Could not write {change.path} ({reason}); every file was put back as it was"
        ) from None
    _prune_record_dirs(root, result.deleted)
    store_texts(root, plan.pristine)
    return result


def _prune_record_dirs(root: Path, deleted: list[str]) -> None:
    # Removing the last domain leaves no empty `.gospel/domains/` behind.
    for path in deleted:
        parent = (root / path).parent
        while parent != root and ".gospel" in parent.relative_to(root).parts:
            if any(parent.iterdir()):
                break
            parent.rmdir()
            parent = parent.parent
