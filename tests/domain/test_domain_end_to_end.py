"""The issue's "done when": three domains added and one removed keep the project green.

A fourth, shared (``--no-owner``) domain with references stays, so its code is checked too.

Runs the generated project's own toolchain (ruff, mypy --strict, pytest with coverage, Alembic)
from the shared generated-project venv, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from domain_support import PAYMENTS
from succeeded import require_success

from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.remove import RemoveRequest, plan_remove

DOMAINS: list[tuple[str, list[str], bool]] = [
    (
        "customers",
        ["name:str:100", "email:str:320:unique", "tier:enum:basic,gold:default=basic"],
        True,
    ),
    (
        "payment",
        [*PAYMENTS, "fee:decimal:8,2:null", "payer:ref:users:null"],
        True,
    ),
    (
        "tags",
        [
            "label:str:50:unique:index",
            "weight:float:null",
            "active:bool:default=true",
            "day:date:null",
            "key:uuid:null",
            "meta:json:null",
            "big:bigint:null",
            "rank:int:default=0",
        ],
        False,
    ),
    (
        "notes",
        [
            "body:text",
            "code:str:20:unique",
            "customer:ref:customers:null",
            "reviewer:ref:users:null",
        ],
        False,
    ),
]


def _add_all(project: Path) -> None:
    for name, specs, owner in DOMAINS:
        apply_plan(plan_add(AddRequest(name, specs, project, owner=owner)))


def _alembic_round_trip(venv: Any, project: Path, env: Mapping[str, str]) -> None:
    for args in (
        ("upgrade", "head"),
        ("check",),
        ("downgrade", "base"),
        ("upgrade", "head"),
        ("check",),
    ):
        require_success(
            venv.run("alembic", *args, cwd=project, env=env), f"alembic {' '.join(args)}"
        )


def _render(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    answers: dict[str, Any],
    tmp_path: Path,
) -> Path:
    name = str(answers["project_name"])
    built: Path = shared_cache.get(
        f"domain-{name}", lambda root: render_project(answers, root / name)
    )
    return Path(shutil.copytree(built / name, tmp_path / name))


@pytest.mark.slow
def test_added_domains_and_a_removal_stay_green_on_sqlite(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    generated_venv: Any,
    tmp_path: Path,
) -> None:
    project = _render(shared_cache, render_project, {"project_name": "shop"}, tmp_path)
    _add_all(project)
    # Apply everything first, so removing `tags` has to write a drop migration.
    require_success(
        generated_venv.run("alembic", "upgrade", "head", cwd=project), "alembic upgrade head"
    )
    removal = plan_remove(RemoveRequest("tags", project))
    apply_plan(removal)
    assert any("it was applied" in note for note in removal.notes)

    require_success(generated_venv.run("ruff", "check", ".", cwd=project), "ruff check")
    require_success(
        generated_venv.run("ruff", "format", "--check", ".", cwd=project), "ruff format --check"
    )
    require_success(generated_venv.run("mypy", cwd=project), "mypy --strict")
    # --cov, as the generated CI runs it: the domains' tests keep coverage at 90 %.
    tests = generated_venv.run("pytest", "-q", "-p", "no:cacheprovider", "--cov", cwd=project)
    require_success(tests, "pytest --cov")
    (project / "shop.db").unlink()
    _alembic_round_trip(generated_venv, project, {})


@pytest.mark.slow
@pytest.mark.postgres
def test_added_domains_and_a_removal_stay_green_on_postgres(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    generated_venv: Any,
    postgres_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = _render(
        shared_cache,
        render_project,
        {"project_name": "pgshop", "database": "postgres"},
        tmp_path,
    )
    _add_all(project)
    env = {"DATABASE_URL": postgres_database, "TEST_DATABASE_URL": postgres_database}
    require_success(
        generated_venv.run("alembic", "upgrade", "head", cwd=project, env=env), "upgrade head"
    )
    # remove-domain asks the configured database through the project's own environment.
    (project / ".venv").symlink_to(generated_venv.path)
    monkeypatch.setenv("DATABASE_URL", postgres_database)
    removal = plan_remove(RemoveRequest("tags", project))
    apply_plan(removal)
    assert any("it was applied (read from the database)" in note for note in removal.notes)

    _alembic_round_trip(generated_venv, project, env)
    require_success(
        generated_venv.run("alembic", "downgrade", "base", cwd=project, env=env), "downgrade"
    )
    result = generated_venv.run("pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=env)
    require_success(result, "pytest on PostgreSQL")
    require_success(generated_venv.run("ruff", "check", ".", cwd=project), "ruff check")
