"""The generated app's request path under load, beside bare baselines served in the same run.

Run: ``.venv/bin/python benchmarks/bench_app.py [--seconds 5] [--repeat 3] [--postgres-url URL]
[--workers N] [--compare REF]``. Needs ``wrk`` (Debian: ``apt-get install wrk``).

Renders a project with an ``items`` domain (the real CLI), installs it in a venv (uv), seeds 100
items of one user and serves it with uvicorn, one worker, on SQLite and on PostgreSQL
(``--postgres-url``, ``$GOSPEL_TEST_POSTGRES_URL``, or a throwaway cluster started from the
installed binaries, as the test suite does). Beside it, on the same package versions, a bare
FastAPI app with the generated app's middleware serves ``/health`` and a route that runs the same
page query with the raw driver (asyncpg, aiosqlite) and returns the same JSON. ``wrk`` loads
each in turn, interleaved and repeated (the median run is kept), and the table gives requests
per second, p50 and p99 latency, the server's CPU time per request (from ``/proc``) and each
ratio to its baseline. Then the generated app again with ``--workers`` uvicorn workers (default:
the CPU count) next to one, on PostgreSQL. ``--compare REF`` also serves the project that
gospel at git ``REF`` (e.g. ``main``) generates, for a before/after in one run.

A benchmark, not a test: nothing asserts on the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "template")]

from generated_env import (  # noqa: E402
    POSTGRES_URL_ENV,
    GeneratedVenv,
    build_venv,
    find_python,
    free_port,
    fresh_database,
    throwaway_cluster,
)
from served_app import API, FAST_HASHING, asyncpg_url  # noqa: E402
from wrk_output import parse_wrk  # noqa: E402

DOMAIN = ("items", "name:str:100", "price:decimal:10,2", "quantity:int", "done:bool:default=false")
ROWS = 100
PAGE = 20
EMAIL, PASSWORD = "reader@bench.example.com", "reader-password-123"
# The generated app, migrated, then served as its image does; it hashes passwords with the
# cheapest Argon2, as its tests do, so seeding is quick (no request measured here hashes). The
# app is imported first: projects of older gospels cannot import app.core.security before it.
GENERATED_APP = (
    "import app.main  # noqa: F401\n"
    + FAST_HASHING
    + """
import sys

import uvicorn
from alembic import command
from alembic.config import Config

from app.main import app

command.upgrade(Config("alembic.ini"), "head")
uvicorn.run(
    app,
    host="127.0.0.1",
    port=int(sys.argv[1]),
    log_level="warning",
    server_header=False,
    access_log=False,
)
"""
)
INSTALL_WRK = "wrk not found: install it with `apt-get install wrk` (Debian, Ubuntu), then rerun"

# The baselines: FastAPI itself, the generated app's own middleware in the same order, and the
# raw driver. `/health` as the generated app answers it; `/raw/items` runs the page query (the
# page and the total in one statement) and answers the JSON the generated list route does.
BARE_APP = """
import sys
from decimal import Decimal

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from app.api.middleware import (
    BodySizeLimitMiddleware,
    SecurityHeadersMiddleware,
    StrictJSONMiddleware,
)
from app.core.config import settings

SQL = (
    "SELECT id, name, price, quantity, done, owner_id, created_at, updated_at, "
    "count(*) OVER () AS total FROM items WHERE owner_id = {owner} ORDER BY id LIMIT {limit} "
    "OFFSET {offset}"
)
URL = settings.DATABASE_URL
POSTGRES = URL.startswith("postgresql")
state = {}


async def lifespan(_app):
    if POSTGRES:
        import asyncpg

        state["pool"] = await asyncpg.create_pool(URL.replace("+asyncpg", ""), max_size=10)
    else:
        import aiosqlite

        state["db"] = await aiosqlite.connect(URL.split(":///", 1)[1])
    yield


app = FastAPI(lifespan=lifespan)
app.add_middleware(StrictJSONMiddleware)
app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.MAX_REQUEST_BODY_BYTES)
if settings.CORS_ORIGINS:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.CORS_ORIGINS,
        allow_credentials=settings.CORS_ALLOW_CREDENTIALS,
        allow_methods=["*"],
        allow_headers=["*"],
    )
app.add_middleware(SecurityHeadersMiddleware)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "healthy"}


def _stamp(value):
    # As the generated app stores it: UTC; SQLite gives it back as text.
    if isinstance(value, str):
        return value.replace(" ", "T")[:26] + "Z"
    return value.isoformat().replace("+00:00", "Z")


@app.get("/raw/items")
async def raw_items(owner: int, offset: int = 0, limit: int = 20) -> JSONResponse:
    if POSTGRES:
        sql = SQL.format(owner="$1", limit="$2", offset="$3")
        rows = await state["pool"].fetch(sql, owner, limit, offset)
    else:
        sql = SQL.format(owner="?", limit="?", offset="?")
        async with state["db"].execute(sql, (owner, limit, offset)) as cursor:
            rows = await cursor.fetchall()
    items = [
        {
            "id": row[0],
            "name": row[1],
            "price": format(Decimal(row[2]).quantize(Decimal("0.01")), "f"),
            "quantity": row[3],
            "done": bool(row[4]),
            "owner_id": row[5],
            "created_at": _stamp(row[6]),
            "updated_at": _stamp(row[7]),
        }
        for row in rows
    ]
    total = rows[0][8] if rows else 0
    return JSONResponse({"items": items, "total": total, "offset": offset, "limit": limit})


uvicorn.run(
    app,
    host="127.0.0.1",
    port=int(sys.argv[1]),
    log_level="warning",
    server_header=False,
    access_log=False,
)
"""

# The generated app with several workers, as production serves it (the fast test hasher is
# not needed: the tokens come from the one-worker server on the same database and key).
WORKERS_APP = """
import sys

import uvicorn

uvicorn.run(
    "app.main:app",
    host="127.0.0.1",
    port=int(sys.argv[1]),
    workers=int(sys.argv[2]),
    log_level="warning",
    server_header=False,
    access_log=False,
)
"""


@dataclass(frozen=True)
class Server:
    """A server process serving on ``url``."""

    url: str
    pid: int


@contextlib.contextmanager
def _serve(venv: GeneratedVenv, project: Path, script: str, database_url: str) -> Iterator[Server]:
    """Run ``script`` (it serves on the port given as its argument) in ``project`` until done."""
    port = free_port()
    env = venv.env({"DATABASE_URL": database_url, "ENVIRONMENT": "local"})
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [str(venv.python), "-c", script, str(port)],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while not _answers(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    sys.exit(f"the server did not start:\n{log.read().decode()[-4000:]}")
                time.sleep(0.1)
            yield Server(url, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _answers(url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    return False


@dataclass(frozen=True)
class Load:
    """What one ``wrk`` run measured, and the server's CPU time meanwhile."""

    rate: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # per request
    failures: int


@dataclass(frozen=True)
class Case:
    """One thing to load: a URL of a served app, with headers."""

    label: str
    app: Server
    path: str
    headers: tuple[str, ...] = ()
    baseline: str | None = None  # the label of the case it is compared with


def main() -> None:
    """Render, install, serve, load, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run (5)")
    parser.add_argument("--repeat", type=int, default=3, help="wrk runs per figure, median (3)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--postgres-url", help="an admin postgresql:// URL to use")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="workers of the N-worker run"
    )
    parser.add_argument("--compare", metavar="REF", help="also serve what gospel at REF makes")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit(INSTALL_WRK)
    python = find_python("3.12")  # the template's default Python
    if python is None:
        sys.exit("python3.12 not found on PATH or in pyenv")
    load = _Wrk(wrk, args.seconds, args.connections)
    with tempfile.TemporaryDirectory(prefix="gospel-bench-app-") as tmp:
        work = Path(tmp)
        projects = {"gospel": _generate(work / "now", REPO)}
        if args.compare:
            projects[args.compare] = _generate(work / "ref", _checkout(args.compare, work))
        build_venv(work / "venv", list(projects.values()), python)
        venv = GeneratedVenv(work / "venv")
        print(
            f"uvicorn, 1 worker unless said; wrk -t2 -c{args.connections}, {args.seconds} s a run, "
            f"median of {args.repeat}; server, database and wrk share this machine's "
            f"{os.cpu_count()} CPUs (load average now {os.getloadavg()[0]:.1f}): figures vary "
            "with its load, ratios less so. CPU: the server process's user+system time per "
            "request."
        )
        with (
            _postgres_admin_url(args.postgres_url) as admin_url,
            contextlib.ExitStack() as stack,
        ):
            databases = {"SQLite": lambda name: f"sqlite+aiosqlite:///{work / name}.db"}
            if admin_url is not None:
                databases["PostgreSQL"] = lambda _name: asyncpg_url(
                    stack.enter_context(fresh_database(admin_url, "gospel_bench"))
                )
            for database, make_url in databases.items():
                cases = _serve_all(stack, venv, projects, make_url)
                _print_table(f"{database}, {ROWS} rows, pages of {PAGE}", cases, load, args.repeat)
            if admin_url is not None:
                _workers(stack, venv, projects["gospel"], make_url, load, args)


def _generate(where: Path, gospel_root: Path) -> Path:
    """The project ``bench`` with the items domain, made by the gospel at ``gospel_root``."""
    where.mkdir(parents=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(gospel_root / "src"),
        "GOSPEL_TEMPLATE_DIR": str(gospel_root),
    }
    gospel = [sys.executable, "-m", "gospel_scaffold"]
    for argv, cwd in (
        ([*gospel, "new", "bench", "--defaults", "--no-git"], where),
        ([*gospel, "add-domain", *DOMAIN], where / "bench"),
    ):
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv[2:4])} failed: {done.stderr}")
    return where / "bench"


def _checkout(ref: str, work: Path) -> Path:
    """The files of this repository at ``ref``, for running that gospel."""
    root = work / "gospel-ref"
    archive = work / "ref.tar"
    subprocess.run(["git", "archive", "-o", str(archive), ref], cwd=REPO, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    version = root / "src" / "gospel_scaffold" / "_version.py"
    if not version.exists():  # written by the build, from the tag
        version.write_text('__version__ = version = "0+ref"\n')
    return root


@contextlib.contextmanager
def _postgres_admin_url(given: str | None) -> Iterator[str | None]:
    url = given or os.environ.get(POSTGRES_URL_ENV)
    if url:
        yield url
        return
    try:
        with throwaway_cluster() as started:
            yield started
    except (LookupError, subprocess.CalledProcessError, OSError) as error:
        print(f"PostgreSQL skipped: {error}\n")
        yield None


def _serve_all(
    stack: contextlib.ExitStack,
    venv: GeneratedVenv,
    projects: dict[str, Path],
    make_url: Callable[[str], str],
) -> list[Case]:
    """Serve every project and its bare baseline on one database; the cases to load."""
    cases: list[Case] = []
    for name, project in projects.items():
        url = make_url(re.sub(r"\W", "_", name))
        app = stack.enter_context(_serve(venv, project, GENERATED_APP, url))
        token, owner = _seed(app)
        bare = stack.enter_context(_serve(venv, project, BARE_APP, url))
        suffix = "" if name == "gospel" else f" ({name})"
        bearer = ("-H", f"Authorization: Bearer {token}")
        cases += [
            Case(f"bare FastAPI, same middleware: /health{suffix}", bare, "/health"),
            Case(
                f"generated app: /health{suffix}",
                app,
                "/health",
                baseline=f"bare FastAPI, same middleware: /health{suffix}",
            ),
            Case(
                f"bare route, raw driver: page of {PAGE}{suffix}",
                bare,
                f"/raw/items?owner={owner}&limit={PAGE}",
            ),
            Case(
                f"generated app: GET {API}/items/ (token){suffix}",
                app,
                f"{API}/items/?limit={PAGE}",
                bearer,
                baseline=f"bare route, raw driver: page of {PAGE}{suffix}",
            ),
        ]
    return cases


def _seed(app: Server) -> tuple[str, int]:
    """Sign up a user who owns ROWS items; their token and id."""
    credentials = {"email": EMAIL, "password": PASSWORD}
    registered = httpx.post(f"{app.url}{API}/auth/register", json=credentials)
    registered.raise_for_status()
    logged_in = httpx.post(f"{app.url}{API}/auth/login", json=credentials)
    logged_in.raise_for_status()
    token = str(logged_in.json()["access_token"])
    with httpx.Client(base_url=app.url, headers={"Authorization": f"Bearer {token}"}) as client:
        for i in range(ROWS):
            item = {"name": f"item {i}", "price": f"{i}.50", "quantity": i, "done": i % 2 == 0}
            client.post(f"{API}/items/", json=item).raise_for_status()
        page = client.get(f"{API}/items/", params={"limit": PAGE})
        page.raise_for_status()
        assert page.json()["total"] == ROWS, page.text
    return token, int(registered.json()["id"])


def _print_table(title: str, cases: list[Case], load: _Wrk, repeat: int) -> None:
    runs: dict[str, list[Load]] = {case.label: [] for case in cases}
    for _ in range(repeat):
        for case in cases:
            runs[case.label].append(load.once(case))
    medians = {label: _median(loads) for label, loads in runs.items()}
    rows = [(case, medians[case.label]) for case in cases]
    print(f"\n{title}")
    _print_rows(rows, medians)


def _print_rows(rows: list[tuple[Case, Load]], medians: dict[str, Load]) -> None:
    width = max(len(case.label) for case, _ in rows)
    header = f"  {'':<{width}}  {'req/s':>7}  {'p50':>8}  {'p99':>8}  {'CPU/req':>9}  ratio"
    print(header)
    for case, run in rows:
        ratio = ""
        if case.baseline is not None:
            base = medians[case.baseline]
            ratio = f"{run.rate / base.rate:.2f}x req/s, {run.cpu_ms / base.cpu_ms:.2f}x CPU"
        failed = f"  {run.failures} failed" if run.failures else ""
        print(
            f"  {case.label:<{width}}  {run.rate:>7.0f}  {run.p50_ms:>6.2f}ms  {run.p99_ms:>6.1f}ms"
            f"  {run.cpu_ms:>7.3f}ms  {ratio}{failed}"
        )


def _workers(
    stack: contextlib.ExitStack,
    venv: GeneratedVenv,
    project: Path,
    make_url: Callable[[str], str],
    load: _Wrk,
    args: argparse.Namespace,
) -> None:
    """The list route with 1 worker and with ``--workers``, on one PostgreSQL database."""
    url = make_url("workers")
    one = stack.enter_context(_serve(venv, project, GENERATED_APP, url))
    token, _ = _seed(one)
    script = WORKERS_APP.replace("int(sys.argv[2])", str(args.workers))
    many = stack.enter_context(_serve(venv, project, script, url))
    bearer = ("-H", f"Authorization: Bearer {token}")
    label_one = f"generated app, 1 worker: GET {API}/items/"
    cases = [
        Case(label_one, one, f"{API}/items/?limit={PAGE}", bearer),
        Case(
            f"generated app, {args.workers} workers: GET {API}/items/",
            many,
            f"{API}/items/?limit={PAGE}",
            bearer,
            baseline=label_one,
        ),
    ]
    _print_table(
        f"PostgreSQL, production serving: 1 worker and {args.workers}", cases, load, args.repeat
    )


def _median(loads: list[Load]) -> Load:
    """The run of median throughput."""
    return sorted(loads, key=lambda run: run.rate)[len(loads) // 2]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its worker processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for process in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{process}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


@dataclass(frozen=True)
class _Wrk:
    path: str
    seconds: int
    connections: int

    def once(self, case: Case) -> Load:
        argv = [self.path, "--latency", "-t2", f"-c{self.connections}", f"-d{self.seconds}s"]
        argv += ["--timeout", "10s", *case.headers, f"{case.app.url}{case.path}"]
        before = _cpu_seconds(case.app.pid)
        output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
        cpu = _cpu_seconds(case.app.pid) - before
        return _parse(output, cpu)


def _parse(output: str, cpu_seconds: float) -> Load:
    run = parse_wrk(output)
    return Load(
        rate=run.rate,
        p50_ms=run.p50_ms,
        p99_ms=run.p99_ms,
        cpu_ms=cpu_seconds * 1000 / run.requests if run.requests else 0.0,
        failures=run.failures,
    )


if __name__ == "__main__":
    main()
