"""``gospel add-domain``, run as a real subprocess on a real rendered project."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from domain.domain_support import CUSTOMERS, PAYMENTS, snapshot

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel


def test_add_domain_ticks_the_gospel_checklist_and_is_idempotent(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    first = run_gospel("add-domain", "customers", *CUSTOMERS, cwd=shop_project)

    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == (
        "gospel add-domain customers (class Customer, table customers, URL prefix /customers) "
        f"in {shop_project}"
    )
    assert "  [x] Create app/models/customers.py with table definition" in lines
    assert "  [x] Import and add router to app/api/routes/__init__.py" in lines
    assert "  [x] Add model import to app/db/database.py" in lines
    assert "  [ ] Run `uv run alembic upgrade head`" in lines  # commands that work when pasted
    assert "  [ ] Run `uv run pytest` to verify" in lines
    assert (shop_project / "app/api/routes/customers.py").is_file()
    before = snapshot(shop_project)

    again = run_gospel("add-domain", "customer", *CUSTOMERS, cwd=shop_project)

    assert again.returncode == 0, again.stderr
    assert "already added and up to date: nothing to do" in again.stdout
    assert "(already done)" in again.stdout
    assert snapshot(shop_project) == before


def test_project_option_and_fields_file(
    shop_project: Path, tmp_path: Path, run_gospel: RunGospel
) -> None:
    fields = tmp_path / "payments.fields"
    fields.write_text("# the issue's example\n" + "\n".join(PAYMENTS[:-1]) + "\n")

    result = run_gospel(
        "add-domain",
        "payment",
        "--project",
        str(shop_project),
        "--fields-file",
        str(fields),
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    model = (shop_project / "app/models/payments.py").read_text()
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
        (["gauges", "level:float:default=nan"], "default 'nan' is not a finite float", 2),
        (["gauges", "level:float:default=1e400"], "default '1e400' is not a finite float", 2),
        (["gauges", "count:int:default=99999999999"], "does not fit a 32-bit int column", 2),
        (["gauges", "price:decimal:4,2:default=123.45"], "does not fit decimal:4,2", 2),
        (["gauges", "price:decimal:4,2:default=1.234"], "does not fit decimal:4,2", 2),
    ],
)
def test_bad_input_is_one_line_with_nothing_written(
    shop_project: Path,
    args: list[str],
    fragment: str,
    code: int,
    run_gospel: RunGospel,
    assert_one_line_error: AssertOneLineError,
) -> None:
    before = snapshot(shop_project)

    result = run_gospel("add-domain", *args, cwd=shop_project)

    assert_one_line_error(result, fragment)
    assert result.returncode == code
    assert snapshot(shop_project) == before


def test_outside_a_project_is_an_error(
    tmp_path: Path, run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("add-domain", "customers", "name:str", cwd=tmp_path)

    assert_one_line_error(result, "is not a gospel project", exit_code=2)


def test_dry_run_prints_the_plan_as_unified_diffs(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    before = snapshot(shop_project)

    result = run_gospel("add-domain", "customers", "name:str:100", "--dry-run", cwd=shop_project)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "# gospel add-domain customers (class Customer, table customers, URL prefix /customers)\n"
    )
    assert "--- /dev/null\n+++ b/app/models/customers.py\n" in result.stdout
    assert "+class Customer(TimestampMixin, Base):\n" in result.stdout
    assert "+from app.api.routes import auth, customers, users\n" in result.stdout
    assert result.stdout.rstrip().endswith("dry run, nothing was written.")
    assert snapshot(shop_project) == before
    [migration] = [
        line.removeprefix("+++ b/")
        for line in result.stdout.splitlines()
        if line.startswith("+++ b/migrations/versions/")
    ]
    real = run_gospel("add-domain", "customers", "name:str:100", cwd=shop_project)
    assert real.returncode == 0, real.stderr
    assert (shop_project / migration).is_file()


def test_json_prints_the_plan_for_scripts(shop_project: Path, run_gospel: RunGospel) -> None:
    result = run_gospel("add-domain", "customers", "name:str:100", "--json", cwd=shop_project)

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
    assert (shop_project / "app/models/customers.py").is_file()
    dry = json.loads(
        run_gospel("add-domain", "customers", "name:str:100", "--json", cwd=shop_project).stdout
    )
    assert (dry["applied"], dry["changed"]) == (False, False)


def test_a_file_where_a_folder_must_be_is_one_line_and_writes_nothing(
    shop_project: Path, run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    unit = shop_project / "tests/unit"
    shutil.rmtree(unit)
    unit.write_text("not a folder\n")
    before = snapshot(shop_project)

    result = run_gospel("add-domain", "widgets", "x:int", cwd=shop_project)

    assert_one_line_error(result, "tests/unit is a file, not a folder")
    assert snapshot(shop_project) == before


# --------------------------------------------------------------------------------------------
# Regressions of issue 9


def test_repeating_add_domain_after_another_domain_referenced_it_changes_nothing(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    assert run_gospel("add-domain", "customers", *CUSTOMERS, cwd=shop_project).returncode == 0
    invoices = run_gospel("add-domain", "invoices", "customer:ref:customers", cwd=shop_project)
    assert invoices.returncode == 0, invoices.stderr
    before = snapshot(shop_project)

    again = run_gospel("add-domain", "customers", *CUSTOMERS, cwd=shop_project)
    forced = run_gospel("add-domain", "customers", *CUSTOMERS, "--force", cwd=shop_project)

    assert again.returncode == 0, again.stderr
    assert "already added and up to date: nothing to do" in again.stdout
    assert forced.returncode == 0, forced.stderr
    assert snapshot(shop_project) == before
    assert (
        'invoices: Mapped[list["Invoice"]]'
        in (shop_project / "app/models/customers.py").read_text()
    )


@pytest.mark.parametrize(
    "args",
    [
        ["orders", "total:int"],
        ["groups", "label:str:40"],
        ["tables", "seats:int"],
        ["limits", "amount:int"],
    ],
)
def test_names_whose_singular_is_an_sql_word_are_accepted(
    shop_project: Path, args: list[str], run_gospel: RunGospel
) -> None:
    result = run_gospel("add-domain", *args, cwd=shop_project)

    assert result.returncode == 0, result.stderr
    assert f'__tablename__ = "{args[0]}"' in (shop_project / f"app/models/{args[0]}.py").read_text()


def test_a_ref_named_after_an_sql_word_is_accepted(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    assert run_gospel("add-domain", "orders", "total:int", cwd=shop_project).returncode == 0

    result = run_gospel("add-domain", "shipments", "order:ref:orders", cwd=shop_project)

    assert result.returncode == 0, result.stderr
    model = (shop_project / "app/models/shipments.py").read_text()
    assert "order_id: Mapped[int]" in model


def test_every_file_add_domain_writes_or_edits_is_formatter_clean(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    result = run_gospel(
        "add-domain", "stock_movements", "quantity:int", "note:text:null", cwd=shop_project
    )

    assert result.returncode == 0, result.stderr
    routes = (shop_project / "app/api/routes/__init__.py").read_text()
    assert "api_router.include_router(\n    stock_movements.router," in routes
    ruff = Path(sys.executable).parent / "ruff"
    check = subprocess.run(
        [str(ruff), "format", "--check", "."],
        cwd=shop_project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize(
    ("first", "second", "fragment"),
    [
        (
            ["tags", "label:str:50", "--no-owner"],
            ["tags", "label:str:50"],
            "already exists as a shared (--no-owner) domain, not --owner",
        ),
        (
            ["tags", "label:str:50"],
            ["tags", "label:str:60"],
            "already exists with other fields (label:str:50); change them with `gospel add-field`",
        ),
    ],
)
def test_a_different_spec_for_an_existing_domain_says_what_differs(
    shop_project: Path,
    first: list[str],
    second: list[str],
    fragment: str,
    run_gospel: RunGospel,
    assert_one_line_error: AssertOneLineError,
) -> None:
    assert run_gospel("add-domain", *first, cwd=shop_project).returncode == 0

    assert_one_line_error(run_gospel("add-domain", *second, cwd=shop_project), fragment)


def test_a_negative_string_length_is_reported_as_a_length(
    shop_project: Path, run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("add-domain", "widgets", "x:str:-1", cwd=shop_project)

    assert_one_line_error(result, "length '-1' is not a positive integer", exit_code=2)


def test_commands_run_from_a_subdirectory_find_the_project_root(
    shop_project: Path, run_gospel: RunGospel
) -> None:
    result = run_gospel("add-domain", "widgets", "x:int", cwd=shop_project / "app" / "models")

    assert result.returncode == 0, result.stderr
    assert f"in {shop_project}" in result.stdout.splitlines()[0]
    assert (shop_project / "app/models/widgets.py").is_file()


def test_uncommitted_changes_are_mentioned(
    shop_project: Path, run_gospel: RunGospel, gospel_env: dict[str, str]
) -> None:
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *args], cwd=shop_project, env=gospel_env, check=True)
    readme = shop_project / "README.md"
    readme.write_text(readme.read_text() + "\nmine\n")

    result = run_gospel("add-domain", "widgets", "x:int", cwd=shop_project)

    assert result.returncode == 0, result.stderr
    assert "the git tree already had 1 uncommitted change(s)" in result.stdout
