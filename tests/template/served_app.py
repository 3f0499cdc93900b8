"""A rendered project served by the real uvicorn, and concurrent HTTP clients to load it.

A plain module (conftest names are ambiguous), shared by ``test_served_concurrency.py`` and
``benchmarks/bench_concurrency.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from conftest import GeneratedVenv

API = "/api/v1"

FAST_HASHING = """
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core import security

# As the generated test suite does: the cheapest Argon2, so the database path is what counts.
security._password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
"""
"""Launcher code that swaps the app's password hasher for the cheapest Argon2."""

_MIGRATE = """
from alembic import command
from alembic.config import Config

command.upgrade(Config("alembic.ini"), "head")  # as `alembic upgrade head`, one start-up less
"""

_SERVE = """
import sys

import uvicorn

from app.main import app

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@dataclass(frozen=True)
class ServedApp:
    """A running ``uvicorn`` (one worker) serving a project."""

    url: str
    database_url: str
    log: Path

    def errors(self) -> str:
        """The tracebacks the server logged (empty when it logged none)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return text if "Traceback" in text else ""


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serve(
    venv: GeneratedVenv,
    project: Path,
    database_url: str,
    *,
    prelude: str = FAST_HASHING,
    after_migrations: str = "",
    env: Mapping[str, str] | None = None,
) -> Iterator[ServedApp]:
    """Migrate ``database_url`` and serve ``project`` on it, in one process.

    ``prelude`` is Python run first, ``after_migrations`` once the schema is there.
    """
    script = "\n".join([prelude, _MIGRATE, after_migrations, _SERVE])
    port = free_port()
    log = project / f"uvicorn-{port}.log"
    environment = venv.env({"DATABASE_URL": database_url, **(env or {})})
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(venv.python), "-c", script, str(port)],
            cwd=project,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        app = ServedApp(f"http://127.0.0.1:{port}", database_url, log)
        _wait_until_up(app, server)
        yield app
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(app: ServedApp, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited {server.returncode}:\n{app.log.read_text()}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{app.url}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer within 60 s:\n{app.log.read_text()}")


@dataclass(frozen=True)
class Call:
    """One HTTP request to send."""

    method: str
    path: str
    json: Any = None
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Answer:
    """What came back: a status code, or the name of the transport error; and its body."""

    status: int | str
    body: Any = None


def send_concurrently(base_url: str, calls: list[Call]) -> tuple[list[Answer], float]:
    """Send every call at once, each on its own connection; the answers and the wall time."""
    return asyncio.run(_send_all(base_url, calls))


async def _send_all(base_url: str, calls: list[Call]) -> tuple[list[Answer], float]:
    limits = httpx.Limits(max_connections=len(calls), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
        start = time.perf_counter()
        answers = await asyncio.gather(*(_send(client, call) for call in calls))
        return list(answers), time.perf_counter() - start


async def _send(client: httpx.AsyncClient, call: Call) -> Answer:
    try:
        response = await client.request(
            call.method, call.path, json=call.json, headers=dict(call.headers or {})
        )
    except httpx.TransportError as error:  # a dropped connection is a failure too
        return Answer(type(error).__name__)
    is_json = response.headers.get("content-type", "").startswith("application/json")
    return Answer(response.status_code, response.json() if is_json else response.text)


def registration(email: str) -> Call:
    """A sign-up request for ``email``."""
    return Call("POST", f"{API}/auth/register", {"email": email, "password": "served-pass-123"})


def users(database_url: str) -> dict[str, str | None]:
    """Every user's email and full name, read straight from the database (not the app)."""
    query = "SELECT email, full_name FROM users"
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[1]
        with contextlib.closing(sqlite3.connect(path)) as connection:
            return dict(connection.execute(query).fetchall())
    plain_url = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    done = subprocess.run(
        ["psql", plain_url, "-AtF", "\t", "-c", query], capture_output=True, text=True, check=True
    )
    rows = (line.split("\t") for line in done.stdout.splitlines())
    return {email: full_name or None for email, full_name in rows}
