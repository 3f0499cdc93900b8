"""Apply a plan all or nothing: if any step fails, every file is put back as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gospel_scaffold.domain.plan import FileChange, Plan
from gospel_scaffold.errors import ProjectError

__all__ = ["ApplyResult", "apply_plan"]


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
        for target, content in reversed(saved):
            if content is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(content)
        for directory in reversed(created_dirs):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise ProjectError(
            f"Could not write {change.path} ({reason}); every file was put back as it was"
        ) from None
    _prune_record_dirs(root, result.deleted)
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
