"""The generated app as Kubernetes runs it: several replicas, one PostgreSQL, one Redis.

Each replica is a real uvicorn process started with the image's command (the Dockerfile's
``CMD``) and the pod's settings (deploy/kubernetes/base/config.env, plus the values the Secret
holds). The tests show what N replicas need: migrations that several pods may start at once,
login throttling and token revocation that hold whichever replica answers, probes that answer,
and a shutdown on SIGTERM that finishes every request in flight.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml  # type: ignore[import-untyped]
from replicas import Replica, call, dockerfile_command, option, pod_settings, replica
from served_app import API, log_in, sign_up

if TYPE_CHECKING:
    from conftest import PostgresDatabases
    from generated_env import GeneratedVenv

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

REPLICAS = 3
PASSWORD = "replica-password-123"


def _copy(project: Path, dest: Path) -> Path:
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    return dest


def _asyncpg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


def _me(base_url: str, token: str) -> int:
    return call(base_url, "GET", f"{API}/users/me", token=token)[0]


@pytest.fixture(scope="module")
def project(kubernetes_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the project rendered with deploy=kubernetes (Python writes caches)."""
    return _copy(kubernetes_project, tmp_path_factory.mktemp("scaling") / "project")


@pytest.fixture(scope="module")
def replicas(
    project: Path,
    generated_venv: GeneratedVenv,
    postgres_databases: PostgresDatabases,
    redis_url: str | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[Replica]]:
    """REPLICAS servers of the project on one migrated database (and one Redis, if any)."""
    workdir = tmp_path_factory.mktemp("replicas")
    with postgres_databases() as database, contextlib.ExitStack() as stack:
        env = {**pod_settings(project), "DATABASE_URL": _asyncpg(database)}
        if redis_url is not None:
            # A database of the session's Redis that nothing else uses.
            env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/3"
        migrated = generated_venv.run("alembic", "upgrade", "head", cwd=project, env=env)
        assert migrated.returncode == 0, migrated.stderr[-4000:]
        servers = [
            stack.enter_context(replica(project, generated_venv, env, workdir))
            for _ in range(REPLICAS)
        ]
        yield servers
        for server in servers:
            assert server.errors() == [], server.server_log()[-4000:]


def test_concurrent_migrations_wait_for_each_other(
    project: Path, generated_venv: GeneratedVenv, postgres_database: str, tmp_path: Path
) -> None:
    # A copy whose last migration holds its transaction open for 2 s: pods that start
    # together all run `alembic upgrade head` inside that window.
    copy = _copy(project, tmp_path / "project")
    versions = copy / "migrations" / "versions"
    head = next(path for path in versions.glob("*.py")).name.split("_", 1)[0]
    (versions / "ffff00000001_slow.py").write_text(
        f'"""A slow migration."""\n\nfrom alembic import op\n\nrevision = "ffff00000001"\n'
        f'down_revision = "{head}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        'def upgrade() -> None:\n    op.execute("SELECT pg_sleep(2)")\n\n\n'
        "def downgrade() -> None:\n    pass\n",
        encoding="utf-8",
    )
    env = {**pod_settings(copy), "DATABASE_URL": _asyncpg(postgres_database)}
    results: list[tuple[int, str]] = []

    def migrate() -> None:
        done = generated_venv.run("alembic", "upgrade", "head", cwd=copy, env=env)
        results.append((done.returncode, done.stderr))

    threads = [threading.Thread(target=migrate) for _ in range(REPLICAS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [code for code, _ in results] == [0] * REPLICAS, [err[-2000:] for _, err in results]
    # One of them migrated; the others waited for it and found the schema at head.
    migrated = [err for _, err in results if "Running upgrade" in err]
    assert len(migrated) == 1
    assert migrated[0].count("Running upgrade") == 2


def test_login_throttling_holds_across_replicas(
    replicas: list[Replica], redis_url: str | None
) -> None:
    if redis_url is None:
        pytest.skip("no redis-server: the replicas count failures each on their own")
    base_urls = [server.url for server in replicas]
    email = "throttled@example.com"
    sign_up(base_urls[0], email, PASSWORD)
    wrong = {"email": email, "password": "not-the-password"}

    # LOGIN_FAILURES_PER_ACCOUNT allows 5 failures: spread over the replicas, they add up.
    for attempt in range(5):
        status, _, _ = call(base_urls[attempt % REPLICAS], "POST", f"{API}/auth/login", wrong)
        assert status == 401, attempt

    for base_url in base_urls:
        status, headers, _ = call(base_url, "POST", f"{API}/auth/login", wrong)
        assert status == 429, base_url
        assert int(headers["retry-after"]) > 0
        # Even the right password waits: no replica lets the guessing go on.
        status, _, _ = call(
            base_url, "POST", f"{API}/auth/login", {"email": email, "password": PASSWORD}
        )
        assert status == 429, base_url


def test_a_token_revoked_through_one_replica_is_refused_by_the_others(
    replicas: list[Replica],
) -> None:
    first, second, third = (server.url for server in replicas)
    email = "revoked@example.com"
    sign_up(first, email, PASSWORD)
    token = log_in(second, email, PASSWORD)
    assert [_me(base_url, token) for base_url in (first, second, third)] == [200, 200, 200]

    status, _, _ = call(
        third,
        "POST",
        f"{API}/users/me/password",
        {"current_password": PASSWORD, "new_password": "another-password-456"},
        token=token,
    )

    assert status == 204
    assert [_me(base_url, token) for base_url in (first, second, third)] == [401, 401, 401]
    fresh = log_in(first, email, "another-password-456")
    assert _me(third, fresh) == 200


def test_the_deployments_probes_answer_on_every_replica(
    replicas: list[Replica], project: Path
) -> None:
    deployment = yaml.safe_load(
        (project / "deploy" / "kubernetes" / "base" / "deployment.yaml").read_text()
    )
    (api,) = deployment["spec"]["template"]["spec"]["containers"]
    paths = {api[probe]["httpGet"]["path"] for probe in ("livenessProbe", "readinessProbe")}

    assert len(paths) == 2
    for server in replicas:
        for path in sorted(paths):
            status, _, body = call(server.url, "GET", path)
            assert status == 200, (path, body)


def test_sigterm_lets_every_request_in_flight_finish(
    project: Path, generated_venv: GeneratedVenv, postgres_database: str, tmp_path: Path
) -> None:
    env = {**pod_settings(project), "DATABASE_URL": _asyncpg(postgres_database)}
    migrated = generated_venv.run("alembic", "upgrade", "head", cwd=project, env=env)
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    graceful = option(dockerfile_command(project), "--timeout-graceful-shutdown")
    assert graceful is not None

    with replica(project, generated_venv, env, tmp_path) as server:
        email = "draining@example.com"
        sign_up(server.url, email, PASSWORD)
        credentials = {"email": email, "password": PASSWORD}
        outcomes: list[int | str] = []
        stop = threading.Event()

        def load() -> None:
            # Logins hash a password: each takes a while, so some are in flight at SIGTERM.
            while not stop.is_set():
                try:
                    status, _, _ = call(server.url, "POST", f"{API}/auth/login", credentials)
                except OSError as error:
                    outcomes.append(repr(error))
                else:
                    outcomes.append(status)

        threads = [threading.Thread(target=load) for _ in range(8)]
        for thread in threads:
            thread.start()
        # Requests the server has begun to read: their bodies arrive only after SIGTERM.
        slow = [_begin_login(server, credentials) for _ in range(4)]
        _wait_for(lambda: len(outcomes) >= 8, "the load to get going")

        # Kubernetes stops sending new requests to a terminating pod (the preStop pause
        # covers the delay), then sends SIGTERM.
        stop.set()
        time.sleep(0.2)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1)

        assert server.process.poll() is None, "the server quit with requests in flight"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
        for connection, rest in slow:
            connection.send(rest)
            response = connection.getresponse()
            assert response.status == 200, response.read()
            assert response.getheader("connection") == "close"
            connection.close()
        for thread in threads:
            thread.join()
        code = server.process.wait(timeout=int(graceful))

    assert set(outcomes) == {200}, [outcome for outcome in outcomes if outcome != 200]
    # uvicorn finishes its shutdown, then exits by the signal it received.
    assert code == -signal.SIGTERM
    log = server.server_log()
    assert "Waiting for connections to close" in log
    assert server.errors() == [], log[-4000:]


def _begin_login(
    server: Replica, credentials: dict[str, str]
) -> tuple[http.client.HTTPConnection, bytes]:
    """Send a login's headers and half its body; return the connection and the other half."""
    body = json.dumps(credentials).encode()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", f"{API}/auth/login")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body[: len(body) // 2])
    return connection, body[len(body) // 2 :]


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
