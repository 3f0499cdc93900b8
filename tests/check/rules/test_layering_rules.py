"""GOS501-GOS502: imports point down, HTTP stays in the API layer."""

from __future__ import annotations

import pytest


def test_clean_project_layers_point_down(project):
    assert project.found("GOS5") == []


@pytest.mark.parametrize(
    ("path", "statement"),
    [
        ("app/models/payments.py", "from app.services.payments_service import PaymentService\n"),
        ("app/repositories/payments_repository.py", "from app.services import payments_service\n"),
        ("app/services/payments_service.py", "from app.api.dependencies import CurrentUser\n"),
        ("app/schemas/payments.py", "import app.repositories.base\n"),
        ("app/db/database.py", "from app.api.routes import api_router\n"),
    ],
)
def test_import_against_the_layer_direction_is_reported(project, path, statement):
    project.append(path, statement)
    assert project.found("GOS501") == [project.violation("GOS501", path, statement.strip())]


def test_type_only_upward_imports_are_still_reported(project):
    project.append(
        "app/services/payments_service.py",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.api.dependencies import CurrentUser\n",
    )
    assert [code for *_, code in project.found("GOS501")] == ["GOS501"]


@pytest.mark.parametrize(
    "path",
    [
        "app/repositories/payments_repository.py",
        "app/services/payments_service.py",
        "app/models/user.py",
    ],
)
def test_fastapi_import_below_the_api_layer_is_reported(project, path):
    project.append(path, "from fastapi import HTTPException\n")
    assert project.found("GOS502") == [project.violation("GOS502", path, "from fastapi import")]


def test_fastapi_in_the_api_layer_and_main_is_clean(project):
    assert "from fastapi" in (project.root / "app/api/routes/payments.py").read_text()
    assert "from fastapi" in (project.root / "app/main.py").read_text()
    assert project.found("GOS502") == []


@pytest.mark.parametrize(
    "statement",
    [
        "from app.api.dependencies import CurrentUser, SessionDep\n",
        "import app.core.config, app.api.dependencies, app.api.routes\n",
    ],
    ids=["two-names", "allowed-module-first"],
)
def test_one_import_statement_is_reported_once(project, statement):
    path = "app/services/payments_service.py"
    project.append(path, statement)
    assert project.found("GOS501") == [project.violation("GOS501", path, statement.strip())]
