"""Issue 9's "held by": a realistic project evolves through add-field and remove-field.

Twelve domains with references (a self-reference, a many-to-many, and references to a model
written by hand among them) are added, the database gets rows, then fields are added and
removed with the real CLI while the project's own toolchain
(ruff, mypy --strict, Alembic up/check/down/up, its pytest suite) and `gospel check` stay green,
on SQLite and on PostgreSQL. The project is built once per session per database.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from domain.domain_support import add_tenants_by_hand
from succeeded import require_success

from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan

DOMAINS: list[tuple[str, list[str], bool]] = [
    ("customers", ["name:str:100", "email:str:320:unique"], True),
    ("suppliers", ["name:str:100:unique", "tenant:ref:tenants:null"], False),
    ("categories", ["name:str:80", "parent:ref:categories:null"], False),
    (
        "products",
        [
            "title:str:120",
            "price:decimal:10,2",
            "category:ref:categories",
            "supplier:ref:suppliers",
        ],
        False,
    ),
    ("warehouses", ["code:str:10:unique", "city:str:80:null"], False),
    ("stock_movements", ["quantity:int", "product:ref:products", "warehouse:ref:warehouses"], True),
    ("orders", ["placed_at:datetime:null", "customer:ref:customers"], True),
    ("order_lines", ["quantity:int", "order:ref:orders", "product:ref:products"], True),
    ("invoices", ["total:decimal:12,2", "order:ref:orders"], True),
    ("payments", ["amount:decimal:12,2", "invoice:ref:invoices", "payer:ref:users:null"], True),
    ("tags", ["label:str:40"], True),
    (
        "notes",
        ["body:text", "customer:ref:customers:null", "parent:ref:notes:null", "tags:refs:tags"],
        True,
    ),
]

STEPS: list[list[str]] = [
    ["add-field", "customers", "tier:enum:basic,gold:default=basic", "vip:bool:default=false"],
    ["add-field", "products", "sku:str:40:null:unique", "parent:ref:products:null"],
    [
        "add-field",
        "orders",
        "shipped:bool:default=false",
        "note:text:null",
        "invoice:ref:invoices:null",
    ],
    ["remove-field", "products", "supplier"],
    ["remove-field", "warehouses", "city"],
    ["add-field", "payments", "fee:decimal:8,2:default=0.50"],
    # Many-to-many: a shared domain links owned rows; a list with links in it is dropped.
    ["add-field", "products", "tags:refs:tags", "makers:refs:suppliers"],
    ["remove-field", "notes", "tags"],
    ["add-field", "orders", "partners:refs:tenants"],
]


def _build(
    root: Path, render_project: Callable[[Mapping[str, Any], Path], Path], answers: dict[str, Any]
) -> None:
    project = render_project(answers, root / str(answers["project_name"]))
    add_tenants_by_hand(project)
    for name, specs, owner in DOMAINS:
        apply_plan(plan_add(AddRequest(name, specs, project, owner=owner)))


def _project(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    answers: dict[str, Any],
    tmp_path: Path,
) -> Path:
    name = str(answers["project_name"])
    built = shared_cache.get(f"evolve-{name}", lambda root: _build(root, render_project, answers))
    project = Path(shutil.copytree(built / name, tmp_path / name))
    # A user edit gospel must merge around: a method in a generated service.
    service = project / "app/services/customers_service.py"
    mine = '    async def vip_count(self) -> int:\n        """Mine."""\n        return 0\n\n'
    service.write_text(
        service.read_text().replace("    async def delete(", mine + "    async def delete(")
    )
    return project


_ROWS = [
    "INSERT INTO users (email, hashed_password, is_active, is_superuser) "
    "VALUES ('ann@example.com', 'x', true, false)",
    "INSERT INTO customers (name, email, owner_id) VALUES ('Ann', 'ann@example.com', 1)",
    "INSERT INTO tenants (name, plan, since, owner_id) VALUES ('Acme', 'free', '2024-01-01', 1)",
    "INSERT INTO suppliers (name, tenant_id) VALUES ('Acme', 1)",
    "INSERT INTO categories (name) VALUES ('root')",
    "INSERT INTO categories (name, parent_id) VALUES ('leaf', 1)",
    "INSERT INTO products (title, price, category_id, supplier_id) VALUES ('Nut', 1.50, 2, 1)",
    "INSERT INTO orders (customer_id, owner_id) VALUES (1, 1)",
    "INSERT INTO invoices (total, order_id, owner_id) VALUES (9.99, 1, 1)",
    "INSERT INTO payments (amount, invoice_id, owner_id) VALUES (9.99, 1, 1)",
    "INSERT INTO tags (label, owner_id) VALUES ('red', 1)",
    "INSERT INTO notes (body, owner_id) VALUES ('hello', 1)",
    "INSERT INTO notes_tags (note_id, tag_id) VALUES (1, 1)",
]


def _evolve(project: Path, alembic: Callable[..., None], run_gospel: Any) -> None:
    for step in STEPS:
        require_success(run_gospel(*step, cwd=project), " ".join(step))
        alembic("upgrade", "head")


def _checks(
    venv: Any,
    project: Path,
    env: Mapping[str, str],
    alembic: Callable[..., None],
    run_gospel: Any,
) -> None:
    alembic("check")
    alembic("downgrade", "base")
    alembic("upgrade", "head")
    alembic("check")
    require_success(
        venv.run("pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=env), "pytest"
    )
    require_success(run_gospel("check", cwd=project), "gospel check")


@pytest.mark.slow
def test_a_project_evolves_with_rows_in_sqlite(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    generated_venv: Any,
    run_gospel: Any,
    tmp_path: Path,
) -> None:
    project = _project(shared_cache, render_project, {"project_name": "evolve"}, tmp_path)

    def alembic(*args: str) -> None:
        require_success(
            generated_venv.run("alembic", *args, cwd=project), f"alembic {' '.join(args)}"
        )

    alembic("upgrade", "head")
    with sqlite3.connect(project / "evolve.db") as connection:
        for statement in _ROWS:
            connection.execute(statement)

    _evolve(project, alembic, run_gospel)

    with sqlite3.connect(project / "evolve.db") as connection:
        assert connection.execute("SELECT tier, vip FROM customers").fetchall() == [("basic", 0)]
        assert connection.execute("SELECT fee FROM payments").fetchall() == [(0.5,)]
        tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%tags'"
        assert sorted(row[0] for row in connection.execute(tables)) == ["products_tags", "tags"]
    assert (
        "async def vip_count(self) -> int:"
        in (project / "app/services/customers_service.py").read_text()
    )
    require_success(generated_venv.run("ruff", "check", ".", cwd=project), "ruff check")
    require_success(
        generated_venv.run("ruff", "format", "--check", ".", cwd=project), "ruff format --check"
    )
    require_success(generated_venv.run("mypy", cwd=project), "mypy --strict")
    _checks(generated_venv, project, {}, alembic, run_gospel)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_project_evolves_with_rows_in_postgres(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    generated_venv: Any,
    run_gospel: Any,
    postgres_database: str,
    tmp_path: Path,
) -> None:
    project = _project(
        shared_cache, render_project, {"project_name": "pgevolve", "database": "postgres"}, tmp_path
    )
    env = {"DATABASE_URL": postgres_database, "TEST_DATABASE_URL": postgres_database}

    def alembic(*args: str) -> None:
        run = generated_venv.run("alembic", *args, cwd=project, env=env)
        require_success(run, f"alembic {' '.join(args)}")

    def psql(sql: str) -> str:
        done = subprocess.run(
            ["psql", postgres_database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    alembic("upgrade", "head")
    for statement in _ROWS:
        psql(statement)

    _evolve(project, alembic, run_gospel)

    assert psql("SELECT tier || ' ' || vip FROM customers") == "basic false"
    assert psql("SELECT fee FROM payments") == "0.50"
    assert psql("SELECT to_regclass('notes_tags') IS NULL, to_regclass('products_tags')") == (
        "t|products_tags"
    )
    _checks(generated_venv, project, env, alembic, run_gospel)
