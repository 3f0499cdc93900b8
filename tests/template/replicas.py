"""A generated project served as its image serves it: the Dockerfile's command, a pod's settings.

A plain module (conftest names are ambiguous), shared by the Dockerfile, Kubernetes and scaling
tests. Each :func:`replica` is one uvicorn process started with the exec-form ``CMD`` of the
project's Dockerfile, as one pod (or one compose worker) runs it.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generated_env import free_port
from served_app import failures, stop, wait_until_up

if TYPE_CHECKING:
    from generated_env import GeneratedVenv


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


def pod_settings(project: Path) -> dict[str, str]:
    """A pod's environment: deploy/kubernetes/base/config.env, plus a Secret's SECRET_KEY."""
    settings = {}
    config = project / "deploy" / "kubernetes" / "base" / "config.env"
    for line in config.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value
    settings["SECRET_KEY"] = secrets.token_urlsafe(64)
    return settings


@dataclass(frozen=True)
class Replica:
    """One uvicorn process serving the project."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def server_log(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> list[str]:
        """Lines of the server log that show a failure: tracebacks and errors."""
        return failures(self.server_log())


@contextlib.contextmanager
def replica(
    project: Path, venv: GeneratedVenv, env: Mapping[str, str], workdir: Path
) -> Iterator[Replica]:
    """Serve ``project`` with its image's command on a free loopback port until the block ends.

    ``env`` is the process environment (the database must be migrated already); the log is
    written in ``workdir``.
    """
    port = free_port()
    command = dockerfile_command(project)
    for name, value in (("--host", "127.0.0.1"), ("--port", str(port))):
        assert name in command, f"the image's command has no {name}"
        command[command.index(name) + 1] = value
    command[0] = str(venv.bin(command[0]))
    log = workdir / f"replica-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=venv.env(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    served = Replica(f"http://127.0.0.1:{port}", port, process, log)
    try:
        wait_until_up(served.url, process, log)
        yield served
    finally:
        stop(process)


def call(
    base_url: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request (``body`` as JSON); the status, headers (lower-case names) and body.

    A new connection each time, as a client behind a load balancer may get.
    """
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    prepared = urllib.request.Request(
        f"{base_url}{path}", data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(prepared, timeout=60) as response:
            status, raw_headers, content = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw_headers, content = error.code, error.headers, error.read()
    return status, {name.lower(): value for name, value in raw_headers.items()}, content
