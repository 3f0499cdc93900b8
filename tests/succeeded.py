"""A failed subprocess fails the test with its output: what the tests of generated projects need."""

from __future__ import annotations

import subprocess

import pytest

__all__ = ["require_success"]


def require_success(done: subprocess.CompletedProcess[str], what: str) -> None:
    """Fail the test with the end of the output of ``what`` unless it exited 0."""
    if done.returncode != 0:
        output = f"{done.stdout[-8000:]}\n{done.stderr[-8000:]}"
        pytest.fail(f"{what} exited {done.returncode}:\n{output}", pytrace=False)
