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
import secrets
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
from served_app import (
    Server,
    asyncpg_url,
    dockerfile_command,
    login,
    option,
    register,
    request,
    server_errors,
    uvicorn_server,
)

if TYPE_CHECKING:
    from conftest import GeneratedVenv, PostgresDatabases

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

REPLICAS = 3
PASSWORD = "replica-password-123"


def _copy(project: Path, dest: Path) -> Path:
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    return dest


def pod_settings(project: Path) -> dict[str, str]:
    """The pod's environment: the ConfigMap (config.env) and what the Secret holds."""
    settings = {}
    config = project / "deploy" / "kubernetes" / "base" / "config.env"
    for line in config.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = value
    settings["SECRET_KEY"] = secrets.token_urlsafe(64)
    return settings


def _json_post(
    base_url: str, path: str, body: dict[str, str], token: str | None = None
) -> tuple[int, dict[str, str]]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, response_headers, _ = request(
        f"{base_url}{path}", method="POST", body=json.dumps(body).encode(), headers=headers
    )
    return status, response_headers


def _me(base_url: str, token: str) -> int:
    status, _, _ = request(
        f"{base_url}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
    )
    return status


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
) -> Iterator[list[Server]]:
    """REPLICAS servers of the project on one migrated database (and one Redis, if any)."""
    workdir = tmp_path_factory.mktemp("replicas")
    with postgres_databases() as database, contextlib.ExitStack() as stack:
        env = {**pod_settings(project), "DATABASE_URL": asyncpg_url(database)}
        if redis_url is not None:
            # A database of the session's Redis that nothing else uses.
            env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/3"
        migrated = generated_venv.run("alembic", "upgrade", "head", cwd=project, env=env)
        assert migrated.returncode == 0, migrated.stderr[-4000:]
        servers = [
            stack.enter_context(uvicorn_server(project, generated_venv, env, workdir))
            for _ in range(REPLICAS)
        ]
        yield servers
        for server in servers:
            assert server_errors(server.server_log()) == [], server.server_log()[-4000:]


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
    env = {**pod_settings(copy), "DATABASE_URL": asyncpg_url(postgres_database)}
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
    replicas: list[Server], redis_url: str | None
) -> None:
    if redis_url is None:
        pytest.skip("no redis-server: the replicas count failures each on their own")
    base_urls = [server.base_url for server in replicas]
    email = "throttled@example.com"
    register(base_urls[0], email, PASSWORD)
    wrong = {"email": email, "password": "not-the-password"}

    # LOGIN_FAILURES_PER_ACCOUNT allows 5 failures: spread over the replicas, they add up.
    for attempt in range(5):
        status, _ = _json_post(base_urls[attempt % REPLICAS], "/api/v1/auth/login", wrong)
        assert status == 401, attempt

    for base_url in base_urls:
        status, headers = _json_post(base_url, "/api/v1/auth/login", wrong)
        assert status == 429, base_url
        assert int(headers["retry-after"]) > 0
        # Even the right password waits: no replica lets the guessing go on.
        status, _ = _json_post(
            base_url, "/api/v1/auth/login", {"email": email, "password": PASSWORD}
        )
        assert status == 429, base_url


def test_a_token_revoked_through_one_replica_is_refused_by_the_others(
    replicas: list[Server],
) -> None:
    first, second, third = (server.base_url for server in replicas)
    email = "revoked@example.com"
    register(first, email, PASSWORD)
    token = login(second, email, PASSWORD)
    assert [_me(base_url, token) for base_url in (first, second, third)] == [200, 200, 200]

    status, _ = _json_post(
        third,
        "/api/v1/users/me/password",
        {"current_password": PASSWORD, "new_password": "another-password-456"},
        token,
    )

    assert status == 204
    assert [_me(base_url, token) for base_url in (first, second, third)] == [401, 401, 401]
    fresh = login(first, email, "another-password-456")
    assert _me(third, fresh) == 200


def test_the_deployments_probes_answer_on_every_replica(
    replicas: list[Server], project: Path
) -> None:
    deployment = yaml.safe_load(
        (project / "deploy" / "kubernetes" / "base" / "deployment.yaml").read_text()
    )
    (api,) = deployment["spec"]["template"]["spec"]["containers"]
    paths = {api[probe]["httpGet"]["path"] for probe in ("livenessProbe", "readinessProbe")}

    assert len(paths) == 2
    for server in replicas:
        for path in sorted(paths):
            status, _, body = request(f"{server.base_url}{path}")
            assert status == 200, (path, body)


def test_sigterm_lets_every_request_in_flight_finish(
    project: Path, generated_venv: GeneratedVenv, postgres_database: str, tmp_path: Path
) -> None:
    env = {**pod_settings(project), "DATABASE_URL": asyncpg_url(postgres_database)}
    migrated = generated_venv.run("alembic", "upgrade", "head", cwd=project, env=env)
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    graceful = option(dockerfile_command(project), "--timeout-graceful-shutdown")
    assert graceful is not None

    with uvicorn_server(project, generated_venv, env, tmp_path) as server:
        email = "draining@example.com"
        register(server.base_url, email, PASSWORD)
        credentials = {"email": email, "password": PASSWORD}
        outcomes: list[int | str] = []
        stop = threading.Event()

        def load() -> None:
            # Logins hash a password: each takes a while, so some are in flight at SIGTERM.
            while not stop.is_set():
                try:
                    status, _ = _json_post(server.base_url, "/api/v1/auth/login", credentials)
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
            socket.create_connection(("127.0.0.1", _port(server)), timeout=5).close()
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
    assert server_errors(log) == [], log[-4000:]


def _port(server: Server) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


def _begin_login(
    server: Server, credentials: dict[str, str]
) -> tuple[http.client.HTTPConnection, bytes]:
    """Send a login's headers and half its body; return the connection and the other half."""
    body = json.dumps(credentials).encode()
    connection = http.client.HTTPConnection("127.0.0.1", _port(server), timeout=30)
    connection.putrequest("POST", "/api/v1/auth/login")
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
