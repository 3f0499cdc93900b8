"""A generated app served by the real uvicorn holds concurrent writes on SQLite and PostgreSQL.

Real HTTP clients, all at once: 200 distinct sign-ups and 50 sign-ups of one email. No answer
may be a 5xx or a dropped connection, and every acknowledged account must be in the database.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from served_app import asyncpg_url, registration, send_concurrently, serve, users

if TYPE_CHECKING:
    from generated_env import GeneratedVenv

pytestmark = pytest.mark.slow


def _assert_holds_concurrent_writes(venv: GeneratedVenv, project: Path, database_url: str) -> None:
    with serve(venv, project, database_url, project) as app:
        distinct = [f"user{i}@example.com" for i in range(200)]
        answers, _ = send_concurrently(app.url, [registration(email) for email in distinct])
        twins, _ = send_concurrently(app.url, [registration("twin@example.com")] * 50)
        errors = app.errors()

    assert Counter(a.status for a in answers) == {201: 200}, errors
    assert Counter(a.status for a in twins) == {201: 1, 409: 49}, errors
    assert set(users(database_url)) == {*distinct, "twin@example.com"}
    assert errors == []


def test_served_app_holds_concurrent_writes_on_sqlite(
    default_project: Path, generated_venv: GeneratedVenv
) -> None:
    database_url = f"sqlite+aiosqlite:///{default_project / 'served.db'}"

    _assert_holds_concurrent_writes(generated_venv, default_project, database_url)


@pytest.mark.postgres
def test_served_app_holds_concurrent_writes_on_postgresql(
    default_project: Path, generated_venv: GeneratedVenv, postgres_database: str
) -> None:
    database_url = asyncpg_url(postgres_database)

    _assert_holds_concurrent_writes(generated_venv, default_project, database_url)
