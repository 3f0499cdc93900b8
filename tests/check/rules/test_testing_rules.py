"""GOS701: every domain has tests."""

from __future__ import annotations

import pytest

from gospel_scaffold.check.rules.testing import name_variants


def test_clean_project_tests_every_domain(project):
    assert project.found("GOS7") == []


def test_domain_with_no_test_is_reported_at_its_router(project):
    project.remove("tests/integration/test_payments_routes.py")
    assert project.found("GOS701") == [
        project.violation("GOS701", "app/api/routes/payments.py", "router = APIRouter()")
    ]


def test_importing_the_service_counts_as_a_test(project):
    project.remove("tests/integration/test_payments_routes.py")
    project.write(
        "tests/unit/test_payments_service.py",
        "from app.services.payments_service import PaymentService\n\n\ndef test_x():\n"
        "    assert PaymentService\n",
    )
    assert project.found("GOS701") == []


def test_a_similar_prefix_does_not_count(project):
    project.write(
        "tests/integration/test_payments_routes.py",
        'async def test_x(client):\n    await client.get("/api/v1/payments-archive")\n',
    )
    assert [path for path, *_ in project.found("GOS701")] == ["app/api/routes/payments.py"]


def test_model_only_domain_without_tests_is_reported_at_its_model(project):
    project.write(
        "app/models/audit_log.py",
        """
        from app.db.database import Base


        class AuditLog(Base):
            __tablename__ = "audit_logs"
        """,
    )
    assert project.found("GOS701") == [("app/models/audit_log.py", 4, "GOS701")]


def test_model_only_domain_message_names_its_model_module_not_routes(project):
    project.write(
        "app/models/audit_log.py",
        """
        from app.db.database import Base


        class AuditLog(Base):
            __tablename__ = "audit_logs"
        """,
    )
    (violation,) = project.check(select=["GOS701"]).violations
    assert violation.message == (
        "domain audit_log has no tests: nothing under tests/ imports its model module "
        "app.models.audit_log, its service or its repository"
    )
    assert "routes" not in violation.fix
    assert "tests/unit/test_audit_log_service.py" in violation.fix


def test_router_domain_message_names_its_routes_and_modules(project):
    project.remove("tests/integration/test_payments_routes.py")
    (violation,) = project.check(select=["GOS701"]).violations
    assert violation.message == (
        "domain payments has no tests: nothing under tests/ calls its routes (/payments) or "
        "imports its route module, its service or its repository"
    )
    assert "tests/integration/test_payments_routes.py" in violation.fix


def test_model_is_one_domain_with_its_plural_router(project):
    # app/models/user.py and app/api/routes/users.py: tested through "/users".
    assert project.found("GOS701") == []
    project.remove("tests/integration/test_users_routes.py")
    assert [path for path, *_ in project.found("GOS701")] == ["app/api/routes/users.py"]


@pytest.mark.parametrize(
    ("name", "variant"),
    [("user", "users"), ("users", "user"), ("category", "categories"), ("boxes", "box")],
)
def test_name_variants_cover_simple_plurals(name, variant):
    assert variant in name_variants(name)


def test_a_router_whose_paths_are_computed_is_noted_not_reported(project):
    project.write(
        "app/api/routes/reports.py",
        """
        from fastapi import APIRouter

        from app.core.config import settings

        router = APIRouter(prefix=settings.REPORTS_PREFIX)


        @router.get("/")
        async def list_reports() -> list[str]:
            return []
        """,
    )
    project.append(
        "app/api/routes/__init__.py",
        "from app.api.routes import reports\n\napi_router.include_router(reports.router)\n",
    )
    result = project.check(select=["GOS701"])
    assert result.violations == ()
    assert result.notes == (
        "GOS701 did not check domain reports (app/api/routes/reports.py): its routes' paths are "
        "not literals, so whether tests call them cannot be told",
    )


def test_url_path_for_a_route_name_counts_as_calling_it(project):
    project.write(
        "tests/integration/test_payments_routes.py",
        'def test_x(app, client):\n    client.post(app.url_path_for("create_payment"))\n',
    )
    assert project.found("GOS701") == []
