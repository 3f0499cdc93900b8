"""``run_checks``: the project's own checks after ``gospel update --verify``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gospel_scaffold.errors import ToolMissingError
from gospel_scaffold.update.verify import CHECKS, run_checks


def test_checks_are_the_generated_ci_commands() -> None:
    workflows = Path(__file__).resolve().parents[2] / "template" / ".github" / "workflows"
    workflow = "".join(f.read_text(encoding="utf-8") for f in workflows.glob("ci.yml*"))
    for check in CHECKS:
        assert f"run: {' '.join(check)}".removesuffix(" -q") in workflow, check


def test_checks_run_in_order_and_stop_at_the_first_failure(tmp_path: Path) -> None:
    checks = (
        (sys.executable, "-c", "import pathlib; pathlib.Path('ran').write_text('1')"),
        (sys.executable, "-c", "import sys; print('lint failed'); sys.exit(1)"),
        (sys.executable, "-c", "import pathlib; pathlib.Path('never').write_text('1')"),
    )

    runs = list(run_checks(tmp_path, checks))

    assert [run.passed for run in runs] == [True, False]
    assert "lint failed" in runs[1].output
    assert (tmp_path / "ran").is_file()
    assert not (tmp_path / "never").exists()


def test_missing_tool_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ToolMissingError, match="not-a-real-tool is not on PATH"):
        list(run_checks(tmp_path, (("not-a-real-tool", "run"),)))
