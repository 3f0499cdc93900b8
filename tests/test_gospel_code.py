"""gospel's own code holds the standard it sets for generated projects: ruff and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKS = {
    "ruff check": ["-m", "ruff", "check", "src", "tests", "benchmarks"],
    "ruff format": ["-m", "ruff", "format", "--check", "src", "tests", "benchmarks"],
    "mypy --strict": ["-m", "mypy"],  # pyproject.toml: strict, on src/
}


@pytest.mark.parametrize("check", CHECKS)
def test_gospel_passes(check: str) -> None:
    done = subprocess.run(
        [sys.executable, *CHECKS[check]], cwd=REPO, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
