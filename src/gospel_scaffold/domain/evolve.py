"""``gospel add-field`` and ``gospel remove-field``: change a domain's fields, keeping your edits.

The domain's slice is rendered from the old spec (the base: what gospel wrote) and from the new
one (theirs); each generated file as it is now (ours) gets gospel's change merged in three ways
(``git merge-file``). Domains whose generated tests build rows of this one are updated the same
way. Relationships added to other models are edited structurally (libcst), and a new migration
that adds or drops the columns follows the current head: migrations are never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from gospel_scaffold import __version__
from gospel_scaffold.domain.apply import check_targets
from gospel_scaffold.domain.fields import Field, parse_fields
from gospel_scaffold.domain.formatting import Formatter
from gospel_scaffold.domain.generate import render_domain, views_of
from gospel_scaffold.domain.merge import merge_three
from gospel_scaffold.domain.migration import (
    MigrationFile,
    check_identifier_lengths,
    new_revision,
    render_columns_migration,
    single_head,
)
from gospel_scaffold.domain.naming import domain_names
from gospel_scaffold.domain.plan import ChecklistItem, FileChange, Plan, sha256_text
from gospel_scaffold.domain.pristine import base_text
from gospel_scaffold.domain.record import (
    DomainRecord,
    Edit,
    GeneratedFile,
    MigrationRecord,
    find_record,
    load_records,
    record_path,
)
from gospel_scaffold.domain.registry import (
    BackPopulates,
    add_back_populates,
    remove_back_populates,
)
from gospel_scaffold.domain.slice import (
    domain_files,
    other_edits,
    relationship_sides,
    with_edits,
    without_edits,
)
from gospel_scaffold.domain.spec import (
    DomainSpec,
    SpecResolver,
    required_fields,
    sample_dependents,
)
from gospel_scaffold.domain.target_project import GitStatus, Project, find_project
from gospel_scaffold.domain.usages import find_usages
from gospel_scaffold.errors import InvalidInputError, ProjectError, TargetExistsError

__all__ = ["FieldsRequest", "plan_fields"]


@dataclass(frozen=True)
class FieldsRequest:
    """What ``gospel add-field`` or ``gospel remove-field`` was asked to do.

    Attributes:
        domain: The domain, singular or plural.
        add: Field specs to add (``add-field``).
        remove: Field names to remove (``remove-field``).
        project: The project directory.
        force: Where your edits conflict with gospel's change, take gospel's version.
    """

    domain: str
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    project: Path = field(default_factory=Path.cwd)
    force: bool = False


def _new_specs(record: DomainRecord, request: FieldsRequest, plan: Plan) -> list[str]:
    current = {item.name: item for item in parse_fields(record.fields)}
    specs = list(record.fields)
    if request.add:
        for item in parse_fields(request.add):
            known = current.get(item.name)
            if known is not None:
                if known.spec == item.spec:
                    plan.notes.append(f"{record.plural} already has {item.spec}: nothing to add")
                    continue
                raise TargetExistsError(
                    f"Field {item.spec!r}: {record.plural} already has {known.spec!r}; remove it "
                    f"first with `gospel remove-field {record.plural} {item.name}`"
                )
            _refuse_without_value(record, item)
            specs.append(item.spec)
        parse_fields(specs)  # names and columns stay unique together
    for name in request.remove:
        if name not in current:
            plan.notes.append(
                f"{record.plural} has no field {name!r} (its fields: {', '.join(current)}): "
                "nothing to remove"
            )
            continue
        specs.remove(current[name].spec)
    if not specs:
        raise InvalidInputError(
            f"A domain keeps at least one field; to remove them all, remove the domain with "
            f"`gospel remove-domain {record.plural}`"
        )
    return specs


def _refuse_without_value(record: DomainRecord, item: Field) -> None:
    if item.nullable or item.has_default or item.type == "refs":
        return  # a refs list starts empty for the rows there are
    if item.type == "ref":
        raise InvalidInputError(
            f"Field {item.spec!r}: the rows {record.plural} already has would need a value for "
            f"it; add it as {item.spec}:null (a reference takes no default)"
        )
    raise InvalidInputError(
        f"Field {item.spec!r}: the rows {record.plural} already has would need a value for it; "
        f"add it as {item.spec}:null, or give existing rows a value with {item.spec}:default=..."
    )


@dataclass
class _Texts:
    """The planned text of each file touched, starting from the file as it is."""

    project: Project
    texts: dict[str, str] = field(default_factory=dict)
    steps: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> str:
        if path not in self.texts:
            current = self.project.read(path)
            if current is None:
                raise TargetExistsError(f"{path} is missing; gospel cannot edit it")
            self.texts[path] = current
        return self.texts[path]

    def set(self, path: str, text: str, step: str) -> None:
        self.texts[path] = text
        self.steps.setdefault(path, step)


@dataclass(frozen=True)
class _Slice:
    """One domain whose generated files follow the change: its record, old and new spec."""

    record: DomainRecord
    old: DomainSpec
    new: DomainSpec


def _merge_slices(
    project: Project,
    records: dict[str, DomainRecord],
    slices: list[_Slice],
    texts: _Texts,
    formatter: Formatter,
    force: bool,
    extra: dict[str, str],
) -> tuple[dict[str, dict[str, GeneratedFile]], list[str], list[str], dict[str, str]]:
    """Merge gospel's change of each slice into its files.

    Only the files the spec change affects are touched. Everything new is formatted in one
    ruff run together with ``extra`` (``{path: raw text}``, the migration).

    Returns:
        The new file hashes by domain, the conflicts, the texts gospel generated (to keep in
        git's object store) and ``extra`` formatted.
    """
    changed: list[tuple[_Slice, str, str, str, str]] = []  # slice, step, path, old raw, new raw
    for item in slices:
        old_render, new_render = render_domain(item.old), render_domain(item.new)
        for step, path in domain_files(item.old.names).items():
            if old_render[step] != new_render[step]:
                changed.append((item, step, path, old_render[step], new_render[step]))
    formatted = formatter.format_many({**{path: new for _, _, path, _, new in changed}, **extra})
    files = {item.record.plural: dict(item.record.files) for item in slices}
    conflicts: list[str] = []
    pristine: list[str] = []
    edited: list[tuple[_Slice, str, str, str, str, list[BackPopulates]]] = []
    for item, step, path, old_raw, _ in changed:
        new_text = formatted[path]
        files[item.record.plural][path] = GeneratedFile.of(new_text)
        pristine.append(new_text)
        current = project.read(path)
        if current is None:
            texts.set(path, new_text, step)
            continue
        others = other_edits(records, item.record.plural, path, current=current)
        ours = without_edits(current, path, others, project.line_length) if others else current
        recorded = item.record.files.get(path)
        if recorded is not None and recorded.matches(ours):
            # Untouched since gospel wrote it: gospel's new text is the result.
            texts.set(path, with_edits(new_text, path, others, project.line_length), step)
            continue
        edited.append((item, step, path, old_raw, ours, others))
    # Files you edited need the text gospel generated before, rendered again (one ruff run).
    old_texts = formatter.format_many({path: old_raw for _, _, path, old_raw, _, _ in edited})
    for item, step, path, _, ours, others in edited:
        old_text, new_text = old_texts[path], formatted[path]
        recorded = item.record.files.get(path)
        base = old_text if ours == old_text else None
        if base is None and recorded is not None:
            base = base_text(project.root, recorded, old_text)
        if base is None:
            if not force:
                conflicts.append(
                    f"{path} (you edited it and the text gospel generated for it is gone: "
                    "it was never committed)"
                )
                continue
            merged_text = new_text
        else:
            merged = merge_three(base, ours, new_text, path=path)
            merged_text = merged.text
            if merged.conflicts:
                if not force:
                    conflicts.append(f"{path} ({merged.conflicts} conflicting hunk(s))")
                    continue
                merged_text = new_text
        texts.set(path, with_edits(merged_text, path, others, project.line_length), step)
    return files, conflicts, pristine, {path: formatted[path] for path in extra}


def _edit_relationships(
    project: Project,
    record: DomainRecord,
    new_spec: DomainSpec,
    texts: _Texts,
) -> list[Edit]:
    """Add and remove the collections on other models; return the record's new edits."""
    old = [
        (edit.path, BackPopulates(**edit.detail))
        for edit in record.edits
        if edit.kind == "back_populates"
    ]
    new = relationship_sides(new_spec)
    for path, side in old:
        if (path, side) not in new:
            text = remove_back_populates(
                texts.get(path), side, path=path, line_length=project.line_length
            )
            texts.set(path, text, "relationships")
    for path, side in new:
        if (path, side) not in old:
            text = add_back_populates(
                texts.get(path), side, path=path, line_length=project.line_length
            )
            texts.set(path, text, "relationships")
    kept = [edit for edit in record.edits if edit.kind != "back_populates"]
    return kept + [Edit(path, "back_populates", side.detail()) for path, side in new]


def _removed_attributes(spec: DomainSpec, removed: set[str]) -> set[str]:
    """``Class.attribute`` names that go away with the fields ``removed`` of ``spec``."""
    own = spec.names.class_name
    names: set[str] = set()
    for view in views_of(spec):
        if view.name not in removed:
            continue
        names.add(f"{own}.{view.column}")
        if view.target is not None:
            names.add(f"{own}.{view.name}")
            holder = own if view.target.is_self else view.target.names.class_name
            names.add(f"{holder}.{view.target.back_populates}")
    return names


def _refuse_removing_what_is_used(
    project: Project, old_spec: DomainSpec, removed: set[str], texts: _Texts
) -> None:
    usages = find_usages(project.root, _removed_attributes(old_spec, removed), texts.texts)
    if usages:
        shown = ", ".join(str(usage) for usage in usages[:5])
        more = f" and {len(usages) - 5} more" if len(usages) > 5 else ""
        raise ProjectError(
            f"Your code still uses what the field brought: {shown}{more}; change that code "
            "first, then run the command again (nothing was written)"
        )


def plan_fields(request: FieldsRequest) -> Plan:
    """Plan ``gospel add-field`` / ``gospel remove-field``: validate everything, write nothing.

    Args:
        request: What to change.

    Returns:
        The plan (``plan.changed`` is false when the fields are already as asked).

    Raises:
        InvalidInputError: A field spec is invalid, or a new non-null field has no default.
        TargetExistsError: A field exists with another spec, or your edits conflict with
            gospel's change (nothing is written; ``force`` takes gospel's version).
        ProjectError: Not a gospel project, an unknown domain, or several migration heads.
    """
    operation = "add-field" if request.add else "remove-field"
    project = find_project(request.project)
    records = load_records(project.root)
    record = find_record(records, request.domain)
    names = domain_names(record.plural, singular=record.singular, plural=record.plural)
    plan = Plan(
        operation=operation, domain=record.plural, root=project.root, names=names.describe()
    )
    specs = _new_specs(record, request, plan)
    if specs == record.fields:
        plan.notes.append(f"The fields of {record.plural!r} are already as asked: nothing to do.")
        return plan
    new_record = replace(record, fields=specs, generator=__version__)
    new_records = {**records, record.plural: new_record}
    before, after = SpecResolver(project, records), SpecResolver(project, new_records)
    old_spec = before.spec_of(record)
    new_spec = after.spec(names, after.fields_of(new_record), record.owner, record=record)
    check_identifier_lengths(names, views_of(new_spec), record.owner)
    slices = [_Slice(new_record, old_spec, new_spec)]
    if required_fields(old_spec.fields) != required_fields(new_spec.fields):
        # The rows other domains' tests build of this one change shape: their tests follow.
        for name in sample_dependents(record.plural, before):
            other = records[name]
            slices.append(_Slice(other, before.spec_of(other), after.spec_of(other)))
    migration, migration_record = _migration(project, record, request, old_spec, new_spec, plan)
    with GitStatus.start(project.root) as status:
        texts = _Texts(project)
        files, conflicts, pristine, formatted = _merge_slices(
            project,
            records,
            slices,
            texts,
            Formatter.for_project(project.root),
            request.force,
            {migration.path: migration.text},
        )
        if conflicts:
            raise TargetExistsError(
                f"Your edits conflict with gospel's change in {'; '.join(conflicts)}; nothing "
                "was written: see the change with --dry-run --force and apply it by hand, or "
                "take gospel's version of those files with --force"
            )
        plan.pristine += pristine
        migration_text = formatted[migration.path]
        this = replace(new_record, files=files[record.plural])
        this.edits = _edit_relationships(project, record, new_spec, texts)
        if request.remove:
            _refuse_removing_what_is_used(project, old_spec, set(request.remove), texts)
        this.migrations = [
            *record.migrations,
            replace(migration_record, sha256=sha256_text(migration_text)),
        ]
        for path, text in texts.texts.items():
            current = project.read(path)
            if current != text:
                plan.changes.append(
                    FileChange(path, "update", texts.steps[path], f"Update {path}", current, text)
                )
        plan.changes.append(
            FileChange(
                migration.path,
                "create",
                "migration",
                f"Write the migration {migration.path} (no autogenerate needed)",
                None,
                migration_text,
            )
        )
        for item in slices:
            name = item.record.plural
            changed = this if name == record.plural else replace(item.record, files=files[name])
            path = record_path(name)
            plan.changes.append(
                FileChange(
                    path,
                    "update",
                    "record",
                    f"Record the new spec in {path}",
                    project.read(path),
                    changed.to_text(),
                )
            )
        note = status.note()
    if note is not None:
        plan.notes.append(note)
    check_targets(plan)
    plan.checklist = [
        ChecklistItem(change.step, change.summary)
        for change in plan.changes
        if change.step != "record"
    ]
    plan.checklist.append(ChecklistItem("upgrade", "Run `uv run alembic upgrade head`", done=False))
    plan.checklist.append(ChecklistItem("pytest", "Run `uv run pytest` to verify", done=False))
    return plan


def _migration(
    project: Project,
    record: DomainRecord,
    request: FieldsRequest,
    old_spec: DomainSpec,
    new_spec: DomainSpec,
    plan: Plan,
) -> tuple[MigrationFile, MigrationRecord]:
    """The migration adding or dropping the columns, as rendered (formatted by the caller)."""
    if request.add:
        present = {item.name for item in old_spec.fields}
        views = [view for view in views_of(new_spec) if view.name not in present]
    else:
        removed = set(request.remove)
        views = [view for view in views_of(old_spec) if view.name in removed]
    head = single_head(project.heads())
    columns = ",".join(view.column for view in views)
    revision, create_date = new_revision(plan.operation, f"{record.plural}:{columns}", head)
    migration = render_columns_migration(
        old_spec.names,
        views,
        revision=revision,
        down_revision=head,
        create_date=create_date,
        drop=not request.add,
    )
    return migration, MigrationRecord(
        operation="add-columns" if request.add else "drop-columns",
        path=migration.path,
        revision=revision,
        down_revision=head or "",
        create_date=create_date,
    )
