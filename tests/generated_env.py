"""The generated projects' environment: a venv with their dependencies, and PostgreSQL.

Used by the test suite's fixtures (``conftest.py``) and by the benchmarks, which build the
same venv and start the same throwaway cluster outside pytest.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "POSTGRES_URL_ENV",
    "GeneratedVenv",
    "build_venv",
    "find_python",
    "free_port",
    "fresh_database",
    "psql",
    "throwaway_cluster",
]

POSTGRES_URL_ENV = "GOSPEL_TEST_POSTGRES_URL"
"""An admin URL of a PostgreSQL server to use instead of a throwaway cluster."""


@dataclass(frozen=True)
class GeneratedVenv:
    """A venv holding the dependencies (dev group included) of the generated projects."""

    path: Path

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.path / "bin" / "python"

    def bin(self, tool: str) -> Path:
        """The path of a console script installed in the venv."""
        return self.path / "bin" / tool

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """An environment that runs this venv's tools and nothing of the generator's."""
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
            and not k.startswith(("PYTEST_", "GOSPEL_", "COV_"))
        }
        env["PATH"] = f"{self.path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.path)
        env.update(extra or {})
        return env

    def run(
        self,
        tool: str,
        *args: str,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = 900,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``tool ARGS`` from the venv in ``cwd``; never raises on failure."""
        return subprocess.run(
            [str(self.bin(tool)), *args],
            cwd=cwd,
            env=self.env(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _uv() -> str:
    from uv import find_uv_bin

    return str(find_uv_bin())


def find_python(version: str) -> str | None:
    """Return a working ``pythonX.Y`` interpreter (PATH, then pyenv), or ``None``."""
    candidates: list[str] = []
    if found := shutil.which(f"python{version}"):
        candidates.append(found)
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += [
        str(p) for p in sorted(pyenv_root.glob(f"versions/{version}*/bin/python{version}"))
    ]
    for candidate in candidates:
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0:
            return candidate
    return None


def build_venv(venv: Path, projects: list[Path], python: str) -> None:
    """Make ``venv`` on ``python`` with the dependencies of ``projects``, dev group included."""
    uv = _uv()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    steps = [
        [uv, "venv", "--quiet", "--python", python, str(venv)],
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            *[arg for p in projects for arg in ("-r", str(p / "pyproject.toml"))],
            *[arg for p in projects for arg in ("--group", f"{p / 'pyproject.toml'}:dev")],
        ],
    ]
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(step[:3])} failed:\n{done.stderr[-4000:]}")


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary directory on a loopback port; its admin URL.

    Raises:
        LookupError: initdb or pg_ctl is not on PATH.
    """
    missing = [tool for tool in ("initdb", "pg_ctl") if shutil.which(tool) is None]
    if missing:
        raise LookupError(f"{', '.join(missing)} not on PATH")
    # Not under pytest's basetemp: the postgres user must be able to reach the directory.
    data_dir = Path(tempfile.mkdtemp(prefix="gospel-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, user="postgres", group="postgres")
    port = free_port()
    log = data_dir / "server.log"
    try:
        subprocess.run(
            _as_postgres_user(
                ["initdb", "-D", str(data_dir / "data"), "-U", "postgres", "--auth=trust"]
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        subprocess.run(
            _as_postgres_user(
                [
                    "pg_ctl",
                    "-D",
                    str(data_dir / "data"),
                    "-l",
                    str(log),
                    "-o",
                    f"-p {port} -c listen_addresses=127.0.0.1 -k {data_dir} -c fsync=off",
                    "-w",
                    "start",
                ]
            ),
            capture_output=True,
            text=True,
            check=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres_user(["pg_ctl", "-D", str(data_dir / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(data_dir, ignore_errors=True)


def psql(admin_url: str, sql: str) -> None:
    """Run one SQL statement with psql; raise CalledProcessError when it fails."""
    subprocess.run(
        ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )


@contextlib.contextmanager
def fresh_database(admin_url: str, prefix: str = "gospel_test") -> Iterator[str]:
    """A new, empty database on ``admin_url``'s server, dropped afterwards; its plain URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    psql(admin_url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rpartition('/')[0]}/{name}"
    finally:
        # A server process still ending a closed connection can refuse the drop for a moment;
        # a database left behind on a throwaway server harms nothing.
        for _ in range(3):
            try:
                psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except subprocess.CalledProcessError:
                time.sleep(1)
