"""Was a migration applied? Ask the project's configured database, read-only.

SQLite files are opened read-only with :mod:`sqlite3`. Other databases are asked through the
project's own environment (``.venv/bin/python`` with its async driver). When the answer cannot
be known, :func:`migration_applied` says so and the caller takes the safe path.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gospel_scaffold.domain.target_project import Project, Revision

__all__ = ["Applied", "database_url", "migration_applied"]

_CONFIG_DEFAULT = re.compile(r'DATABASE_URL:\s*str\s*=\s*"([^"]+)"')
_PROBE = """
import asyncio, sys
import asyncpg

async def main() -> None:
    connection = await asyncpg.connect(sys.argv[1], timeout=10)
    try:
        exists = await connection.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL")
        rows = await connection.fetch("SELECT version_num FROM alembic_version") if exists else []
    finally:
        await connection.close()
    print(" ".join(row[0] for row in rows))

asyncio.run(main())
"""


@dataclass(frozen=True)
class Applied:
    """Whether a revision is applied to the project's database.

    Attributes:
        applied: True, False, or ``None`` when it cannot be told.
        reason: Why (shown to the user).
    """

    applied: bool | None
    reason: str


def _read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        values[key] = value.strip().strip("'\"")
    return values


def database_url(project: Project) -> str | None:
    """Return the database URL the project uses: environment, then ``.env``, then its default."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from_file = _read_env_file(project.root / ".env").get("DATABASE_URL")
    if from_file:
        return from_file
    config = project.read("app/core/config.py") or ""
    match = _CONFIG_DEFAULT.search(config)
    return match.group(1) if match else None


def _ancestors(versions: set[str], revisions: list[Revision]) -> set[str]:
    by_id = {revision.revision: revision for revision in revisions}
    seen: set[str] = set()
    stack = list(versions)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in by_id:
            stack.extend(by_id[current].down_revisions)
    return seen


def _sqlite_versions(project: Project, url: str) -> tuple[set[str] | None, str]:
    _, _, location = url.partition(":///")
    if not location or location.startswith(":memory:"):
        return set(), "the database is in memory"
    path = Path(location.split("?")[0])
    if not path.is_absolute():
        path = project.root / path
    if not path.is_file():
        return set(), f"the database {path.name} does not exist yet"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return None, f"cannot open {path.name} ({error})"
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        return set(), f"{path.name} has no alembic_version table"
    finally:
        connection.close()
    return {str(row[0]) for row in rows}, f"read from {path.name}"


def _server_versions(project: Project, url: str) -> tuple[set[str] | None, str]:
    python = project.root / ".venv" / "bin" / "python"
    if not python.is_file():
        return None, "the project has no .venv to ask its database with"
    plain = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)
    try:
        done = subprocess.run(
            [str(python), "-c", _PROBE, plain],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"cannot reach the database ({error})"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        return None, f"cannot reach the database ({last})"
    return set(done.stdout.split()), "read from the database"


def migration_applied(project: Project, revision: str) -> Applied:
    """Tell whether ``revision`` is applied to the project's configured database.

    Args:
        project: The project.
        revision: The revision id.

    Returns:
        The answer and its reason; ``applied`` is ``None`` when it cannot be known.
    """
    url = database_url(project)
    if url is None:
        return Applied(None, "no DATABASE_URL is configured")
    if url.startswith("sqlite"):
        versions, reason = _sqlite_versions(project, url)
    elif url.startswith(("postgres", "postgresql")):
        versions, reason = _server_versions(project, url)
    else:
        return Applied(None, f"gospel cannot read {url.split(':')[0]} databases")
    if versions is None:
        return Applied(None, reason)
    applied = revision in _ancestors(versions, project.revisions())
    return Applied(applied, reason)
