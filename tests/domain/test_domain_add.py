from __future__ import annotations

import json
from pathlib import Path

import pytest
from domain_support import CUSTOMERS, PAYMENTS, TENANT_MODEL, add_tenants_by_hand, snapshot
from domain_support import add_domain as add

from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.record import load_record
from gospel_scaffold.errors import (
    GospelError,
    InvalidInputError,
    MigrationError,
    NotAProjectError,
    TargetExistsError,
)


def test_the_plan_covers_the_gospel_checklist_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)

    plan = plan_add(AddRequest("customers", CUSTOMERS, project))

    assert snapshot(project) == before
    assert [(change.action, change.path) for change in plan.changes] == [
        ("create", "app/models/customers.py"),
        ("create", "app/schemas/customers.py"),
        ("create", "app/repositories/customers_repository.py"),
        ("create", "app/services/customers_service.py"),
        ("create", "app/api/routes/customers.py"),
        ("update", "app/api/routes/__init__.py"),
        ("update", "app/db/database.py"),
        ("update", "app/models/user.py"),
        ("update", "README.md"),
        ("create", plan.changes[9].path),
        ("create", "tests/unit/test_customers_service.py"),
        ("create", "tests/integration/test_customers_routes.py"),
        ("create", ".gospel/domains/customers.json"),
    ]
    assert plan.changes[9].path.startswith("migrations/versions/")
    assert plan.changes[9].path.endswith("_create_customers_table.py")
    texts = [item.text for item in plan.checklist]
    assert texts[0] == "Create app/models/customers.py with table definition"
    assert "Import and add router to app/api/routes/__init__.py" in texts
    assert "Add model import to app/db/database.py" in texts
    assert [item.done for item in plan.checklist][-2:] == [False, False]


def test_apply_writes_the_slice_and_records_it(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    add(project, "payment", PAYMENTS)

    model = (project / "app/models/payments.py").read_text()
    assert "class Payment(TimestampMixin, Base):" in model
    assert '__tablename__ = "payments"' in model
    assert "from app.models.customers import Customer" in model.split("if TYPE_CHECKING:")[1]
    assert "import app.models" not in model.split("if TYPE_CHECKING:")[0]
    customers = (project / "app/models/customers.py").read_text()
    assert 'payments: Mapped[list["Payment"]] = relationship(' in customers
    record = load_record(project, "payments")
    assert record is not None
    assert record.fields == PAYMENTS
    assert "app/models/payments.py" in record.files
    assert [m.operation for m in record.migrations] == ["create-table"]
    assert (project / record.migration["path"]).is_file()
    assert {edit.kind for edit in record.edits} == {
        "router",
        "model_registry",
        "back_populates",
        "api_table",
    }
    customers_revision = load_record(project, "customers")
    assert customers_revision is not None
    assert record.migration["down_revision"] == customers_revision.migration["revision"]


def test_running_the_same_command_twice_changes_nothing(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    before = snapshot(project)

    plan = plan_add(AddRequest("customer", CUSTOMERS, project))

    assert not plan.changed
    assert {change.action for change in plan.changes} == {"unchanged"}
    assert "already added and up to date" in plan.notes[0]
    apply_plan(plan)
    assert snapshot(project) == before
    routes = (project / "app/api/routes/__init__.py").read_text()
    assert routes.count("customers.router") == 1


@pytest.mark.parametrize(
    ("name", "specs", "error", "message"),
    [
        ("values", ["total:int"], InvalidInputError, "would name the table, and it is an SQL"),
        ("Payments", ["total:int"], InvalidInputError, "lower-case snake_case"),
        ("payments", ["order:int"], InvalidInputError, "'order' is an SQL reserved word"),
        ("payments", ["total:money"], InvalidInputError, "unknown type 'money'"),
        ("payments", ["total:int:nullable"], InvalidInputError, "unknown modifier 'nullable'"),
        ("payments", ["id:int"], InvalidInputError, "generated for every domain"),
        ("payments", ["model_x:int"], InvalidInputError, "reserved by SQLAlchemy or Pydantic"),
        ("users", ["nickname:str"], TargetExistsError, "already exists (table 'users'"),
        ("payments", ["customer:ref:customers"], InvalidInputError, "'customers' does not exist"),
        ("payments", ["x:ref:nope"], InvalidInputError, "domain 'nope' does not exist"),
        ("bus", ["x:int"], InvalidInputError, "--singular bus --plural buses"),
        ("payments", [], InvalidInputError, "at least one field"),
        ("categories", ["parent:ref:categories"], InvalidInputError, "must be nullable"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    project: Path, name: str, specs: list[str], error: type[GospelError], message: str
) -> None:
    before = snapshot(project)

    with pytest.raises(error) as raised:
        plan_add(AddRequest(name, specs, project))

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert snapshot(project) == before


def test_a_reference_to_a_registered_hand_written_model_is_generated(project: Path) -> None:
    add_tenants_by_hand(project)

    plan = plan_add(
        AddRequest("projects", ["tenant:ref:tenants", "partners:refs:tenants"], project)
    )

    files = {change.path: change.after or "" for change in plan.changes}
    assert (
        "from app.repositories.tenant_repository import TenantRepository"
        in files["app/services/projects_service.py"]
    )
    assert 'projects_as_tenant: Mapped[list["Project"]]' in files["app/models/tenant.py"]
    assert 'secondary="projects_partners"' in files["app/models/tenant.py"]
    factory = files["tests/integration/test_projects_routes.py"]
    assert "plan=next(iter(Plan))" in factory
    assert "owner_id=user.id" in factory
    assert "session.add(tenant_1)" in factory


@pytest.mark.parametrize(
    ("change", "specs", "message"),
    [
        (
            "unregistered",
            ["tenant:ref:tenants"],
            "is not in the model registry; add tenant to `from app.models import ...` at the "
            "bottom of app/db/database.py",
        ),
        ("uuid key", ["tenant:ref:tenants"], "has no integer primary key `id` alone"),
        ("no repository", ["tenant:ref:tenants"], "app/repositories has none; add one"),
        ("foreign key", ["partners:refs:tenants"], "region_id (a foreign key to regions)"),
        ("unknown type", ["partners:refs:tenants"], "shape (type Polygon)"),
    ],
)
def test_a_hand_written_model_gospel_cannot_serve_is_refused_with_the_reason(
    project: Path, change: str, specs: list[str], message: str
) -> None:
    model = TENANT_MODEL
    if change == "uuid key":
        model = model.replace(
            "id: Mapped[int] = mapped_column(primary_key=True)",
            "id: Mapped[UUID] = mapped_column(primary_key=True)",
        )
    elif change == "foreign key":
        model = model.replace(
            "    note:",
            '    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))\n    note:',
        )
    elif change == "unknown type":
        model = model.replace("    note:", "    shape: Mapped[Polygon]\n    note:")
    add_tenants_by_hand(project, model=model)
    if change == "unregistered":
        database = project / "app/db/database.py"
        database.write_text(database.read_text().replace("import tenant, user", "import user"))
    if change == "no repository":
        (project / "app/repositories/tenant_repository.py").unlink()
    before = snapshot(project)

    with pytest.raises(InvalidInputError) as raised:
        plan_add(AddRequest("projects", ["title:str", *specs], project))

    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert snapshot(project) == before


def test_several_migration_heads_are_refused(project: Path) -> None:
    (project / "migrations/versions/aaaa_branch.py").write_text(
        'revision = "aaaa"\ndown_revision = "3f9c2a7d5b10"\n'
    )
    (project / "migrations/versions/bbbb_branch.py").write_text(
        'revision = "bbbb"\ndown_revision = "3f9c2a7d5b10"\n'
    )
    before = snapshot(project)

    with pytest.raises(MigrationError, match=r"several heads \(aaaa, bbbb\).*alembic merge heads"):
        plan_add(AddRequest("customers", CUSTOMERS, project))
    assert snapshot(project) == before


def test_a_modified_generated_file_stops_the_run_unless_force(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    service = project / "app/services/customers_service.py"
    service.write_text(service.read_text() + "\n# my change\n")

    with pytest.raises(
        TargetExistsError,
        match=r"customers_service.py exists and differs.*`gospel remove-domain customers`.*"
        r"--force",
    ):
        plan_add(AddRequest("customers", CUSTOMERS, project))

    plan = plan_add(AddRequest("customers", CUSTOMERS, project, force=True))
    assert [change.path for change in plan.changes if change.changes_disk] == [
        "app/services/customers_service.py"
    ]
    apply_plan(plan)
    assert "# my change" not in service.read_text()


def test_other_fields_for_an_existing_domain_are_refused(project: Path) -> None:
    add(project, "customers", CUSTOMERS)

    with pytest.raises(TargetExistsError, match=r"already exists with other fields.*remove-domain"):
        plan_add(AddRequest("customers", ["name:str:50"], project))


def test_a_directory_that_is_not_a_gospel_project_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAProjectError, match="is not a gospel project"):
        plan_add(AddRequest("customers", CUSTOMERS, tmp_path))


def test_dry_run_diff_shows_new_files_and_edits(project: Path) -> None:
    diff = plan_add(AddRequest("customers", CUSTOMERS, project)).diff()

    assert "--- /dev/null\n+++ b/app/models/customers.py\n" in diff
    assert "--- a/app/api/routes/__init__.py\n+++ b/app/api/routes/__init__.py\n" in diff
    assert (
        "-from app.api.routes import auth, users\n"
        "+from app.api.routes import auth, customers, users\n" in diff
    )
    assert (
        "-from app.models import user  # noqa: E402, F401\n"
        "+from app.models import customers, user  # noqa: E402, F401\n" in diff
    )


def test_the_json_plan_has_the_documented_shape(project: Path) -> None:
    data = plan_add(AddRequest("customers", CUSTOMERS, project)).to_json(applied=False)

    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "schema_version",
        "operation",
        "domain",
        "project",
        "applied",
        "changed",
        "changes",
        "checklist",
        "notes",
    }
    assert (data["schema_version"], data["operation"], data["domain"]) == (
        1,
        "add-domain",
        "customers",
    )
    assert set(data["changes"][0]) == {"path", "action", "step", "summary", "sha256"}
    assert set(data["checklist"][0]) == {"step", "text", "done"}


def test_no_owner_makes_a_shared_resource_without_owner_id(project: Path) -> None:
    add(project, "tags", ["label:str:50:unique"], owner=False)

    model = (project / "app/models/tags.py").read_text()
    assert "owner_id" not in model
    assert "relationship" not in model
    assert "tags" not in (project / "app/models/user.py").read_text()
    service = (project / "app/services/tags_service.py").read_text()
    assert 'ForbiddenError("Only superusers can change tags")' in service


def test_unique_fields_of_owned_domains_are_unique_per_owner(project: Path) -> None:
    add(project, "customers", CUSTOMERS)
    add(project, "tags", ["label:str:50:unique:index"], owner=False)

    model = (project / "app/models/customers.py").read_text()
    assert 'UniqueConstraint("owner_id", "email", name="uq_customers_owner_id_email")' in model
    assert "unique=True" not in model
    migration = next((project / "migrations/versions").glob("*_create_customers_table.py"))
    assert 'sa.UniqueConstraint("owner_id", "email", name=op.f("uq_customers_owner_id_email"))' in (
        migration.read_text()
    )
    service = (project / "app/services/customers_service.py").read_text()
    assert "owner_id=owner_id, **{name: values[name]}" in service
    # Shared rows stay unique across everyone.
    shared = (project / "app/models/tags.py").read_text()
    assert "unique=True" in shared
    assert "UniqueConstraint" not in shared


def test_the_migration_revision_is_the_same_in_the_dry_run_and_the_real_run(
    project: Path,
) -> None:
    planned = plan_add(AddRequest("customers", CUSTOMERS, project))
    again = plan_add(AddRequest("customers", CUSTOMERS, project))
    [dry] = [c.path for c in planned.changes if c.step == "migration"]

    apply_plan(again)

    assert [c.path for c in again.changes if c.step == "migration"] == [dry]
    assert (project / dry).is_file()
    assert dry.startswith("migrations/versions/") and dry.endswith("_create_customers_table.py")


def test_generated_docstrings_choose_a_or_an(project: Path) -> None:
    add(project, "invoices", ["total:int"])
    add(project, "payments", ["total:int"])

    invoices = (project / "app/api/routes/invoices.py").read_text()
    assert '"""Create an invoice owned by the current user."""' in invoices
    assert '"""Delete an invoice."""' in invoices
    assert (
        '"""An invoice as the API shows it."""' in (project / "app/schemas/invoices.py").read_text()
    )
    assert '"""Delete a payment."""' in (project / "app/api/routes/payments.py").read_text()


def test_a_reference_by_singular_finds_a_domain_added_with_overrides(project: Path) -> None:
    apply_plan(plan_add(AddRequest("bus", ["plate:str:10"], project, plural="buses")))

    with pytest.raises(InvalidInputError, match="referenced domain 'campus' does not exist"):
        plan_add(AddRequest("trips", ["campus:ref:campus"], project))
    plan = plan_add(AddRequest("trips", ["bus:ref:bus"], project))

    model = next(change.after for change in plan.changes if change.step == "model")
    assert model is not None
    assert 'ForeignKey("buses.id"' in model
