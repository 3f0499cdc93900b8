from __future__ import annotations

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
