"""The generated project's own test suite and migrations, on SQLite and on PostgreSQL.

Run for the representative cases (``runnable_case``: the defaults, and PostgreSQL on Python 3.11
without the manifest), each on a private copy of the session's rendering and on its own Python.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from succeeded import require_success

if TYPE_CHECKING:
    from generated_env import GeneratedVenv

pytestmark = pytest.mark.slow


def asyncpg_url(url: str) -> str:
    """SQLAlchemy's async form of a ``postgresql://`` URL."""
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


def _pytest(
    venv: GeneratedVenv, project: Path, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return venv.run(
        "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, cwd=project, env=env
    )


def _sqlite_tables(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def _postgres_tables(url: str) -> set[str]:
    done = subprocess.run(
        ["psql", url, "-At", "-c", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def _migrate(venv: GeneratedVenv, project: Path, database_url: str, step: str) -> None:
    args = {"upgrade": ["upgrade", "head"], "check": ["check"], "downgrade": ["downgrade", "base"]}
    done = venv.run("alembic", *args[step], cwd=project, env={"DATABASE_URL": database_url})
    require_success(done, f"alembic {' '.join(args[step])}")


def test_generated_test_suite_passes_on_sqlite(
    runnable_project: Path, runnable_venv: GeneratedVenv, redis_url: str | None
) -> None:
    # With TEST_REDIS_URL, the login throttle's Redis storage is tested for real too. With
    # --cov, as the generated CI runs it: below 90 % coverage the run fails.
    env = {"TEST_REDIS_URL": redis_url} if redis_url else {}
    done = _pytest(runnable_venv, runnable_project, "--cov", env=env)
    require_success(done, "the generated project's pytest --cov")
    assert "Required test coverage of 90" in done.stdout, done.stdout[-2000:]
    if redis_url:
        # Only the PostgreSQL tests skip on SQLite (-ra lists every skip with its reason).
        assert "TEST_REDIS_URL" not in done.stdout, done.stdout[-2000:]


@pytest.mark.postgres
def test_generated_test_suite_passes_on_postgresql(
    runnable_project: Path, runnable_venv: GeneratedVenv, postgres_database: str
) -> None:
    done = _pytest(
        runnable_venv,
        runnable_project,
        env={"TEST_DATABASE_URL": asyncpg_url(postgres_database)},
    )
    require_success(done, "the generated project's pytest")


def test_migrations_upgrade_check_and_downgrade_on_sqlite(
    runnable_project: Path, runnable_venv: GeneratedVenv, tmp_path: Path
) -> None:
    database = tmp_path / "migrations.db"
    url = f"sqlite+aiosqlite:///{database}"

    _migrate(runnable_venv, runnable_project, url, "upgrade")
    assert "users" in _sqlite_tables(database)
    _migrate(runnable_venv, runnable_project, url, "check")
    _migrate(runnable_venv, runnable_project, url, "downgrade")
    assert _sqlite_tables(database) <= {"alembic_version"}


@pytest.mark.postgres
def test_migrations_upgrade_check_and_downgrade_on_postgresql(
    runnable_project: Path, runnable_venv: GeneratedVenv, postgres_database: str
) -> None:
    url = asyncpg_url(postgres_database)

    _migrate(runnable_venv, runnable_project, url, "upgrade")
    assert "users" in _postgres_tables(postgres_database)
    _migrate(runnable_venv, runnable_project, url, "check")
    _migrate(runnable_venv, runnable_project, url, "downgrade")
    assert _postgres_tables(postgres_database) <= {"alembic_version"}
