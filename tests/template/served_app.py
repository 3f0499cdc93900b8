"""A generated project with a domain of every field type, served by the real uvicorn.

Shared by the fuzzing and hostile-request tests (a plain module: conftest names are ambiguous).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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


def login(base_url: str, email: str, password: str) -> str:
    """Log in through the API; return the access token."""
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


def migrate_and_seed(project: Path, venv: GeneratedVenv, env: Mapping[str, str]) -> None:
    """Run the migrations and create the superuser, as a deployment does before serving."""
    for step in (("alembic", "upgrade", "head"), ("python", "-m", "app.initial_data")):
        done = venv.run(*step, cwd=project, env=env)
        assert done.returncode == 0, f"{' '.join(step)}: {done.stderr[-4000:]}"


def dockerfile_command(project: Path) -> list[str]:
    """The command of the project's image: the Dockerfile's exec-form ``CMD``."""
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    found = re.search(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.MULTILINE)
    assert found, "the Dockerfile has no exec-form CMD"
    command = json.loads(found.group(1))
    assert isinstance(command, list) and all(isinstance(arg, str) for arg in command)
    return command


def option(command: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` in ``command``, or None."""
    if name not in command:
        return None
    return command[command.index(name) + 1]


@dataclass
class Server:
    """One uvicorn process serving the project."""

    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def server_log(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def uvicorn_server(
    project: Path,
    venv: GeneratedVenv,
    env: Mapping[str, str],
    workdir: Path,
    *,
    command: list[str] | None = None,
) -> Iterator[Server]:
    """Serve the project on a free loopback port until the block ends.

    ``command`` is a uvicorn command line (the image's by default: :func:`dockerfile_command`);
    its ``--host`` and ``--port`` are replaced.
    """
    port = _free_port()
    argv = list(command or dockerfile_command(project))
    for name, value in (("--host", "127.0.0.1"), ("--port", str(port))):
        if name in argv:
            argv[argv.index(name) + 1] = value
        else:
            argv += [name, value]
    argv[0] = str(venv.bin(argv[0]))
    log = workdir / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            argv, cwd=project, env=venv.env(env), stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server.base_url, process, log)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def register(base_url: str, email: str, password: str) -> None:
    """Create an account through the API."""
    body = json.dumps({"email": email, "password": password}).encode()
    status, _, content = request(
        f"{base_url}/api/v1/auth/register",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
    )
    assert status == 201, content


@contextlib.contextmanager
def serve(
    project: Path, venv: GeneratedVenv, database_url: str, workdir: Path
) -> Iterator[ServedApp]:
    """Migrate `database_url`, create a superuser and a user, and serve the app with uvicorn."""
    env = {
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "local",
        "FIRST_SUPERUSER_EMAIL": SUPERUSER[0],
        "FIRST_SUPERUSER_PASSWORD": SUPERUSER[1],
    }
    migrate_and_seed(project, venv, env)
    # The image's command, without the access log (the tests read the log for errors).
    command = [*dockerfile_command(project), "--no-access-log"]
    with uvicorn_server(project, venv, env, workdir, command=command) as server:
        register(server.base_url, *USER)
        tokens = {
            "superuser": login(server.base_url, *SUPERUSER),
            "user": login(server.base_url, *USER),
        }
        yield ServedApp(server.base_url, server.log, tokens, project)


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
