"""A generated project with a domain of every field type, served by the real uvicorn.

Shared by the fuzzing and hostile-request tests (a plain module: conftest names are ambiguous).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import GeneratedVenv, SharedCache

# Every field type, owned and shared domains, references to domains and to users, defaults.
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
        "--no-owner",
    ),
)
SUPERUSER = ("root@example.com", "root-password-123")
USER = ("user@example.com", "user-password-123")


def build_fuzz_project(shared_cache: SharedCache, render: Callable[..., Path]) -> Path:
    """The project, rendered and given its domains by the real CLI once per session."""

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
    """A running server of the project."""

    base_url: str
    log: Path
    tokens: Mapping[str, str]
    project: Path

    def server_log(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(
    url: str, *, method: str = "GET", body: bytes | None = None, headers: Mapping[str, str] = {}
) -> tuple[int, dict[str, str], bytes]:
    """Send one request; return the status, headers (lower-case names) and body."""
    prepared = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            status, raw_headers, content = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw_headers, content = error.code, error.headers, error.read()
    return status, {name.lower(): value for name, value in raw_headers.items()}, content


def _login(base_url: str, email: str, password: str) -> str:
    body = json.dumps({"email": email, "password": password}).encode()
    status, _, content = request(
        f"{base_url}/api/v1/auth/login",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
    )
    assert status == 200, content
    token: str = json.loads(content)["access_token"]
    return token


@contextlib.contextmanager
def serve(
    project: Path, venv: GeneratedVenv, database_url: str, workdir: Path
) -> Iterator[ServedApp]:
    """Migrate `database_url`, create a superuser and a user, and serve the app with uvicorn."""
    env: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "local",
        "FIRST_SUPERUSER_EMAIL": SUPERUSER[0],
        "FIRST_SUPERUSER_PASSWORD": SUPERUSER[1],
    }
    for step in (("alembic", "upgrade", "head"), ("python", "-m", "app.initial_data")):
        done = venv.run(*step, cwd=project, env=env)
        assert done.returncode == 0, f"{' '.join(step)}: {done.stderr[-4000:]}"
    port = _free_port()
    log = workdir / f"server-{port}.log"
    # The image's command: uvicorn without its `server` banner.
    command = [
        str(venv.bin("uvicorn")),
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-server-header",
        "--no-access-log",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=project, env=venv.env(env), stdout=output, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, server, log)
        body = json.dumps({"email": USER[0], "password": USER[1]}).encode()
        status, _, _ = request(
            f"{base_url}/api/v1/auth/register",
            method="POST",
            body=body,
            headers={"Content-Type": "application/json"},
        )
        assert status == 201
        tokens = {"superuser": _login(base_url, *SUPERUSER), "user": _login(base_url, *USER)}
        yield ServedApp(base_url, log, tokens, project)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(OSError):
            if request(f"{base_url}/health")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start:\n{log.read_text()[-4000:]}")


def server_errors(log: str) -> list[str]:
    """Lines of the server log that show a failure: tracebacks and errors."""
    markers = ("Traceback", "ERROR", "Exception in ASGI application")
    return [line for line in log.splitlines() if any(marker in line for marker in markers)]


def asyncpg_url(url: str) -> str:
    """SQLAlchemy's async form of a ``postgresql://`` URL."""
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


def schemathesis() -> list[str]:
    """The schemathesis CLI of the generator's own environment."""
    return [str(Path(sys.executable).with_name("st"))]


def clean_env() -> dict[str, str]:
    """The environment for tools of the generator's venv, without pytest's variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
