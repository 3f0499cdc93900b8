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


def test_a_many_to_many_field_links_through_its_own_table_until_removed(
    customers: Path, run_gospel: RunGospel, gospel_env: dict[str, str]
) -> None:
    assert run_gospel("add-domain", "tags", "label:str:40", cwd=customers).returncode == 0

    added = run_gospel("add-field", "customers", "tags:refs:tags", cwd=customers)

    assert added.returncode == 0, added.stderr
    [migration] = customers.glob("migrations/versions/*_add_customers_tags_to_customers.py")
    upgrade = migration.read_text().split("def downgrade")[0]
    assert '"customers_tags",' in upgrade
    assert 'sa.PrimaryKeyConstraint("customer_id", "tag_id"' in upgrade
    assert 'secondary="customers_tags"' in (customers / "app/models/tags.py").read_text()
    assert "tag_ids:" in (customers / "app/schemas/customers.py").read_text()

    refused = run_gospel("remove-domain", "tags", cwd=customers)
    assert refused.returncode == 1
    assert "(`gospel remove-field customers tags`)" in refused.stderr

    removed = run_gospel("remove-field", "customers", "tags", cwd=customers)

    assert removed.returncode == 0, removed.stderr
    [drop] = customers.glob("migrations/versions/*_drop_customers_tags_from_customers.py")
    assert 'op.drop_table("customers_tags")' in drop.read_text().split("def downgrade")[0]
    assert "customers_tags" not in (customers / "app/models/tags.py").read_text()
    assert run_gospel("remove-domain", "tags", cwd=customers).returncode == 0


def test_removing_the_domain_that_owns_a_many_to_many_drops_its_table_too(
    customers: Path, run_gospel: RunGospel, gospel_env: dict[str, str]
) -> None:
    for args in (["tags", "label:str:40"], ["posts", "title:str", "tags:refs:tags"]):
        assert run_gospel("add-domain", *args, cwd=customers).returncode == 0
    for args in (["add", "-A"], ["commit", "-qm", "posts"]):
        subprocess.run(["git", *args], cwd=customers, env=gospel_env, check=True)

    result = run_gospel("remove-domain", "posts", cwd=customers)

    assert result.returncode == 0, result.stderr
    [drop] = customers.glob("migrations/versions/*_drop_posts_table.py")
    upgrade, downgrade = drop.read_text().split("def downgrade")
    assert upgrade.index('op.drop_table("posts_tags")') < upgrade.index('op.drop_table("posts")')
    assert downgrade.index('"posts",') < downgrade.index('"posts_tags",')
    assert "posts" not in (customers / "app/models/tags.py").read_text()


def test_remove_field_is_refused_while_your_code_uses_what_it_brought(
    customers: Path, run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    report = customers / "app/services/report_service.py"
    report.write_text(
        '"""Mine."""\n\nfrom sqlalchemy import select\nfrom sqlalchemy.orm import selectinload\n\n'
        "from app.models.customers import Customer\n\n"
        "QUERY = select(Customer).options(selectinload(Customer.invoices))\n"
    )
    before = snapshot(customers)

    result = run_gospel("remove-field", "invoices", "customer", cwd=customers)

    assert_one_line_error(
        result, "Customer.invoices in app/services/report_service.py:8", "nothing was written"
    )
    assert snapshot(customers) == before
    report.unlink()
    assert run_gospel("remove-field", "invoices", "customer", cwd=customers).returncode == 0
