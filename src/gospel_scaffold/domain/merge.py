"""Three-way merges of generated files, with ``git merge-file`` semantics (it does the work)."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gospel_scaffold._git import require_git

__all__ = ["Merged", "merge_three"]


@dataclass(frozen=True)
class Merged:
    """The result of a three-way merge.

    Attributes:
        text: The merged text (with conflict markers when ``conflicts`` is not zero).
        conflicts: How many conflicting hunks there are.
    """

    text: str
    conflicts: int


def merge_three(
    base: str,
    ours: str,
    theirs: str,
    *,
    path: str,
    labels: tuple[str, str, str] | None = None,
) -> Merged:
    """Merge the changes base→theirs (gospel's) into ours (the file as the user has it).

    Args:
        base: The text gospel generated before.
        ours: The file now, with the user's edits.
        theirs: The text gospel generates now.
        path: The file's path, for the conflict labels.
        labels: The conflict labels of ours, base and theirs (default: the path with
            ``(yours)``, ``(generated before)`` and ``(generated now)``).

    Returns:
        The merged text and the number of conflicts.

    Raises:
        ToolMissingError: git is not on PATH (only needed when the user edited the file).
    """
    if ours == base:
        return Merged(theirs, 0)
    if theirs == base or ours == theirs:
        return Merged(ours, 0)
    git = require_git()
    with tempfile.TemporaryDirectory(prefix="gospel-merge-") as scratch:
        files = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            target = Path(scratch) / name
            target.write_bytes(text.encode("utf-8"))
            files.append(str(target))
        mine, before, now = labels or (
            f"{path} (yours)",
            f"{path} (generated before)",
            f"{path} (generated now)",
        )
        done = subprocess.run(
            [git, "merge-file", "-p", "-L", mine, "-L", before, "-L", now, *files],
            capture_output=True,
            check=False,
        )
    if done.returncode < 0:  # pragma: no cover - git itself failed
        raise OSError(done.stderr.decode("utf-8", errors="replace"))
    return Merged(done.stdout.decode("utf-8"), max(done.returncode, 0))
