"""``gospel add-field`` and ``gospel remove-field``, run as real subprocesses on a real project."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from domain.domain_support import CUSTOMERS, snapshot

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel


@pytest.fixture
def customers(shop_project: Path, run_gospel: RunGospel, gospel_env: dict[str, str]) -> Path:
    """The shop with a committed ``customers`` domain and an ``invoices`` domain referencing it."""
    for args in (["customers", *CUSTOMERS], ["invoices", "total:int", "customer:ref:customers"]):
        assert run_gospel("add-domain", *args, cwd=shop_project).returncode == 0
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "domains"]):
        subprocess.run(["git", *args], cwd=shop_project, env=gospel_env, check=True)
    return shop_project


def test_add_field_keeps_your_edits_and_is_idempotent(
    customers: Path, run_gospel: RunGospel
) -> None:
    service = customers / "app/services/customers_service.py"
    mine = '    async def archive(self) -> None:\n        """Mine."""\n\n'
    service.write_text(
        service.read_text().replace("    async def delete(", mine + "    async def delete(")
    )

    result = run_gospel(
        "add-field",
        "customers",
        "tier:enum:basic,gold:default=basic",
        "note:text:null",
        cwd=customers,
    )

    assert result.returncode == 0, result.stderr
    assert "Write the migration migrations/versions/" in result.stdout
    text = service.read_text()
    assert mine in text
    assert "tier: Mapped[CustomerTier]" in (customers / "app/models/customers.py").read_text()
    assert (
        'invoices: Mapped[list["Invoice"]]' in (customers / "app/models/customers.py").read_text()
    )
    [migration] = customers.glob("migrations/versions/*_add_tier_note_to_customers.py")
    assert 'server_default="basic"' in migration.read_text()
    record = json.loads((customers / ".gospel/domains/customers.json").read_text())
    assert record["version"] == 2
    assert record["fields"][-2:] == ["tier:enum:basic,gold:default=basic", "note:text:null"]
    assert [m["operation"] for m in record["migrations"]] == ["create-table", "add-columns"]
    before = snapshot(customers)

    again = run_gospel(
        "add-field", "customers", "tier:enum:basic,gold:default=basic", cwd=customers
    )

    assert again.returncode == 0, again.stderr
    assert "already as asked: nothing to do" in again.stdout
    assert snapshot(customers) == before


def test_a_conflicting_edit_is_refused_with_nothing_written(
    customers: Path, run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    schemas = customers / "app/schemas/customers.py"
    # gospel adds `phone` right below the line the user changed: the same hunk.
    lines = schemas.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("    email: "))
    lines[index] = "    email: str  # mine\n"
    schemas.write_text("".join(lines))
    before = snapshot(customers)

    result = run_gospel("add-field", "customers", "phone:str:30:null", cwd=customers)

    assert_one_line_error(result, "conflict with gospel's change in app/schemas/customers.py")
    assert snapshot(customers) == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["add-field", "customers", "age:int"], "add it as age:int:null, or give existing rows"),
        (["add-field", "customers", "name:str:50"], "already has 'name:str:100'"),
        (["add-field", "customers", "boss:ref:users"], "(a reference takes no default)"),
        (["add-field", "ghosts", "x:int:null"], "No domain 'ghosts'"),
        (["remove-field", "invoices", "total", "customer"], "keeps at least one field"),
    ],
)
def test_bad_field_changes_are_one_line_with_nothing_written(
    customers: Path,
    args: list[str],
    fragment: str,
    run_gospel: RunGospel,
    assert_one_line_error: AssertOneLineError,
) -> None:
    before = snapshot(customers)

    assert_one_line_error(run_gospel(*args, cwd=customers), fragment)
    assert snapshot(customers) == before


def test_remove_field_drops_the_relationship_and_writes_a_drop_migration(
    customers: Path, run_gospel: RunGospel
) -> None:
    dry = run_gospel("remove-field", "invoices", "customer", "--dry-run", cwd=customers)
    assert dry.returncode == 0, dry.stderr
    assert '-    invoices: Mapped[list["Invoice"]] = relationship(' in dry.stdout

    result = run_gospel("remove-field", "invoices", "customer", "--json", cwd=customers)

    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["operation"], data["applied"]) == ("remove-field", True)
    assert "invoices" not in (customers / "app/models/customers.py").read_text()
    [migration] = customers.glob("migrations/versions/*_drop_customer_id_from_invoices.py")
    upgrade = migration.read_text().split("def downgrade")[0]
    assert 'batch_op.drop_column("customer_id")' in upgrade
    again = run_gospel("remove-field", "invoices", "customer", cwd=customers)
    assert "has no field 'customer'" in again.stdout
