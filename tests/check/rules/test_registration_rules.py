"""GOS201-GOS203: the model registry and the router switchboard."""

from __future__ import annotations


def test_clean_project_breaks_no_registration_rule(project):
    assert project.found("GOS2") == []


def test_model_missing_from_the_registry_is_reported(project):
    project.replace(
        "app/db/database.py", "from app.models import payments  # noqa: E402, F401\n", ""
    )
    line = project.line_of("app/models/payments.py", "class Payment")
    result = project.check(select=["GOS201"])
    assert [(v.path, v.line, v.code) for v in result.violations] == [
        ("app/models/payments.py", line, "GOS201")
    ]
    assert "`from app.models import payments  # noqa: E402, F401`" in result.violations[0].fix


def test_older_from_import_registry_lines_still_register_their_models(project):
    project.replace(
        "app/db/database.py",
        "from app.models import payments  # noqa: E402, F401\n",
        "from app.models.payments import Payment  # noqa: E402, F401\n",
    )
    assert project.found("GOS201") == []


def test_models_imported_through_the_models_package_count_as_registered(project):
    project.replace(
        "app/db/database.py",
        "from app.models import user  # noqa: E402, F401\n"
        "from app.models import payments  # noqa: E402, F401\n",
        "import app.models  # noqa: E402, F401\n",
    )
    project.write(
        "app/models/__init__.py",
        "from app.models.payments import Payment\nfrom app.models.user import User\n",
    )
    assert project.found("GOS201") == []


def test_mixins_and_abstract_classes_need_no_registration(project):
    project.write(
        "app/models/mixins.py",
        """
        class AuditMixin:
            pass


        class AbstractThing(Base):
            __abstract__ = True
            __tablename__ = "never"
        """,
    )
    assert project.found("GOS201") == []


def test_without_a_registry_that_imports_models_the_rule_is_skipped_not_guessed(project):
    project.remove("app/db/database.py")
    result = project.check(select=["GOS201"])
    assert result.violations == ()
    (skipped,) = result.skipped
    assert skipped.code == "GOS201"
    assert "app/models/__init__.py imports no model module" in skipped.reason
    assert "model-registry" in skipped.reason
    project.remove("app/models/__init__.py")
    (skipped,) = project.check(select=["GOS201"]).skipped
    assert skipped.reason.startswith("no model registry found")


def test_alembic_env_py_is_the_registry_and_is_followed_through_imports(project):
    project.write(
        "migrations/env.py", "from app.db.database import Base\n\ntarget = Base.metadata\n"
    )
    project.replace(
        "app/db/database.py", "from app.models import payments  # noqa: E402, F401\n", ""
    )
    result = project.check(select=["GOS201"])
    assert [(v.path, v.code) for v in result.violations] == [("app/models/payments.py", "GOS201")]
    assert "running migrations/env.py never imports app.models.payments" in (
        result.violations[0].message
    )
    assert "to app/db/database.py" in result.violations[0].fix


def test_router_not_included_is_reported(project):
    project.write(
        "app/api/routes/refunds.py",
        """
        from fastapi import APIRouter

        router = APIRouter()
        """,
    )
    assert project.found("GOS202") == [("app/api/routes/refunds.py", 3, "GOS202")]


def test_router_included_under_an_alias_counts_as_included(project):
    project.write(
        "app/api/routes/refunds.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
    )
    project.append(
        "app/api/routes/__init__.py",
        "from app.api.routes.refunds import router as refunds_router\n"
        'api_router.include_router(refunds_router, prefix="/refunds")\n',
    )
    assert project.found("GOS202") == []


def test_route_module_without_a_router_is_not_a_router(project):
    project.write("app/api/routes/helpers.py", "def page_size() -> int:\n    return 20\n")
    assert project.found("GOS202") == []


def test_router_included_twice_is_reported_on_the_second_inclusion(project):
    project.append(
        "app/api/routes/__init__.py",
        'api_router.include_router(payments.router, prefix="/payments-again")\n',
    )
    assert project.found("GOS203") == [
        project.violation("GOS203", "app/api/routes/__init__.py", "payments-again")
    ]


def test_relative_import_in_the_switchboard_is_understood(project):
    project.write(
        "app/api/routes/refunds.py", "from fastapi import APIRouter\n\nrouter = APIRouter()\n"
    )
    project.append(
        "app/api/routes/__init__.py",
        'from . import refunds\n\napi_router.include_router(refunds.router, prefix="/refunds")\n',
    )
    assert project.found("GOS202") == []
