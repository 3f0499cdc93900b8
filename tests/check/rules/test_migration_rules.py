"""GOS801: finding the project's environment, and failing clearly (exit 2) without one.

The comparison itself runs on a real generated project in ``tests/commands/test_check.py``.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from gospel_scaffold.check.rules.migrations import project_python
from gospel_scaffold.errors import UnreadableProjectError


def _fake_venv(project) -> None:
    python = project.root / ".venv/bin/python"
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)


def test_project_venv_python_is_preferred(project):
    _fake_venv(project)
    assert project_python(project.root) == [str(project.root / ".venv/bin/python")]


def test_uv_run_is_used_without_a_venv(project, monkeypatch, tmp_path):
    uv = tmp_path / "bin" / "uv"
    uv.parent.mkdir()
    uv.write_text("#!/bin/sh\n")
    uv.chmod(0o755)
    monkeypatch.setenv("PATH", str(uv.parent))
    assert project_python(project.root)[:4] == [str(uv), "run", "--project", str(project.root)]


def test_no_environment_at_all_is_unreadable(project, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    project.write("alembic.ini", "[alembic]\nscript_location = migrations\n")
    with pytest.raises(UnreadableProjectError, match="cannot find the Python environment"):
        project.check(select=["GOS8"], migrations=True)


def test_project_without_alembic_ini_is_unreadable(project):
    _fake_venv(project)
    with pytest.raises(UnreadableProjectError, match=r"has no alembic\.ini"):
        project.check(select=["GOS8"], migrations=True)


def test_failing_comparison_is_unreadable_with_the_end_of_the_error(project):
    # The generator's own interpreter has no Alembic: the subprocess fails on its import.
    if importlib.util.find_spec("alembic") is not None:
        pytest.skip("alembic is importable here")
    _fake_venv(project)
    project.write("alembic.ini", "[alembic]\nscript_location = migrations\n")
    with pytest.raises(UnreadableProjectError, match="No module named 'alembic'"):
        project.check(select=["GOS8"], migrations=True)
