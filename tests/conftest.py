"""Shared fixtures: the real CLI, rendered projects, their shared venv, and PostgreSQL.

Reusable by every test module:

* ``run_gospel`` — run the real CLI in a subprocess (``python -m gospel_scaffold ...``).
* ``render_project`` — render the real template with answers into a directory (no git).
* ``template_case`` / ``rendered_project`` — the curated answer matrix (:data:`TEMPLATE_CASES`),
  each case rendered once per test session (shared by all xdist workers).
* ``project_copy`` — a private, writable copy of a rendered case for tests that run things in it.
* ``kubernetes_project`` — the session's rendering of the case with ``deploy=kubernetes``.
* ``default_project`` — a private, writable copy of the default-answers rendering (no git):
  the cheap starting point for tests that edit a generated project.
* ``runnable_case`` / ``runnable_project`` — the representative subset (:data:`RUNNABLE_CASES`)
  whose own test suite and migrations are run, and a writable copy of it.
* ``generated_venv`` — one venv per session with every generated project's dependencies
  (dev group included); ``generated_venv.run("pytest", ..., cwd=project)``.
  ``generated_venvs(version)`` gives the same on another Python; ``runnable_venv`` the one of
  ``runnable_case``.
* ``postgres_admin_url`` — an admin URL of a PostgreSQL server: ``$GOSPEL_TEST_POSTGRES_URL``
  or a throwaway cluster started for the session (skips without PostgreSQL binaries, fails
  instead when ``$CI`` is set).
* ``postgres_database`` — a fresh, empty database per test (dropped afterwards); gives its
  plain ``postgresql://`` URL (SQLAlchemy's async engine wants ``postgresql+asyncpg://``).
  ``postgres_databases()`` makes one for a broader scope (``with postgres_databases() as url``).
* ``shared_cache`` — build something once per session across xdist workers.
* ``redis_url`` — a throwaway Redis server for the session (``redis://127.0.0.1:PORT/0``);
  ``None`` without ``redis-server``, a failure instead when ``$CI`` is set.
* ``run_gospel`` companions: ``gospel_env`` (the subprocess environment, with its own git
  identity) and ``assert_one_line_error(result, *fragments, exit_code=None)``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from generated_env import (
    POSTGRES_URL_ENV,
    GeneratedVenv,
    build_venv,
    find_python,
    free_port,
    fresh_database,
    throwaway_cluster,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------
# The real CLI


@pytest.fixture
def gospel_env(tmp_path: Path) -> dict[str, str]:
    """An environment for CLI subprocesses with a git identity of its own (no user config)."""
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GOSPEL_"))}
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")
    return env


RunGospel = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def run_gospel(tmp_path: Path, gospel_env: dict[str, str]) -> RunGospel:
    """Run ``gospel ARGS`` in a subprocess (cwd ``tmp_path`` unless given), never on a tty."""

    def run(
        *args: str,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = dict(gospel_env if env is None else env)
        full_env.update(extra_env or {})
        return subprocess.run(
            [sys.executable, "-m", "gospel_scaffold", *args],
            cwd=cwd or tmp_path,
            env=full_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    return run


def _assert_one_line_error(
    result: subprocess.CompletedProcess[str], *fragments: str, exit_code: int | None = None
) -> str:
    assert result.returncode != 0, result.stdout
    if exit_code is not None:
        assert result.returncode == exit_code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


AssertOneLineError = Callable[..., str]


@pytest.fixture(scope="session")
def assert_one_line_error() -> AssertOneLineError:
    """``assert_one_line_error(result, *fragments, exit_code=None) -> line``.

    Asserts a CLI run failed with one ``Error: ...`` line on stderr holding every fragment, and
    no traceback.
    """
    return _assert_one_line_error


# --------------------------------------------------------------------------------------------
# Once per session across xdist workers


class SharedCache:
    """Build directories once per test session, shared by all xdist workers (file locks)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def get(self, key: str, build: Callable[[Path], None]) -> Path:
        """Return ``root/key``, calling ``build(path)`` first if no worker has built it yet."""
        target = self.root / key
        done = self.root / f"{key}.done"
        failed = self.root / f"{key}.failed"
        with _file_lock(self.root / f"{key}.lock"):
            if failed.exists():
                pytest.fail(f"building {key} failed earlier: {failed.read_text()}")
            if not done.exists():
                if target.exists():
                    shutil.rmtree(target)
                try:
                    build(target)
                except BaseException as error:
                    failed.write_text(f"{type(error).__name__}: {error}")
                    raise
                done.touch()
        return target


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> SharedCache:
    """A :class:`SharedCache` under the session's base temp dir (shared across xdist workers)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return SharedCache(root / "gospel-shared")


# --------------------------------------------------------------------------------------------
# Rendering the real template

RenderProject = Callable[[Mapping[str, Any], Path], Path]


def _render(answers: Mapping[str, Any], dest: Path) -> Path:
    from gospel_scaffold.new_project import render_project

    render_project(answers, dest)
    return dest


@pytest.fixture(scope="session")
def render_project() -> RenderProject:
    """``render_project(answers, dest) -> dest``: render the real template, no git, no prompts.

    A fresh ``secret_key`` is generated per render, as ``gospel new`` does.
    """
    return _render


@dataclass(frozen=True)
class TemplateCase:
    """One set of answers of the curated matrix."""

    id: str
    answers: Mapping[str, Any] = field(default_factory=dict)

    def answer(self, name: str) -> Any:
        """The answer to ``name``: given, or the template default for the questions we know."""
        defaults = {
            "python_version": "3.12",
            "database": "sqlite",
            "include_manifest": True,
            "deploy": "compose",
        }
        return self.answers.get(name, defaults.get(name))

    @property
    def project_name(self) -> str:
        """The project (and directory) name."""
        return str(self.answers.get("project_name", self.id))


# Every choice of every question appears at least once.
TEMPLATE_CASES: tuple[TemplateCase, ...] = (
    TemplateCase("default", {"project_name": "default"}),
    TemplateCase(
        "postgres-py311-no-manifest",
        {
            "project_name": "pg-inventory",
            "python_version": "3.11",
            "database": "postgres",
            "include_manifest": False,
        },
    ),
    TemplateCase(
        "sqlite-py313-no-manifest",
        {
            "project_name": "notes2",
            "project_title": 'Notes & "Quotes" API',
            "description": "Keeps a user's notes: {curly}, 'quotes' & <tags>.",
            "python_version": "3.13",
            "include_manifest": False,
        },
    ),
    TemplateCase(
        "postgres-py313-manifest-kubernetes",
        {
            "project_name": "media-hub",
            "python_version": "3.13",
            "database": "postgres",
            "deploy": "kubernetes",
        },
    ),
)
CASES_BY_ID = {case.id: case for case in TEMPLATE_CASES}
# The case rendered with deploy/kubernetes/.
KUBERNETES_CASE = CASES_BY_ID["postgres-py313-manifest-kubernetes"]
# The representative subset whose own test suite and migrations are run.
RUNNABLE_CASES = (CASES_BY_ID["default"], CASES_BY_ID["postgres-py311-no-manifest"])


@pytest.fixture(scope="session")
def rendered_projects(shared_cache: SharedCache) -> Callable[[TemplateCase], Path]:
    """``rendered_projects(case) -> path``: each case rendered once per session. Read only!"""

    def get(case: TemplateCase) -> Path:
        def build(root: Path) -> None:
            _render(case.answers, root / case.project_name)

        return shared_cache.get(f"render-{case.id}", build) / case.project_name

    return get


@pytest.fixture(scope="session")
def kubernetes_project(rendered_projects: Callable[[TemplateCase], Path]) -> Path:
    """The session's rendering of :data:`KUBERNETES_CASE` (deploy/kubernetes/). Read only!"""
    return rendered_projects(KUBERNETES_CASE)


@pytest.fixture(params=TEMPLATE_CASES, ids=lambda case: case.id)
def template_case(request: pytest.FixtureRequest) -> TemplateCase:
    """Each case of the curated answer matrix."""
    case: TemplateCase = request.param
    return case


@pytest.fixture
def rendered_project(
    template_case: TemplateCase, rendered_projects: Callable[[TemplateCase], Path]
) -> Path:
    """The session's rendering of ``template_case`` (shared: do not write into it)."""
    return rendered_projects(template_case)


def copy_project(source: Path, dest: Path) -> Path:
    """Copy a rendered project, without caches, to ``dest``."""
    shutil.copytree(
        source,
        dest,
        ignore=shutil.ignore_patterns(
            "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.db", "*.sqlite3"
        ),
    )
    return dest


@pytest.fixture
def project_copy(rendered_project: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the rendered ``template_case``."""
    return copy_project(rendered_project, tmp_path / rendered_project.name)


@pytest.fixture
def default_project(rendered_projects: Callable[[TemplateCase], Path], tmp_path: Path) -> Path:
    """A private, writable copy of the project rendered with the default answers (no git)."""
    source = rendered_projects(CASES_BY_ID["default"])
    return copy_project(source, tmp_path / source.name)


@pytest.fixture(params=RUNNABLE_CASES, ids=lambda case: case.id)
def runnable_case(request: pytest.FixtureRequest) -> TemplateCase:
    """The representative cases whose own test suite and migrations are run."""
    case: TemplateCase = request.param
    return case


@pytest.fixture
def runnable_project(
    runnable_case: TemplateCase, rendered_projects: Callable[[TemplateCase], Path], tmp_path: Path
) -> Path:
    """A private, writable copy of the rendered ``runnable_case``."""
    source = rendered_projects(runnable_case)
    return copy_project(source, tmp_path / source.name)


# --------------------------------------------------------------------------------------------
# The shared venv of the generated projects


GeneratedVenvs = Callable[[str], GeneratedVenv]


@pytest.fixture(scope="session")
def generated_venvs(
    shared_cache: SharedCache, rendered_projects: Callable[[TemplateCase], Path]
) -> GeneratedVenvs:
    """``generated_venvs("3.11")``: a venv on that Python with every matrix case's dependencies.

    Built once per session and version. Without that interpreter the test skips, or fails under
    ``$CI``, where every supported Python must be checked.
    """

    def get(version: str) -> GeneratedVenv:
        python = find_python(version)
        if python is None:
            message = f"no python{version} interpreter on PATH or in pyenv"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        projects = [rendered_projects(case) for case in TEMPLATE_CASES]
        return GeneratedVenv(
            shared_cache.get(f"generated-venv-{version}", lambda v: build_venv(v, projects, python))
        )

    return get


@pytest.fixture(scope="session")
def generated_venv(generated_venvs: GeneratedVenvs) -> GeneratedVenv:
    """The generated projects' venv on the template's default Python (3.12)."""
    return generated_venvs("3.12")


@pytest.fixture
def runnable_venv(runnable_case: TemplateCase, generated_venvs: GeneratedVenvs) -> GeneratedVenv:
    """The venv on ``runnable_case``'s own Python, so each case runs where it says it does."""
    return generated_venvs(str(runnable_case.answer("python_version")))


# --------------------------------------------------------------------------------------------
# PostgreSQL


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """An admin URL (``postgresql://...``) of a PostgreSQL server for this session."""
    given = os.environ.get(POSTGRES_URL_ENV)
    if given:
        yield given
        return
    try:
        with throwaway_cluster() as url:
            yield url
    except (LookupError, subprocess.CalledProcessError, OSError) as error:
        detail = getattr(error, "stderr", None) or error
        reason = f"no PostgreSQL: set {POSTGRES_URL_ENV} or install initdb/pg_ctl ({detail})"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


PostgresDatabases = Callable[[], contextlib.AbstractContextManager[str]]


@pytest.fixture(scope="session")
def postgres_databases(postgres_admin_url: str) -> PostgresDatabases:
    """``with postgres_databases() as url:`` a fresh empty database, dropped afterwards.

    For fixtures broader than one test; ``postgres_database`` is the one-test form.
    """
    if shutil.which("psql") is None:
        if os.environ.get("CI"):
            pytest.fail("psql is not on PATH")
        pytest.skip("psql is not on PATH")

    return lambda: fresh_database(postgres_admin_url)


@pytest.fixture
def postgres_database(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A fresh empty database for one test; yields its ``postgresql://`` URL, then drops it."""
    with postgres_databases() as url:
        yield url


# --------------------------------------------------------------------------------------------
# A rendered project to add domains to


@pytest.fixture(scope="session")
def shop_template(
    shared_cache: Any, render_project: Callable[[Mapping[str, Any], Path], Path]
) -> Path:
    """The default template rendered once per session as project ``shop`` (read only)."""
    built: Path = shared_cache.get(
        "domain-shop", lambda root: render_project({"project_name": "shop"}, root / "shop")
    )
    return built / "shop"


@pytest.fixture
def shop_project(shop_template: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the rendered ``shop`` project (SQLite)."""
    return Path(
        shutil.copytree(
            shop_template,
            tmp_path / "shop",
            ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache", "*.db"),
        )
    )


# --------------------------------------------------------------------------------------------
# Redis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """A throwaway Redis server for this session (one per xdist worker), in memory only.

    ``None`` without ``redis-server`` (the tests that use it run without Redis), except under
    ``$CI``, where it fails.
    """
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not on PATH")
        yield None
        return
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
