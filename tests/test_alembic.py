"""Where a project's Alembic migrations live, read from its own configuration."""

from __future__ import annotations

from pathlib import Path

from gospel_scaffold._alembic import script_locations


def test_alembic_ini_location_comes_first_relative_to_the_project(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s/db/migrations/\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "other"\n', encoding="utf-8"
    )

    assert script_locations(tmp_path) == ["db/migrations", "other"]


def test_pyproject_alone_names_the_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.alembic]\nscript_location = "%(here)s/alembic"\n', encoding="utf-8"
    )

    assert script_locations(tmp_path) == ["alembic"]


def test_packaged_locations_and_unreadable_files_name_no_folder(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = myapp:migrations\n", encoding="utf-8"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.alembic\n", encoding="utf-8")

    assert script_locations(tmp_path) == []
