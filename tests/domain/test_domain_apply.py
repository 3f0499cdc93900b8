from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from domain_support import snapshot

from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.plan import FileChange
from gospel_scaffold.errors import ProjectError


def test_a_failing_step_puts_every_file_back(project: Path) -> None:
    plan = plan_add(AddRequest("customers", ["name:str:100"], project))
    before = snapshot(project)
    calls: list[str] = []

    def fail_on_the_migration(root: Path, change: FileChange) -> None:
        calls.append(change.path)
        if change.step == "migration":
            raise OSError(28, "No space left on device")
        target = root / change.path
        assert change.after is not None
        target.write_text(change.after)

    with pytest.raises(ProjectError, match=r"No space left on device.*put back as it was"):
        apply_plan(plan, step=fail_on_the_migration)

    assert len(calls) > 5
    assert snapshot(project) == before
    assert not (project / ".gospel").exists()


def test_a_file_changed_after_planning_stops_the_run(project: Path) -> None:
    plan = plan_add(AddRequest("customers", ["name:str:100"], project))
    routes = project / "app/api/routes/__init__.py"
    routes.write_text(routes.read_text() + "# edited meanwhile\n")
    before = snapshot(project)

    with pytest.raises(ProjectError, match="changed while gospel was planning"):
        apply_plan(plan)
    assert snapshot(project) == before


def test_a_file_where_a_folder_must_be_is_refused_while_planning(project: Path) -> None:
    unit = project / "tests/unit"
    shutil.rmtree(unit)
    unit.write_text("not a folder\n")
    before = snapshot(project)

    with pytest.raises(ProjectError, match=r"tests/unit is a file, not a folder.*nothing was"):
        plan_add(AddRequest("widgets", ["x:int"], project))
    assert snapshot(project) == before


def test_rollback_goes_on_past_a_file_it_cannot_put_back(project: Path) -> None:
    plan = plan_add(AddRequest("customers", ["name:str:100"], project))
    routes = project / "app/api/routes/__init__.py"
    database = project / "app/db/database.py"
    original_database = database.read_bytes()

    def block_the_routes_registry(root: Path, change: FileChange) -> None:
        target = root / change.path
        assert change.after is not None
        target.write_text(change.after)
        if change.step == "unit_tests":
            # A real obstacle: the registry becomes a folder, so it cannot be written back.
            routes.unlink()
            routes.mkdir()
            (routes / "keep").write_text("x")
            raise OSError(28, "No space left on device")

    with pytest.raises(ProjectError) as caught:
        apply_plan(plan, step=block_the_routes_registry)

    message = str(caught.value)
    assert "\n" not in message
    assert "could not put back app/api/routes/__init__.py" in message
    assert database.read_bytes() == original_database
    assert not (project / "app/models/customers.py").exists()
    assert not (project / "tests/unit/test_customers_service.py").exists()
