"""``gospel update --verify``: run the project's own checks after an update."""

from __future__ import annotations

import shutil
import subprocess
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


def run_checks(root: Path, checks: tuple[tuple[str, ...], ...] = CHECKS) -> list[CheckRun]:
    """Run ``checks`` in the project, stopping at the first failure.

    Args:
        root: The project directory.
        checks: Command lines to run, in order.

    Returns:
        The checks that ran; the last one failed if any did.

    Raises:
        ToolMissingError: A check's program (``uv``) is not on PATH.
    """
    runs: list[CheckRun] = []
    for command in checks:
        if shutil.which(command[0]) is None:
            shown = " ".join(command)
            raise ToolMissingError(f"{command[0]} is not on PATH; --verify runs {shown}")
        done = subprocess.run(
            list(command),
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        runs.append(CheckRun(command=command, returncode=done.returncode, output=done.stdout))
        if done.returncode != 0:
            break
    return runs
