"""The few git commands ``gospel update`` needs, run as subprocesses."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gospel_scaffold.errors import ProjectError, ToolMissingError

__all__ = ["git", "git_ok", "require_git", "status_paths"]


def require_git() -> str:
    """Return the path of ``git``.

    Raises:
        ToolMissingError: git is not on PATH.
    """
    found = shutil.which("git")
    if found is None:
        raise ToolMissingError("git is not on PATH; updating a project needs git")
    return found


def git(cwd: Path, *args: str) -> str:
    """Run ``git ARGS`` in ``cwd`` and return its standard output.

    Raises:
        ProjectError: git failed; the message carries git's own error.
    """
    done = subprocess.run(
        [require_git(), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        raise ProjectError(f"git {args[0]} failed in {cwd}: {detail[-1] if detail else '?'}")
    return done.stdout


def git_ok(cwd: Path, *args: str) -> bool:
    """Run ``git ARGS`` in ``cwd`` and tell whether it succeeded."""
    done = subprocess.run(
        [require_git(), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    return done.returncode == 0


def status_paths(
    cwd: Path, *, ignored: bool = False, subtree: bool = True
) -> list[tuple[str, str]]:
    """Return ``(status, path)`` pairs of ``git status --porcelain`` (untracked files listed).

    Args:
        cwd: A directory inside the work tree.
        ignored: Also list ignored files (status ``!!``).
        subtree: Only report paths under ``cwd``, relative to it; otherwise report the whole
            repository, with paths relative to its root.
    """
    args = ["status", "--porcelain", "-z", "--untracked-files=all"]
    if ignored:
        args.append("--ignored")
    prefix = git(cwd, "rev-parse", "--show-prefix").strip() if subtree else ""
    if subtree:
        args += ["--", "."]
    entries = git(cwd, *args).split("\0")
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename or copy is followed by its source path
            index += 1
        if path.startswith(prefix):  # porcelain paths are relative to the repository root
            pairs.append((code, path.removeprefix(prefix)))
    return pairs
