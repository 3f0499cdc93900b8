"""``gospel add-domain``, run as a real subprocess on a real rendered project."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

PAYMENTS = [
    "amount:decimal:12,2",
    "currency:str:3",
    "status:enum:pending,paid,failed",
    "note:text:null",
    "paid_at:datetime:null",
    "customer:ref:customers",
]


def gospel(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gospel_scaffold", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert fragment in lines[0]


@pytest.fixture
def shop(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    tmp_path: Path,
) -> Path:
    built: Path = shared_cache.get(
        "domain-shop", lambda root: render_project({"project_name": "shop"}, root / "shop")
    )
    return Path(shutil.copytree(built / "shop", tmp_path / "shop"))


def test_add_domain_ticks_the_gospel_checklist_and_is_idempotent(shop: Path) -> None:
    first = gospel("add-domain", "customers", "name:str:100", "email:str:320:unique", cwd=shop)

    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("gospel add-domain customers")
    assert "  [x] Create app/models/customers.py with table definition" in lines
    assert "  [x] Import and add router to app/api/routes/__init__.py" in lines
    assert "  [x] Add model import to app/db/database.py" in lines
    assert "  [ ] Run `alembic upgrade head`" in lines
    assert (shop / "app/api/routes/customers.py").is_file()
    before = tree(shop)

    again = gospel("add-domain", "customer", "name:str:100", "email:str:320:unique", cwd=shop)

    assert again.returncode == 0, again.stderr
    assert "already added and up to date: nothing to do" in again.stdout
    assert "(already done)" in again.stdout
    assert tree(shop) == before


def test_project_option_and_fields_file(shop: Path, tmp_path: Path) -> None:
    fields = tmp_path / "payments.fields"
    fields.write_text("# the issue's example\n" + "\n".join(PAYMENTS[:-1]) + "\n")

    result = gospel(
        "add-domain", "payment", "--project", str(shop), "--fields-file", str(fields), cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    model = (shop / "app/models/payments.py").read_text()
    assert "class Payment(TimestampMixin, Base):" in model
    assert "paid_at: Mapped[datetime | None]" in model


@pytest.mark.parametrize(
    ("args", "fragment", "code"),
    [
        (["class", "name:str"], "Domain name 'class' is a Python keyword", 2),
        (["payments", "order:int"], "name 'order' is an SQL reserved word", 2),
        (["payments", "amount:money"], "unknown type 'money'; types are str[:length]", 2),
        (["payments", "note:text:maybe"], "unknown modifier 'maybe'; modifiers are null", 2),
        (["payments", "customer:ref:customers"], "'customers' does not exist", 2),
        (["payments"], "at least one field", 2),
        (["users", "nickname:str"], "Domain 'users' already exists", 1),
    ],
)
def test_bad_input_is_one_line_with_nothing_written(
    shop: Path, args: list[str], fragment: str, code: int
) -> None:
    before = tree(shop)

    result = gospel("add-domain", *args, cwd=shop)

    assert_one_line_error(result, fragment)
    assert result.returncode == code
    assert tree(shop) == before


def test_outside_a_project_is_an_error(tmp_path: Path) -> None:
    result = gospel("add-domain", "customers", "name:str", cwd=tmp_path)

    assert_one_line_error(result, "is not a project made by `gospel new`")


def test_dry_run_prints_the_plan_as_unified_diffs(shop: Path) -> None:
    before = tree(shop)

    result = gospel("add-domain", "customers", "name:str:100", "--dry-run", cwd=shop)

    assert result.returncode == 0, result.stderr
    assert "--- /dev/null\n+++ b/app/models/customers.py\n" in result.stdout
    assert "+class Customer(TimestampMixin, Base):\n" in result.stdout
    assert "+from app.api.routes import auth, customers, users\n" in result.stdout
    assert result.stdout.rstrip().endswith("dry run, nothing was written.")
    assert tree(shop) == before


def test_json_prints_the_plan_for_scripts(shop: Path) -> None:
    result = gospel("add-domain", "customers", "name:str:100", "--json", cwd=shop)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["schema_version"], data["operation"], data["domain"]) == (
        1,
        "add-domain",
        "customers",
    )
    assert data["applied"] is True
    assert {"path": "app/models/customers.py", "action": "create"}.items() <= data["changes"][
        0
    ].items()
    assert (shop / "app/models/customers.py").is_file()
    dry = json.loads(gospel("add-domain", "customers", "name:str:100", "--json", cwd=shop).stdout)
    assert (dry["applied"], dry["changed"]) == (False, False)
