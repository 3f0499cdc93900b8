"""``gospel add-domain``: plan every file of a new domain, then apply the plan all or nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gospel_scaffold.domain.apply import check_targets
from gospel_scaffold.domain.fields import parse_fields
from gospel_scaffold.domain.formatting import Formatter
from gospel_scaffold.domain.generate import render_domain, views_of
from gospel_scaffold.domain.migration import (
    check_identifier_lengths,
    new_revision,
    render_migration,
    single_head,
)
from gospel_scaffold.domain.naming import DomainNames, domain_names
from gospel_scaffold.domain.plan import ChecklistItem, FileChange, Plan, sha256_text
from gospel_scaffold.domain.record import DomainRecord, Edit, load_records, record_path
from gospel_scaffold.domain.registry import (
    BackPopulates,
    add_back_populates,
    add_model_import,
    add_router,
)
from gospel_scaffold.domain.spec import USER_NAMES, DomainSpec, build_spec
from gospel_scaffold.domain.target_project import Project, find_project
from gospel_scaffold.errors import TargetExistsError

__all__ = ["AddRequest", "domain_files", "plan_add"]


@dataclass(frozen=True)
class AddRequest:
    """What ``gospel add-domain`` was asked to do.

    Attributes:
        name: The domain name as typed.
        specs: The field specs.
        project: The project directory.
        singular: ``--singular`` override.
        plural: ``--plural`` override.
        owner: False for ``--no-owner``.
        force: Overwrite generated files that exist and differ.
    """

    name: str
    specs: list[str]
    project: Path = field(default_factory=Path.cwd)
    singular: str | None = None
    plural: str | None = None
    owner: bool = True
    force: bool = False


def domain_files(names: DomainNames) -> dict[str, str]:
    """Return the generated files of a domain by step, paths relative to the project root."""
    return {
        "model": f"app/models/{names.module}.py",
        "schemas": f"app/schemas/{names.module}.py",
        "repository": f"app/repositories/{names.repository_module}.py",
        "service": f"app/services/{names.service_module}.py",
        "routes": f"app/api/routes/{names.module}.py",
        "unit_tests": f"tests/unit/test_{names.service_module}.py",
        "integration_tests": f"tests/integration/test_{names.module}_routes.py",
    }


_SUMMARIES = {
    "model": "Create {path} with table definition",
    "schemas": "Create {path} with Create/Update/Read schemas",
    "repository": "Create {path} with the queries (generic base)",
    "service": "Create {path} with CRUD class",
    "routes": "Create {path} with routes",
    "router": "Import and add router to {path}",
    "registry": "Add model import to {path}",
    "relationships": "Add the back-populated relationship to {path}",
    "migration": "Write the migration {path} (no autogenerate needed)",
    "unit_tests": "Create unit tests in {path}",
    "integration_tests": "Create integration tests in {path}",
    "record": "Record what was generated in {path}",
}


def _change(
    project: Project,
    path: str,
    step: str,
    after: str,
    *,
    force: bool,
    generated: bool,
    domain: str = "",
) -> FileChange:
    before = project.read(path)
    summary = _SUMMARIES[step].format(path=path)
    if before == after:
        return FileChange(path, "unchanged", step, summary, before, after)
    if before is None:
        return FileChange(path, "create", step, summary, before, after)
    if generated and not force:
        raise TargetExistsError(
            f"{path} exists and differs from what gospel would generate; remove the domain "
            f"first with `gospel remove-domain {domain}`, or overwrite your version with --force"
        )
    return FileChange(path, "update", step, summary, before, after)


def plan_add(request: AddRequest) -> Plan:
    """Validate everything, then plan every write and edit of ``gospel add-domain``.

    Nothing is written: apply the plan with :func:`~gospel_scaffold.domain.apply.apply_plan`.

    Args:
        request: What to add.

    Returns:
        The plan (``plan.changed`` is false when the domain is already there, identical).

    Raises:
        InvalidInputError: A name, field, type, modifier or reference is not valid.
        TargetExistsError: The domain exists, or a generated file exists and differs.
        ProjectError: The project is not a gospel project or a shared file cannot be edited.
    """
    project = find_project(request.project)
    if request.name in (USER_NAMES.singular, USER_NAMES.plural) and "users" in project.models:
        raise TargetExistsError(
            f"Domain {request.name!r} already exists (table 'users' in "
            f"{project.models['users'].path}); choose another name"
        )
    names = domain_names(request.name, singular=request.singular, plural=request.plural)
    fields = parse_fields(request.specs)
    records = load_records(project.root)
    record = records.get(names.plural)
    if record is not None:
        if record.fields != request.specs or record.owner != request.owner:
            raise TargetExistsError(
                f"Domain {names.plural!r} already exists with other fields "
                f"({' '.join(record.fields)}); remove it first with "
                f"`gospel remove-domain {names.plural}`"
            )
        names = domain_names(record.plural, singular=record.singular, plural=record.plural)
    else:
        _refuse_existing(project, names)
    spec = build_spec(names, fields, request.owner, project, records)
    views = views_of(spec)
    check_identifier_lengths(names, views, request.owner)
    formatter = Formatter.for_project(project.root)
    plan = Plan(
        operation="add-domain", domain=names.plural, root=project.root, names=names.describe()
    )
    new_record = DomainRecord(
        domain=names.plural,
        singular=names.singular,
        plural=names.plural,
        owner=request.owner,
        fields=list(request.specs),
    )
    files = domain_files(names)
    rendered = render_domain(spec)
    generated: list[FileChange] = []
    for step, path in files.items():
        text = formatter.format(rendered[step], path)
        new_record.files[path] = sha256_text(text)
        generated.append(
            _change(
                project,
                path,
                step,
                text,
                force=request.force,
                generated=True,
                domain=names.plural,
            )
        )
    edits = _plan_edits(project, spec, new_record)
    if record is not None and record.migration:
        revision, down = record.migration["revision"], record.migration.get("down_revision")
        create_date = record.migration["create_date"]
    else:
        down = single_head(project.heads())
        revision, create_date = new_revision("add-domain", names.plural, down)
    migration = render_migration(
        names,
        views,
        owner=request.owner,
        revision=revision,
        down_revision=down or None,
        create_date=create_date,
    )
    migration_text = formatter.format(migration.text, migration.path)
    new_record.files[migration.path] = sha256_text(migration_text)
    new_record.migration = {
        "path": migration.path,
        "revision": revision,
        "down_revision": down or "",
        "create_date": create_date,
    }
    migration_change = _change(
        project,
        migration.path,
        "migration",
        migration_text,
        force=request.force,
        generated=True,
        domain=names.plural,
    )
    by_step = {change.step: change for change in generated}
    plan.changes = [
        *(by_step[s] for s in ("model", "schemas", "repository", "service", "routes")),
        *edits,
        migration_change,
        by_step["unit_tests"],
        by_step["integration_tests"],
    ]
    plan.changes.append(
        _change(
            project,
            record_path(names.plural),
            "record",
            new_record.to_text(),
            force=True,
            generated=False,
        )
    )
    check_targets(plan)
    plan.checklist = _checklist(plan)
    if not plan.changed:
        plan.notes.append(
            f"Domain {names.plural!r} is already added and up to date: nothing to do."
        )
    return plan


def _refuse_existing(project: Project, names: DomainNames) -> None:
    existing = project.models.get(names.table)
    if existing is not None:
        raise TargetExistsError(
            f"Domain {names.plural!r} already exists (table {names.table!r} in {existing.path}); "
            "choose another name"
        )
    clash = next(
        (model for model in project.models.values() if model.class_name == names.class_name), None
    )
    if clash is not None:
        raise TargetExistsError(
            f"A model class {names.class_name!r} already exists in {clash.path}; choose another "
            "name or pass --singular"
        )
    for relative in (
        f"app/api/routes/{names.module}.py",
        f"app/schemas/{names.module}.py",
        f"app/models/{names.module}.py",
    ):
        if project.path(relative).exists():
            raise TargetExistsError(
                f"{relative} already exists, so {names.plural!r} would clash with it; "
                "choose another domain name"
            )


def _plan_edits(project: Project, spec: DomainSpec, record: DomainRecord) -> list[FileChange]:
    names = spec.names
    texts: dict[str, str] = {}
    steps: dict[str, str] = {}

    def edit(path: str, step: str, kind: str, detail: dict[str, str], apply: Any) -> None:
        current = texts.get(path)
        if current is None:
            current = project.read(path)
            if current is None:
                raise TargetExistsError(f"{path} is missing; gospel cannot register the domain")
        texts[path] = apply(current)
        steps.setdefault(path, step)
        record.edits.append(Edit(path, kind, detail))

    routes_path = "app/api/routes/__init__.py"
    edit(
        routes_path,
        "router",
        "router",
        {"module": names.module, "prefix": names.url_prefix, "tag": names.tag},
        lambda text: add_router(
            text,
            module=names.module,
            prefix=names.url_prefix,
            tag=names.tag,
            path=routes_path,
            line_length=project.line_length,
        ),
    )
    database_path = "app/db/database.py"
    edit(
        database_path,
        "registry",
        "model_registry",
        {"module": names.module, "class_name": names.class_name},
        lambda text: add_model_import(
            text, module=names.module, class_name=names.class_name, path=database_path
        ),
    )
    # (module of the other model, its class, the new model's attribute, collection, ambiguous)
    sides = [
        (
            target.model_module,
            target.names.class_name,
            name,
            target.back_populates,
            target.ambiguous,
        )
        for name, target in spec.refs.items()
    ]
    if spec.owner:
        sides.insert(0, ("user", "User", "owner", spec.owner_back_populates, spec.owner_ambiguous))
    for module, class_name, back, attribute, ambiguous in sides:
        column = "owner_id" if back == "owner" else f"{back}_id"
        side = BackPopulates(
            class_name=class_name,
            attribute=attribute,
            target_class=names.class_name,
            target_module=f"app.models.{names.module}",
            back_populates=back,
            foreign_keys=f"{names.class_name}.{column}" if ambiguous else "",
        )
        path = f"app/models/{module}.py"
        edit(
            path,
            "relationships",
            "back_populates",
            asdict(side),
            lambda text, side=side, path=path: add_back_populates(
                text, side, path=path, line_length=project.line_length
            ),
        )
    changes: list[FileChange] = []
    for path, text in texts.items():
        changes.append(_change(project, path, steps[path], text, force=True, generated=False))
    return changes


def _checklist(plan: Plan) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    for change in plan.changes:
        if change.step == "record":
            continue
        done_text = change.summary
        if change.action == "unchanged":
            done_text += " (already done)"
        items.append(ChecklistItem(change.step, done_text))
    items.append(ChecklistItem("upgrade", "Run `alembic upgrade head`", done=False))
    items.append(ChecklistItem("pytest", "Run `pytest` to verify", done=False))
    return items
