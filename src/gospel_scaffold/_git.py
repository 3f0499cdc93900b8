"""The one place gospel runs ``git``: ``gospel new``, template sources and ``gospel update``."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from gospel_scaffold.errors import ProjectError, ToolMissingError

__all__ = ["git", "require_git", "status_paths", "try_git"]


def require_git() -> str:
    """Return the path of ``git``.

    Raises:
        ToolMissingError: git is not on PATH.
    """
    found = shutil.which("git")
    if found is None:
        raise ToolMissingError("git is not on PATH; install git")
    return found


def _run(
    cwd: Path, args: tuple[str, ...], config: Mapping[str, str] | None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    # --no-optional-locks: reading a repository (status) never takes its index lock, so gospel
    # cannot make a concurrent git command in the same repository fail.
    options = ["--no-optional-locks"]
    for key, value in (config or {}).items():
        options += ["-c", f"{key}={value}"]
    return subprocess.run(
        [require_git(), *options, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def git(
    cwd: Path, *args: str, config: Mapping[str, str] | None = None, stdin: str | None = None
) -> str:
    """Run ``git ARGS`` in ``cwd`` and return its standard output.

    Args:
        cwd: The directory to run in.
        *args: The git subcommand and its arguments.
        config: ``-c KEY=VALUE`` settings for this one command.
        stdin: Text to pass on standard input.

    Raises:
        ToolMissingError: git is not on PATH.
        ProjectError: git failed; the message carries git's own error.
    """
    done = _run(cwd, args, config, stdin)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"exit status {done.returncode}"
        raise ProjectError(f"git {args[0]} failed in {cwd}: {reason}")
    return done.stdout


def try_git(cwd: Path, *args: str) -> str | None:
    """Run ``git ARGS`` in ``cwd``; return its standard output, or ``None`` if it failed.

    Raises:
        ToolMissingError: git is not on PATH.
    """
    done = _run(cwd, args, None)
    return done.stdout if done.returncode == 0 else None


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
