"""``gospel add-domain``: plan every file of a new domain, then apply the plan all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gospel_scaffold import __version__
from gospel_scaffold.domain.apply import check_targets
from gospel_scaffold.domain.fields import parse_fields
from gospel_scaffold.domain.formatting import Formatter
from gospel_scaffold.domain.generate import render_domain, views_of
from gospel_scaffold.domain.migration import (
    MigrationFile,
    check_identifier_lengths,
    new_revision,
    render_migration,
    single_head,
)
from gospel_scaffold.domain.naming import DomainNames, domain_names
from gospel_scaffold.domain.plan import ChecklistItem, FileChange, Plan, sha256_text
from gospel_scaffold.domain.record import (
    DomainRecord,
    GeneratedFile,
    MigrationRecord,
    load_records,
    record_path,
)
from gospel_scaffold.domain.registry import BackPopulates
from gospel_scaffold.domain.slice import (
    domain_files,
    other_edits,
    shared_edits,
    with_edits,
    without_edits,
)
from gospel_scaffold.domain.spec import USER_NAMES, DomainSpec, SpecResolver
from gospel_scaffold.domain.target_project import GitStatus, Project, find_project
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


_SUMMARIES = {
    "model": "Create {path} with table definition",
    "schemas": "Create {path} with Create/Update/Read schemas",
    "repository": "Create {path} with the queries (generic base)",
    "service": "Create {path} with CRUD class",
    "routes": "Create {path} with routes",
    "router": "Import and add router to {path}",
    "registry": "Add model import to {path}",
    "relationships": "Add the back-populated relationship to {path}",
    "readme": "Add the domain's endpoints to the API table of {path}",
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
    others: list[BackPopulates] | None = None,
) -> FileChange:
    before = project.read(path)
    summary = _SUMMARIES[step].format(path=path)
    # Lines other domains added to this file (relationships) are theirs: compare without them
    # and put them back in whatever is written.
    others = others or []
    own = before
    if before is not None and others:
        own = without_edits(before, path, others, project.line_length)
    if own == after:
        return FileChange(path, "unchanged", step, summary, before, before)
    after = with_edits(after, path, others, project.line_length)
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
        _refuse_other_spec(record, request)
        names = domain_names(record.plural, singular=record.singular, plural=record.plural)
    resolver = SpecResolver(project, records)
    if record is None:
        _refuse_existing(project, names, resolver.association_tables())
    spec = resolver.spec(names, fields, request.owner, record=record)
    views = views_of(spec)
    check_identifier_lengths(names, views, request.owner)
    plan = Plan(
        operation="add-domain", domain=names.plural, root=project.root, names=names.describe()
    )
    new_record = DomainRecord(
        domain=names.plural,
        singular=names.singular,
        plural=names.plural,
        owner=request.owner,
        fields=list(request.specs),
        generator=__version__,
    )
    paths = domain_files(names)
    rendered = render_domain(spec)
    raw = {path: rendered[step] for step, path in paths.items()}
    migration: MigrationFile | None = None
    if record is None or not record.migrations:
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
        raw[migration.path] = migration.text
    with GitStatus.start(project.root) as status:
        # Everything gospel writes goes through one ruff run.
        formatted = Formatter.for_project(project.root).format_many(raw)
        generated: list[FileChange] = []
        for step, path in paths.items():
            text = formatted[path]
            new_record.files[path] = GeneratedFile.of(text)
            plan.pristine.append(text)
            current = project.read(path)
            generated.append(
                _change(
                    project,
                    path,
                    step,
                    text,
                    force=request.force,
                    generated=True,
                    domain=names.plural,
                    others=other_edits(records, names.plural, path, current=current),
                )
            )
        edits = _plan_edits(project, spec, new_record)
        if migration is None:
            assert record is not None
            # Migrations are never written again: the recorded ones stand as they are.
            new_record.migrations = list(record.migrations)
            first = record.migrations[0]
            current = project.read(first.path)
            if current is None:
                plan.notes.append(f"{first.path} is missing: it was not written again")
            migration_change = FileChange(
                first.path,
                "unchanged",
                "migration",
                _SUMMARIES["migration"].format(path=first.path),
                current,
                current,
            )
        else:
            migration_text = formatted[migration.path]
            new_record.migrations = [
                MigrationRecord(
                    operation="create-table",
                    path=migration.path,
                    revision=migration.revision,
                    down_revision=migration.down_revision or "",
                    create_date=migration.create_date,
                    sha256=sha256_text(migration_text),
                )
            ]
            migration_change = _change(
                project,
                migration.path,
                "migration",
                migration_text,
                force=request.force,
                generated=True,
                domain=names.plural,
            )
        if record is not None and all(change.action == "unchanged" for change in generated):
            new_record.generator = record.generator
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
        note = status.note()
    if note is not None:
        plan.notes.append(note)
    check_targets(plan)
    plan.checklist = _checklist(plan)
    if not plan.changed:
        plan.notes.append(
            f"Domain {names.plural!r} is already added and up to date: nothing to do."
        )
    return plan


def _refuse_other_spec(record: DomainRecord, request: AddRequest) -> None:
    if record.owner != request.owner:
        kind = "owned (rows belong to users)" if record.owner else "shared (--no-owner)"
        asked = "--owner" if request.owner else "--no-owner"
        raise TargetExistsError(
            f"Domain {record.plural!r} already exists as a {kind} domain, not {asked}; "
            f"remove it first with `gospel remove-domain {record.plural}` to change that"
        )
    if record.fields != request.specs:
        raise TargetExistsError(
            f"Domain {record.plural!r} already exists with other fields "
            f"({' '.join(record.fields)}); change them with `gospel add-field` and "
            f"`gospel remove-field`, or remove the domain first with "
            f"`gospel remove-domain {record.plural}`"
        )


def _refuse_existing(project: Project, names: DomainNames, associations: dict[str, str]) -> None:
    existing = project.models.get(names.table)
    if existing is not None:
        raise TargetExistsError(
            f"Domain {names.plural!r} already exists (table {names.table!r} in {existing.path}); "
            "choose another name"
        )
    if names.table in associations:
        raise TargetExistsError(
            f"Table {names.table!r} already links the rows of {associations[names.table]}; "
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
    texts: dict[str, str] = {}
    steps: dict[str, str] = {}
    for shared in shared_edits(project, spec):
        path = shared.edit.path
        current = texts.get(path)
        if current is None:
            current = project.read(path)
            if current is None:
                raise TargetExistsError(f"{path} is missing; gospel cannot register the domain")
        texts[path] = shared.apply(current)
        steps.setdefault(path, shared.step)
        record.edits.append(shared.edit)
    return [
        _change(project, path, steps[path], text, force=True, generated=False)
        for path, text in texts.items()
    ]


def _checklist(plan: Plan) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    for change in plan.changes:
        if change.step == "record":
            continue
        done_text = change.summary
        if change.action == "unchanged":
            done_text += " (already done)"
        items.append(ChecklistItem(change.step, done_text))
    items.append(ChecklistItem("upgrade", "Run `uv run alembic upgrade head`", done=False))
    items.append(ChecklistItem("pytest", "Run `uv run pytest` to verify", done=False))
    return items
