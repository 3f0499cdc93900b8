"""The rendered template, for every case of the curated answer matrix (see conftest)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml  # type: ignore[import-untyped]
from replicas import dockerfile_command, option
from succeeded import require_success

if TYPE_CHECKING:
    from conftest import RenderProject, TemplateCase
    from generated_env import GeneratedVenv

JINJA_MARKER = re.compile(r"(?<!\$)\{\{|\{%|\{#")  # ${{ ... }} is GitHub Actions, not Jinja
SECRET_LINE = re.compile(r"^SECRET_KEY=(.*)$", re.MULTILINE)


def _text_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            files.append(path)
    return files


def _secret_key(project: Path) -> str:
    found = SECRET_LINE.search((project / ".env").read_text(encoding="utf-8"))
    assert found, ".env has no SECRET_KEY line"
    return found.group(1).strip().strip("'\"")


def _answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_rendered_project_has_no_leftover_jinja_markers(rendered_project: Path) -> None:
    leftovers = [
        f"{path.relative_to(rendered_project)}:{number}: {line.strip()}"
        for path in _text_files(rendered_project)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if JINJA_MARKER.search(line)
    ]
    assert leftovers == []


def test_rendered_project_keeps_no_jinja_file_names(rendered_project: Path) -> None:
    leftovers = [
        str(path.relative_to(rendered_project))
        for path in rendered_project.rglob("*")
        if path.name.endswith(".jinja") or "{" in path.name or "}" in path.name
    ]
    assert leftovers == []


def test_answers_file_records_the_answers_but_not_the_secret(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    answers = _answers(rendered_project)
    for name, value in template_case.answers.items():
        assert answers[name] == value
    assert "secret_key" not in answers
    text = (rendered_project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert _secret_key(rendered_project) not in text


def test_secret_key_is_long_random_and_only_in_dot_env(rendered_project: Path) -> None:
    secret = _secret_key(rendered_project)
    assert len(secret) >= 64
    holders = [
        str(path.relative_to(rendered_project))
        for path in _text_files(rendered_project)
        if secret in path.read_text(encoding="utf-8")
    ]
    assert holders == [".env"]


def test_each_render_gets_its_own_secret_key(render_project: RenderProject, tmp_path: Path) -> None:
    first = render_project({"project_name": "twice"}, tmp_path / "first")
    second = render_project({"project_name": "twice"}, tmp_path / "second")
    assert _secret_key(first) != _secret_key(second)


def test_python_version_follows_the_answer(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    version = template_case.answer("python_version")
    assert (rendered_project / ".python-version").read_text().strip() == version
    pyproject = (rendered_project / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">={version}"' in pyproject


def test_database_url_follows_the_answer(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    env = (rendered_project / ".env").read_text(encoding="utf-8")
    url = re.search(r"^DATABASE_URL=(.*)$", env, re.MULTILINE)
    assert url, ".env has no DATABASE_URL"
    scheme = "postgresql" if template_case.answer("database") == "postgres" else "sqlite"
    assert url.group(1).strip().strip("'\"").startswith(scheme)


def test_the_api_docs_carry_the_projects_title_and_description(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    config = ast.parse((rendered_project / "app" / "core" / "config.py").read_text("utf-8"))
    settings = {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.walk(config)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.value, ast.Constant)
    }
    answers = _answers(rendered_project)

    # Quotes, braces and backslashes included: the case of a title and a description with them.
    assert settings["APP_NAME"] == answers["project_title"]
    assert settings["APP_DESCRIPTION"] == answers["description"]


def test_manifest_module_exists_only_when_included(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    included = bool(template_case.answer("include_manifest"))
    assert (rendered_project / "app" / "core" / "manifest.py").exists() is included


def _yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"{path.name} is not a YAML mapping"
    return loaded


def test_compose_migrates_once_then_starts_the_app_with_redis(rendered_project: Path) -> None:
    services = _yaml(rendered_project / "compose.yaml")["services"]
    app, migrate = services["app"], services["migrate"]

    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "/health" in " ".join(app["healthcheck"]["test"])
    # One image for both, built from the Dockerfile, whose command serves without migrating.
    assert app["image"] == migrate["image"]
    assert "command" not in app
    for service in (app, migrate):
        url = service["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql+asyncpg://")
        assert url.endswith(f"@db:5432/{services['db']['environment']['POSTGRES_DB']}")
    # Several workers share the throttling counts through Redis; stopping lets them drain.
    assert app["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert int(app["environment"]["WEB_CONCURRENCY"]) > 1
    graceful = option(dockerfile_command(rendered_project), "--timeout-graceful-shutdown")
    assert graceful is not None
    assert int(app["stop_grace_period"].removesuffix("s")) > int(graceful)


def test_ci_workflow_lints_types_migrates_and_tests_against_postgres(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    job = _yaml(rendered_project / ".github" / "workflows" / "ci.yml")["jobs"]["check"]
    commands = "\n".join(step.get("run", "") for step in job["steps"])

    assert job["services"]["postgres"]["image"].startswith("postgres:")
    assert job["env"]["TEST_DATABASE_URL"].startswith("postgresql://")
    for command in (
        "uv run ruff check .",
        "uv run ruff format --check .",
        "uv run mypy",
        "uv run alembic check",
        "uv run pytest",
    ):
        assert command in commands
    setup = next(step for step in job["steps"] if "setup-uv" in step.get("uses", ""))
    assert setup["with"]["python-version"] == template_case.answer("python_version")


def test_pre_commit_runs_the_projects_own_checks(rendered_project: Path) -> None:
    hooks = {
        hook["id"]
        for repo in _yaml(rendered_project / ".pre-commit-config.yaml")["repos"]
        for hook in repo["hooks"]
    }

    assert {"check-merge-conflict", "ruff-check", "ruff-format", "mypy", "gospel-check"} <= hooks


def _stages(dockerfile: str) -> list[str]:
    return [f"FROM{stage}" for stage in re.split(r"^FROM", dockerfile, flags=re.MULTILINE)[1:]]


def test_dockerfile_builds_a_locked_venv_apart_from_the_image_it_runs(
    rendered_project: Path, template_case: TemplateCase
) -> None:
    dockerfile = (rendered_project / "Dockerfile").read_text(encoding="utf-8")
    build, run = _stages(dockerfile)

    assert "UV_COMPILE_BYTECODE=1" in build
    # The dependencies alone first (a cached layer), exactly as uv.lock pins them.
    assert re.search(r"uv sync --locked --no-install-project --no-dev$", build, re.MULTILINE)
    assert run.startswith(f"FROM python:{template_case.answer('python_version')}-slim")
    assert re.search(r"^COPY --from=build /app/\.venv /app/\.venv$", run, re.MULTILINE)
    # The image that runs holds no uv and no tests.
    assert "astral-sh/uv" not in run
    assert not re.search(r"^COPY\b.*\btests\b", run, re.MULTILINE)


def test_dockerfile_runs_uvicorn_as_a_numeric_non_root_user_on_read_only_code(
    rendered_project: Path,
) -> None:
    dockerfile = (rendered_project / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    command = dockerfile_command(rendered_project)

    assert users, "the Dockerfile never drops root"
    # Numeric, so Kubernetes can check runAsNonRoot; the code stays root's, read-only to it.
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) > 0
    assert "chown" not in dockerfile
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile
    # uvicorn is PID 1, so SIGTERM reaches it; it drains for a bounded time; no migrations.
    assert command[0] == "uvicorn"
    assert option(command, "--timeout-graceful-shutdown") is not None
    assert "--no-server-header" in command
    assert "alembic" not in command
    for setting in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        assert not re.search(rf"^\s*(ENV|ARG)\b.*\b{setting}\b", dockerfile, re.MULTILINE)


@pytest.mark.slow
def test_rendered_project_passes_ruff_check(
    rendered_project: Path, generated_venv: GeneratedVenv
) -> None:
    done = generated_venv.run("ruff", "check", "--no-cache", ".", cwd=rendered_project)
    require_success(done, " ".join(map(str, done.args)))


@pytest.mark.slow
def test_rendered_project_is_ruff_formatted(
    rendered_project: Path, generated_venv: GeneratedVenv
) -> None:
    done = generated_venv.run(
        "ruff", "format", "--check", "--no-cache", "--diff", ".", cwd=rendered_project
    )
    require_success(done, " ".join(map(str, done.args)))


@pytest.mark.slow
def test_rendered_project_passes_mypy_strict(
    rendered_project: Path,
    template_case: TemplateCase,
    generated_venv: GeneratedVenv,
    tmp_path: Path,
) -> None:
    done = generated_venv.run(
        "mypy",
        "--strict",
        "--python-version",
        str(template_case.answer("python_version")),
        "--cache-dir",
        str(tmp_path / "mypy-cache"),
        cwd=rendered_project,
    )
    require_success(done, " ".join(map(str, done.args)))
