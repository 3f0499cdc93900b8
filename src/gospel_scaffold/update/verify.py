"""``gospel update --verify``: run the project's own checks after an update."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from gospel_scaffold.errors import ToolMissingError

__all__ = ["CHECKS", "CheckRun", "run_checks"]

CHECKS: tuple[tuple[str, ...], ...] = (
    ("uv", "run", "ruff", "check", "."),
    ("uv", "run", "ruff", "format", "--check", "."),
    ("uv", "run", "mypy"),
    ("uv", "run", "pytest", "-q"),
)
"""The project's own checks: lint, format, types, tests (its CI also runs Alembic, gospel check)."""


@dataclass(frozen=True)
class CheckRun:
    """One check and how it ended.

    Attributes:
        command: The command line.
        returncode: Its exit status.
        output: Its standard output and error, interleaved.
    """

    command: tuple[str, ...]
    returncode: int
    output: str

    @property
    def passed(self) -> bool:
        """Whether the check succeeded."""
        return self.returncode == 0


def _run_check(root: Path, command: tuple[str, ...]) -> CheckRun:
    """Run one check in the project.

    Args:
        root: The project directory.
        command: The command line.

    Returns:
        How it ended, with its output.

    Raises:
        ToolMissingError: The check's program (``uv``) is not on PATH.
    """
    if shutil.which(command[0]) is None:
        shown = " ".join(command)
        raise ToolMissingError(f"{command[0]} is not on PATH; --verify runs {shown}")
    done = subprocess.run(
        list(command),
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return CheckRun(command=command, returncode=done.returncode, output=done.stdout)


def run_checks(
    root: Path,
    checks: tuple[tuple[str, ...], ...] = CHECKS,
    *,
    running: Callable[[str], AbstractContextManager[object]] | None = None,
) -> Iterator[CheckRun]:
    """Run ``checks`` in the project one by one, stopping after the first failure.

    Args:
        root: The project directory.
        checks: Command lines to run, in order.
        running: Wraps each check while it runs (a progress spinner); given its command line.

    Yields:
        Each check as it ends; the last one failed if any did.

    Raises:
        ToolMissingError: A check's program (``uv``) is not on PATH.
    """
    for command in checks:
        with running(" ".join(command)) if running is not None else nullcontext():
            run = _run_check(root, command)
        yield run
        if not run.passed:
            return
