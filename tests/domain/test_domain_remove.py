from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from domain_support import CUSTOMERS, PAYMENTS, snapshot
from domain_support import add_domain as add

from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.record import load_record
from gospel_scaffold.domain.remove import RemoveRequest, plan_remove
from gospel_scaffold.errors import InvalidInputError, ProjectError, TargetExistsError


def remove(project: Path, name: str, *, force: bool = False) -> list[str]:
    plan = plan_remove(RemoveRequest(name, project, force=force))
    apply_plan(plan)
    return plan.notes


def _apply_to_sqlite(project: Path, *revisions: str) -> None:
    # The project's .env points at ./shop.db; mark revisions as applied as Alembic would.
    connection = sqlite3.connect(project / "shop.db")
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    connection.executemany("INSERT INTO alembic_version VALUES (?)", [(r,) for r in revisions])
    connection.commit()
    connection.close()


def test_removing_a_never_applied_domain_restores_the_project_exactly(project: Path) -> None:
    before = snapshot(project)
    add(project, "customers", CUSTOMERS)
    add(project, "payments", PAYMENTS)
    middle = snapshot(project)

    notes = remove(project, "payments")
    remove(project, "customer")

    assert any("never applied" in note for note in notes)
    assert snapshot(project) == before
    assert not (project / ".gospel").exists()
    add(project, "customers", CUSTOMERS)
    add(project, "payments", PAYMENTS)
    assert len(snapshot(project)) == len(middle)


def test_a_domain_still_referenced_is_refused(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    add(project, "payments", PAYMENTS)
    before = snapshot(project)

    with pytest.raises(ProjectError, match=r"still referenced by payments.customer"):
        plan_remove(RemoveRequest("customers", project))
    assert snapshot(project) == before


def test_an_unknown_domain_is_refused(project: Path) -> None:
    with pytest.raises(InvalidInputError, match="No domain 'users' was added with gospel"):
        plan_remove(RemoveRequest("users", project))


def test_a_modified_file_refuses_the_whole_removal_unless_force(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    service = project / "app/services/customers_service.py"
    service.write_text(service.read_text() + "\n# mine\n")
    before = snapshot(project)

    with pytest.raises(
        TargetExistsError,
        match=r"You modified app/services/customers_service.py; nothing was removed.*--force",
    ):
        plan_remove(RemoveRequest("customers", project))

    assert snapshot(project) == before
    assert load_record(project, "customers") is not None


def test_force_deletes_modified_files_too(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    service = project / "app/services/customers_service.py"
    service.write_text(service.read_text() + "\n# mine\n")

    remove(project, "customers", force=True)

    assert not service.exists()


def test_an_applied_migration_gets_a_drop_migration(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    record = load_record(project, "customers")
    assert record is not None
    _apply_to_sqlite(project, record.migration["revision"])

    notes = remove(project, "customers")

    created = project / record.migration["path"]
    assert created.exists()
    drops = sorted((project / "migrations/versions").glob("*_drop_customers_table.py"))
    assert len(drops) == 1
    text = drops[0].read_text()
    assert f'down_revision: str | None = "{record.migration["revision"]}"' in text
    assert 'op.drop_table("customers")' in text.split("def downgrade")[0]
    assert any("it was applied (read from shop.db)" in note for note in notes)


def test_a_migration_followed_by_others_gets_a_drop_migration(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    add(project, "tags", ["label:str:50"])

    notes = remove(project, "customers")

    assert any("later migrations follow it" in note for note in notes)
    assert len(list((project / "migrations/versions").glob("*_drop_customers_table.py"))) == 1


def test_an_unknown_migration_state_plays_safe(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(project, "customers", CUSTOMERS)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")

    notes = remove(project, "customers")

    assert any("cannot tell whether it was applied" in note for note in notes)
    assert len(list((project / "migrations/versions").glob("*_drop_customers_table.py"))) == 1
