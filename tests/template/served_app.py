"""A generated project served by the real uvicorn, and the HTTP clients that reach it.

A plain module (conftest names are ambiguous), shared by the fuzzing, hostile-request and
concurrency tests and by ``benchmarks/bench_concurrency.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from generated_env import free_port

if TYPE_CHECKING:
    from conftest import SharedCache
    from generated_env import GeneratedVenv

API = "/api/v1"

# Every field type, owned and shared domains, references to domains, to users, to the domain
# itself and to many rows (refs), defaults.
FUZZ_DOMAINS: tuple[tuple[str, ...], ...] = (
    ("customers", "name:str:100", "email:str:320:unique", "tier:enum:basic,gold:default=basic"),
    (
        "payments",
        "amount:decimal:12,2",
        "currency:str:3",
        "status:enum:pending,paid,failed",
        "note:text:null",
        "paid_at:datetime:null",
        "customer:ref:customers",
        "fee:decimal:8,2:null",
        "payer:ref:users:null",
    ),
    (
        "tags",
        "label:str:50:unique:index",
        "weight:float:null",
        "active:bool:default=true",
        "day:date:null",
        "key:uuid:null",
        "meta:json:null",
        "big:bigint:null",
        "rank:int:default=0",
        "--no-owner",
    ),
    (
        "notes",
        "body:text",
        "code:str:20:unique",
        "customer:ref:customers:null",
        "reviewer:ref:users:null",
        "due:date",
        "price:decimal:6,3:default=1.5",
        "parent:ref:notes:null",
        "labels:refs:tags",
        "--no-owner",
    ),
)
SUPERUSER = ("root@example.com", "root-password-123")
USER = ("user@example.com", "user-password-123")

FAST_HASHING = """
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core import security

# As the generated test suite does: the cheapest Argon2, so the database path is what counts.
security._password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
"""
"""Launcher code that swaps the app's password hasher for the cheapest Argon2."""

SEED_SUPERUSER = """
import asyncio

from app.initial_data import main

asyncio.run(main())  # as `python -m app.initial_data`, from FIRST_SUPERUSER_EMAIL/PASSWORD
"""
"""Launcher code, run after the migrations, that creates the first superuser."""

_MIGRATE = """
from alembic import command
from alembic.config import Config

command.upgrade(Config("alembic.ini"), "head")  # as `alembic upgrade head`, one start-up less
"""

# As the image serves it: uvicorn without its `server` banner.
_SERVE = """
import sys

import uvicorn

from app.main import app

uvicorn.run(
    app,
    host="127.0.0.1",
    port=int(sys.argv[1]),
    log_level="warning",
    server_header=False,
    access_log=False,
)
"""


def build_fuzz_project(shared_cache: SharedCache, render: Callable[..., Path]) -> Path:
    """The project with :data:`FUZZ_DOMAINS`, made by the real CLI once per session (read only)."""

    def build(root: Path) -> None:
        project = render({"project_name": "fuzzed"}, root / "fuzzed")
        for domain in FUZZ_DOMAINS:
            done = subprocess.run(
                [sys.executable, "-m", "gospel_scaffold", "add-domain", *domain],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"add-domain {domain[0]} failed: {done.stderr}")

    return shared_cache.get("fuzz-project", build) / "fuzzed"


@dataclass(frozen=True)
class ServedApp:
    """A running ``uvicorn`` (one worker) serving a project.

    Attributes:
        url: The server's base URL.
        database_url: The database it serves.
        project: The project it serves.
        log: What the server prints.
        tokens: Bearer tokens of the accounts :func:`serve_with_accounts` made, by role.
    """

    url: str
    database_url: str
    project: Path
    log: Path
    tokens: Mapping[str, str] = field(default_factory=dict)

    def server_log(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> list[str]:
        """Lines of the server log that show a failure: tracebacks and errors."""
        return failures(self.server_log())


def failures(log: str) -> list[str]:
    """Lines of a server log that show a failure: tracebacks and errors."""
    markers = ("Traceback", "ERROR", "Exception in ASGI application")
    return [line for line in log.splitlines() if any(marker in line for marker in markers)]


@contextlib.contextmanager
def serve(
    venv: GeneratedVenv,
    project: Path,
    database_url: str,
    workdir: Path,
    *,
    prelude: str = FAST_HASHING,
    after_migrations: str = "",
    env: Mapping[str, str] | None = None,
) -> Iterator[ServedApp]:
    """Migrate ``database_url`` and serve ``project`` on it, in one process.

    ``prelude`` is Python run first, ``after_migrations`` once the schema is there; the server's
    log is written in ``workdir`` (the project may be a shared, read-only rendering).
    """
    script = "\n".join([prelude, _MIGRATE, after_migrations, _SERVE])
    port = free_port()
    log = workdir / f"uvicorn-{port}.log"
    environment = venv.env({"DATABASE_URL": database_url, "ENVIRONMENT": "local", **(env or {})})
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
        app = ServedApp(f"http://127.0.0.1:{port}", database_url, project, log)
        wait_until_up(app.url, server, log)
        yield app
    finally:
        stop(server)


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until ``url`` answers ``/health``; fail with the log if the server exits first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited {server.returncode}:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer within 60 s:\n{log.read_text()[-4000:]}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server as an orchestrator does: SIGTERM, then SIGKILL after 30 s."""
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextlib.contextmanager
def serve_with_accounts(
    venv: GeneratedVenv, project: Path, database_url: str, workdir: Path
) -> Iterator[ServedApp]:
    """:func:`serve`, with a superuser and a user signed up and their tokens in ``tokens``."""
    env = {"FIRST_SUPERUSER_EMAIL": SUPERUSER[0], "FIRST_SUPERUSER_PASSWORD": SUPERUSER[1]}
    with serve(
        venv, project, database_url, workdir, after_migrations=SEED_SUPERUSER, env=env
    ) as app:
        sign_up(app.url, *USER)
        tokens = {"superuser": log_in(app.url, *SUPERUSER), "user": log_in(app.url, *USER)}
        yield replace(app, tokens=tokens)


def sign_up(base_url: str, email: str, password: str) -> None:
    """Create an account through the API."""
    response = httpx.post(
        f"{base_url}{API}/auth/register", json={"email": email, "password": password}
    )
    assert response.status_code == 201, response.text


def log_in(base_url: str, email: str, password: str) -> str:
    """An access token for ``email``."""
    credentials = {"email": email, "password": password}
    response = httpx.post(f"{base_url}{API}/auth/login", json=credentials)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


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
    done = subprocess.run(
        ["psql", plain_url(database_url), "-AtF", "\t", "-c", query],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = (line.split("\t") for line in done.stdout.splitlines())
    return {email: full_name or None for email, full_name in rows}


def asyncpg_url(url: str) -> str:
    """SQLAlchemy's async form of a ``postgresql://`` URL."""
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


def plain_url(url: str) -> str:
    """The ``postgresql://`` form of SQLAlchemy's async URL, for psql."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def schemathesis() -> list[str]:
    """The schemathesis CLI of the generator's own environment."""
    return [str(Path(sys.executable).with_name("st"))]


def clean_env() -> dict[str, str]:
    """The environment for tools of the generator's venv, without pytest's variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
