"""Concurrent writes and reads on a generated app served by uvicorn, on SQLite and PostgreSQL.

Run: ``.venv/bin/python benchmarks/bench_concurrency.py [--seconds 3] [--repeat 3]
[--postgres-url URL] [--production-hashing]``. Renders the default project, installs it in a
venv (uv) and serves it with uvicorn (one worker) three times: on SQLite with the template's
previous connection handling (the baseline), on SQLite as generated now, and on PostgreSQL
(``--postgres-url``, ``$GOSPEL_TEST_POSTGRES_URL``, or a throwaway cluster started from the
installed binaries, as the test suite does). For each it prints 200 concurrent sign-ups, 50
concurrent sign-ups of one email and 200 concurrent profile updates (answers by status,
acknowledged rows present, wall time), then the throughput of an authenticated list endpoint
alone and under a concurrent write load (``wrk``, the median of the repeats). A benchmark, not
a test: nothing asserts on the figures."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "template")]

from generated_env import (  # noqa: E402
    POSTGRES_URL_ENV,
    GeneratedVenv,
    build_venv,
    find_python,
    fresh_database,
    psql,
    throwaway_cluster,
)
from served_app import (  # noqa: E402
    API,
    FAST_HASHING,
    SEED_SUPERUSER,
    Answer,
    Call,
    ServedApp,
    asyncpg_url,
    log_in,
    registration,
    send_concurrently,
    serve,
    users,
)
from wrk_output import WrkRun, parse_wrk  # noqa: E402

from gospel_scaffold.new_project import render_project  # noqa: E402

BASELINE = """
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.core.config import settings
from app.db import database

# The template's connection handling before SQLite writes took turns: the driver's default
# busy timeout (5 s), the rollback journal, and a deferred BEGIN for every transaction.
def _configure(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

database.engine = create_async_engine(settings.DATABASE_URL, pool_pre_ping=True)
event.listen(database.engine.sync_engine, "connect", _configure)
event.listen(database.engine.sync_engine, "begin", lambda c: c.exec_driver_sql("BEGIN"))
database.AsyncSessionLocal = async_sessionmaker(database.engine, expire_on_commit=False)
"""

HASH_COST = """
import time

from app.core import security

start = time.perf_counter()
for _ in range(5):
    security._password_hash.hash("benchmark-password")
print((time.perf_counter() - start) / 5)
"""

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@bench.example.com", "admin-password-123"
CONNECTIONS = 20


@dataclass(frozen=True)
class Target:
    """One way of serving the app."""

    label: str
    database_url: str
    prelude: str


Rows = list[tuple[str, str]]
"""One target's figures: (what, value), in display order."""


_Run = tuple[WrkRun, WrkRun | None]
"""The reads of one ``wrk`` run, and the writes beside them if any."""


def _median(runs: list[_Run]) -> _Run:
    """The run of median read rate."""
    return sorted(runs, key=lambda run: run[0].rate)[len(runs) // 2]


def main() -> None:
    """Render, install, serve each target, load it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="per wrk run (3)")
    parser.add_argument("--repeat", type=int, default=3, help="wrk runs per figure, median (3)")
    parser.add_argument("--postgres-url", help="an admin postgresql:// URL to use")
    parser.add_argument(
        "--production-hashing",
        action="store_true",
        help="keep the app's Argon2 parameters (sign-ups then measure the hash, not the database)",
    )
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    with tempfile.TemporaryDirectory(prefix="gospel-bench-") as tmp:
        work = Path(tmp)
        project = work / "bench"
        render_project({"project_name": "bench"}, project)
        python = find_python("3.12")  # the template's default Python
        if python is None:
            sys.exit("python3.12 not found on PATH or in pyenv")
        build_venv(work / "venv", [project], python)
        venv = GeneratedVenv(work / "venv")
        hashing = "" if args.production_hashing else FAST_HASHING
        _print_header(venv, project, args.production_hashing, wrk)
        with (
            _postgres_admin_url(args.postgres_url) as admin_url,
            _new_database(admin_url) as postgres_url,
        ):
            targets = [
                Target(
                    "SQLite, before", f"sqlite+aiosqlite:///{work}/before.db", hashing + BASELINE
                ),
                Target("SQLite, now", f"sqlite+aiosqlite:///{work}/now.db", hashing),
            ]
            if postgres_url is not None:
                targets.append(Target("PostgreSQL", postgres_url, hashing))
            load = _Wrk(wrk, args.seconds, args.repeat) if wrk else None
            columns = _measure(venv, project, targets, load)
    _print_table([target.label for target in targets], columns)


def _print_header(venv: GeneratedVenv, project: Path, production: bool, wrk: str | None) -> None:
    cost = float(venv.run("python", "-c", HASH_COST, cwd=project).stdout.strip() or "nan")
    print(
        f"uvicorn, 1 worker; its clients (httpx, wrk) on the same {os.cpu_count()}-CPU machine; "
        "figures vary with the machine's load"
    )
    if production:
        print(f"Argon2 as in production: {cost * 1000:.0f} ms a hash, which dominates sign-ups")
    else:
        print(
            f"A production Argon2 hash takes {cost * 1000:.0f} ms of CPU here: real sign-ups "
            "cost that whatever the database. To measure the database, the app hashes with the "
            "cheapest Argon2, as its tests do (--production-hashing keeps the real one)."
        )
    if wrk is None:
        print("wrk not found (apt-get install wrk): read throughput skipped")
    print()


@contextlib.contextmanager
def _postgres_admin_url(given: str | None) -> Iterator[str | None]:
    url = given or os.environ.get(POSTGRES_URL_ENV)
    if url:
        yield url
        return
    with contextlib.ExitStack() as stack:
        try:
            started = stack.enter_context(throwaway_cluster())
        except (LookupError, subprocess.CalledProcessError, OSError) as error:
            print(f"PostgreSQL skipped: {error}\n")
            yield None
            return
        # The suite's cluster skips fsync for speed; here commits must reach the disk, as
        # SQLite's do, for the figures to compare.
        psql(started, "ALTER SYSTEM SET fsync = on")
        psql(started, "SELECT pg_reload_conf()")
        yield started


@contextlib.contextmanager
def _new_database(admin_url: str | None) -> Iterator[str | None]:
    if admin_url is None:
        yield None
        return
    with fresh_database(admin_url, "gospel_bench") as url:
        yield asyncpg_url(url)


@dataclass
class _Served:
    """A target being served: its app, its users' tokens, and its figures so far."""

    target: Target
    app: ServedApp
    tokens: dict[str, str]
    admin: str
    rows: Rows = field(default_factory=list)


def _measure(
    venv: GeneratedVenv, project: Path, targets: list[Target], load: _Wrk | None
) -> list[Rows]:
    """Serve every target at once and measure them in turn, phase by phase.

    Interleaved, so a change in the machine's load does not favour one target.
    """
    env = {"FIRST_SUPERUSER_EMAIL": ADMIN_EMAIL, "FIRST_SUPERUSER_PASSWORD": ADMIN_PASSWORD}
    with contextlib.ExitStack() as stack:
        served = []
        for target in targets:
            app = stack.enter_context(
                serve(
                    venv,
                    project,
                    target.database_url,
                    project,
                    prelude=target.prelude,
                    after_migrations=SEED_SUPERUSER,
                    env=env,
                )
            )
            tokens = _sign_up_one_by_one(app, 200)
            admin = log_in(app.url, ADMIN_EMAIL, ADMIN_PASSWORD)
            served.append(_Served(target, app, tokens, admin))
        for phase in (_sign_ups, _duplicate_sign_ups, _profile_updates):
            for one in served:
                one.rows += phase(one)
        if load is not None:
            _read_loads(load, served)
        for one in served:
            tracebacks = sum("Traceback" in line for line in one.app.errors())
            one.rows.append(("server tracebacks logged", str(tracebacks)))
    return [one.rows for one in served]


def _sign_ups(served: _Served) -> Rows:
    emails = [f"new{i}@bench.example.com" for i in range(200)]
    answers, wall = send_concurrently(served.app.url, [registration(e) for e in emails])
    made = {e for e, a in zip(emails, answers, strict=True) if a.status == 201}
    return [
        ("200 concurrent sign-ups", _statuses(answers)),
        ("  acknowledged rows present", _present(made, set(users(served.app.database_url)))),
        ("  wall time", f"{wall:.2f} s"),
    ]


def _duplicate_sign_ups(served: _Served) -> Rows:
    twin = "twin@bench.example.com"
    answers, wall = send_concurrently(served.app.url, [registration(twin)] * 50)
    return [
        ("50 concurrent sign-ups of one email", _statuses(answers)),
        ("  rows with that email", str(int(twin in users(served.app.database_url)))),
        ("  wall time", f"{wall:.2f} s"),
    ]


def _profile_updates(served: _Served) -> Rows:
    names = {email: f"Renamed {i}" for i, email in enumerate(served.tokens)}
    updates = [
        Call("PATCH", f"{API}/users/me", {"full_name": names[email]}, _bearer(token))
        for email, token in served.tokens.items()
    ]
    answers, wall = send_concurrently(served.app.url, updates)
    updated = {e for e, a in zip(served.tokens, answers, strict=True) if a.status == 200}
    stored = users(served.app.database_url)
    return [
        ("200 concurrent profile updates", _statuses(answers)),
        (
            "  acknowledged updates present",
            _present(updated, {e for e in updated if stored[e] == names[e]}),
        ),
        ("  wall time", f"{wall:.2f} s"),
    ]


def _read_loads(load: _Wrk, served: list[_Served]) -> None:
    alone: list[list[_Run]] = [[] for _ in served]
    busy: list[list[_Run]] = [[] for _ in served]
    for _ in range(load.repeat):
        for index, one in enumerate(served):
            alone[index].append(load.once(one.app, one.admin, []))
            busy[index].append(load.once(one.app, one.admin, list(one.tokens.values())))
    for index, one in enumerate(served):
        reads, _ = _median(alone[index])
        busy_reads, writes = _median(busy[index])
        one.rows += [
            (f"list users, {CONNECTIONS} readers", _load(reads)),
            (f"  the same, {CONNECTIONS} writers busy", _load(busy_reads)),
            ("  the writes meanwhile", _load(writes) if writes else "-"),
        ]


def _sign_up_one_by_one(app: ServedApp, count: int) -> dict[str, str]:
    tokens = {}
    for i in range(count):
        email = f"user{i}@bench.example.com"
        [answer], _ = send_concurrently(app.url, [registration(email)])
        if answer.status != 201:
            raise RuntimeError(f"sign-up of {email} answered {answer.status}: {answer.body}")
        tokens[email] = log_in(app.url, email, "served-pass-123")
    return tokens


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _statuses(answers: list[Answer]) -> str:
    counts = Counter(str(a.status) for a in answers)
    return ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))


def _present(acknowledged: set[str], found: set[str]) -> str:
    return f"{len(acknowledged & found)}/{len(acknowledged)}"


def _load(load: WrkRun) -> str:
    failures = f", {load.failures} failed" if load.failures else ""
    return f"{load.rate:.0f}/s p99 {load.p99_ms:.0f} ms{failures}"


WRITES_LUA = """
local tokens = {%s}
local sent = 0
request = function()
  sent = sent + 1
  local headers = {
    ["Authorization"] = "Bearer " .. tokens[(sent %% #tokens) + 1],
    ["Content-Type"] = "application/json",
  }
  return wrk.format("PATCH", "%s/users/me", headers, '{"full_name": "w' .. sent .. '"}')
end
"""


@dataclass(frozen=True)
class _Wrk:
    """Runs of ``wrk``: reads of the users list, alone or next to profile updates."""

    path: str
    seconds: int
    repeat: int

    def once(self, app: ServedApp, admin: str, writers: list[str]) -> _Run:
        """Read the users list; with ``writers`` tokens, update their profiles meanwhile."""
        base = [self.path, "--latency", "-t1", f"-c{CONNECTIONS}", f"-d{self.seconds}s"]
        base += ["--timeout", "30s"]
        reads = [*base, "-H", f"Authorization: Bearer {admin}", f"{app.url}{API}/users/?limit=20"]
        if not writers:
            return parse_wrk(subprocess.run(reads, capture_output=True, text=True).stdout), None
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
            script.write(WRITES_LUA % (", ".join(f'"{token}"' for token in writers), API))
            script.flush()
            writes = [*base, "-s", script.name, f"{app.url}{API}/users/me"]
            with subprocess.Popen(writes, stdout=subprocess.PIPE, text=True) as writing:
                read_output = subprocess.run(reads, capture_output=True, text=True).stdout
                write_output, _ = writing.communicate()
        return parse_wrk(read_output), parse_wrk(write_output)


def _print_table(labels: list[str], columns: list[Rows]) -> None:
    names = [name for name, _ in columns[0]]
    widths = [
        max(len(label), *(len(value) for _, value in column))
        for label, column in zip(labels, columns, strict=True)
    ]
    first = max(len(name) for name in names)
    print(
        "  ".join([" " * first, *(label.ljust(w) for label, w in zip(labels, widths, strict=True))])
    )
    for index, name in enumerate(names):
        cells = [column[index][1].ljust(w) for column, w in zip(columns, widths, strict=True)]
        print("  ".join([name.ljust(first), *cells]).rstrip())


if __name__ == "__main__":
    main()
