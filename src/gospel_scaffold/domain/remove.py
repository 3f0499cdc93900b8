"""``gospel remove-domain``: undo ``add-domain`` exactly, from its record."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from gospel_scaffold._git import try_git
from gospel_scaffold.domain.database import migration_applied
from gospel_scaffold.domain.fields import parse_fields
from gospel_scaffold.domain.formatting import Formatter
from gospel_scaffold.domain.generate import views_of
from gospel_scaffold.domain.migration import new_revision, render_migration, single_head
from gospel_scaffold.domain.naming import domain_names
from gospel_scaffold.domain.plan import Action, ChecklistItem, FileChange, Plan, sha256_text
from gospel_scaffold.domain.readme import README, remove_api_rows
from gospel_scaffold.domain.record import DomainRecord, find_record, load_records, record_path
from gospel_scaffold.domain.registry import (
    BackPopulates,
    remove_back_populates,
    remove_model_import,
    remove_router,
)
from gospel_scaffold.domain.slice import other_edits, without_edits
from gospel_scaffold.domain.spec import SpecResolver
from gospel_scaffold.domain.target_project import Project, find_project, uncommitted_note
from gospel_scaffold.errors import ProjectError, TargetExistsError

__all__ = ["RemoveRequest", "plan_remove"]


@dataclass(frozen=True)
class RemoveRequest:
    """What ``gospel remove-domain`` was asked to do.

    Attributes:
        name: The domain, singular or plural.
        project: The project directory.
        force: Also delete generated files the user has modified.
    """

    name: str
    project: Path = field(default_factory=Path.cwd)
    force: bool = False


def _referenced_by(record: DomainRecord, records: dict[str, DomainRecord]) -> list[str]:
    """The fields of other domains that reference ``record`` (``invoices.customer``)."""
    users: list[str] = []
    for other in records.values():
        if other.plural == record.plural:
            continue
        for item in parse_fields(other.fields):
            if item.type in ("ref", "refs") and item.ref in (record.plural, record.singular):
                users.append(f"{other.plural} {item.name}")
    return users


def plan_remove(request: RemoveRequest) -> Plan:
    """Plan the exact undo of ``gospel add-domain``.

    Generated files are deleted; if the user modified any, the whole removal is refused unless
    ``force``. Both registrations and the back-populated relationships are reversed. The
    migration is deleted when it was never applied and nothing follows it; otherwise a drop
    migration is written.

    Args:
        request: What to remove.

    Returns:
        The plan.

    Raises:
        InvalidInputError: No such generated domain.
        TargetExistsError: A generated file was modified and ``force`` is false.
        ProjectError: Another domain still references it, or the migrations have several heads.
    """
    project = find_project(request.project)
    records = load_records(project.root)
    record = find_record(records, request.name)
    users = _referenced_by(record, records)
    if users:
        fields = ", ".join(user.replace(" ", ".") for user in users)
        commands = "; ".join(f"`gospel remove-field {user}`" for user in users)
        raise ProjectError(
            f"Domain {record.plural!r} is still referenced by {fields}; remove those fields "
            f"first ({commands}) or the domains that hold them"
        )
    names = domain_names(record.plural, singular=record.singular, plural=record.plural)
    plan = Plan(
        operation="remove-domain", domain=record.plural, root=project.root, names=names.describe()
    )
    modified: list[str] = []
    for path, generated in record.files.items():
        current = project.read(path)
        if current is None:
            plan.notes.append(f"{path} was already deleted")
            continue
        others = other_edits(records, record.plural, path, current=current)
        own = without_edits(current, path, others, project.line_length) if others else current
        if not generated.matches(own) and not request.force:
            modified.append(path)
            continue
        plan.changes.append(FileChange(path, "delete", "file", f"Delete {path}", current, None))
    if modified:
        raise TargetExistsError(
            f"You modified {', '.join(modified)}; nothing was removed: keep your changes by "
            f"leaving {record.plural!r} in place, or delete everything with "
            f"`gospel remove-domain {record.plural} --force`"
        )
    plan.changes.extend(_reverse_edits(project, record))
    plan.changes.extend(_migration_changes(project, record, records, plan, request.force))
    record_file = record_path(record.plural)
    current_record = project.read(record_file)
    if current_record is not None:
        plan.changes.append(
            FileChange(
                record_file, "delete", "record", f"Delete {record_file}", current_record, None
            )
        )
    note = uncommitted_note(project.root)
    if note is not None:
        plan.notes.append(note)
    plan.checklist = [
        ChecklistItem(change.step, change.summary, done=change.action != "keep")
        for change in plan.changes
    ]
    plan.checklist.append(ChecklistItem("upgrade", "Run `uv run alembic upgrade head`", done=False))
    plan.checklist.append(ChecklistItem("pytest", "Run `uv run pytest` to verify", done=False))
    return plan


def _reverse_edits(project: Project, record: DomainRecord) -> list[FileChange]:
    texts: dict[str, str] = {}
    originals: dict[str, str] = {}
    for edit in reversed(record.edits):
        current = texts.get(edit.path)
        if current is None:
            current = project.read(edit.path)
            if current is None:
                continue
            originals[edit.path] = current
        detail = edit.detail
        if edit.kind == "router":
            current = remove_router(
                current, module=detail["module"], path=edit.path, line_length=project.line_length
            )
        elif edit.kind == "model_registry":
            current = remove_model_import(
                current,
                module=detail["module"],
                class_name=detail["class_name"],
                path=edit.path,
                line_length=project.line_length,
            )
        elif edit.kind == "api_table":
            current = remove_api_rows(current, detail["prefix"])
        elif edit.kind == "back_populates":
            current = remove_back_populates(
                current, BackPopulates(**detail), path=edit.path, line_length=project.line_length
            )
        texts[edit.path] = current
    steps = {
        "app/api/routes/__init__.py": "router",
        "app/db/database.py": "registry",
        README: "readme",
    }
    changes: list[FileChange] = []
    for path, text in texts.items():
        step = steps.get(path, "relationships")
        before = originals[path]
        action: Action = "unchanged" if text == before else "update"
        summary = {
            "router": f"Remove the router from {path}",
            "registry": f"Remove the model import from {path}",
            "readme": f"Remove the domain's endpoints from the API table of {path}",
        }.get(step, f"Remove the back-populated relationship from {path}")
        changes.append(FileChange(path, action, step, summary, before, text))
    return changes


def _committed(project: Project, path: str) -> bool | None:
    """Whether git knows ``path`` (staged, or in any commit); ``None`` outside a repository."""
    if shutil.which("git") is None:
        return None
    tracked = try_git(project.root, "ls-files", "--", path)
    if tracked is None:
        return None
    history = try_git(project.root, "log", "--all", "-1", "--format=%H", "--", path)
    return bool(tracked.strip() or (history or "").strip())


def _migration_changes(
    project: Project,
    record: DomainRecord,
    records: dict[str, DomainRecord],
    plan: Plan,
    force: bool,
) -> list[FileChange]:
    if not record.migrations:
        plan.notes.append("The record names no migration: none was removed or written")
        return []
    first = record.migrations[0]
    current = project.read(first.path)
    if current is None and len(record.migrations) == 1:
        plan.notes.append(f"{first.path} was already deleted")
        return []
    why = ""
    if len(record.migrations) > 1:
        why = "fields were added or removed since, in later migrations"
    else:
        followed = [r.revision for r in project.revisions() if first.revision in r.down_revisions]
        committed = _committed(project, first.path)
        applied = migration_applied(project, first.revision)
        pristine = force or (current is not None and sha256_text(current) == first.sha256)
        if committed:
            # Others may have pulled and applied it: deleting it would strand their databases.
            why = "it is committed in git, so other databases may have applied it"
        elif applied.applied:
            why = f"it was applied ({applied.reason})"
        elif applied.applied is None:
            why = f"gospel cannot tell whether it was applied ({applied.reason}), so it plays safe"
        elif followed:
            why = f"later migrations follow it ({', '.join(followed)})"
        elif not pristine:
            why = "you modified it"
        else:
            plan.notes.append(f"Deleted the migration: it was never applied ({applied.reason})")
            assert current is not None
            return [
                FileChange(first.path, "delete", "migration", f"Delete {first.path}", current, None)
            ]
    names = domain_names(record.plural, singular=record.singular, plural=record.plural)
    spec = SpecResolver(project, records).spec_of(record)
    views = views_of(spec)
    head = single_head(project.heads())
    new_id, create_date = new_revision("remove-domain", record.plural, head)
    drop = render_migration(
        names,
        views,
        owner=record.owner,
        revision=new_id,
        down_revision=head,
        create_date=create_date,
        drop=True,
    )
    text = Formatter.for_project(project.root).format(drop.text, drop.path)
    plan.notes.append(f"Wrote a drop migration instead of deleting {first.path}: {why}")
    return [
        FileChange(
            drop.path, "create", "migration", f"Write the drop migration {drop.path}", None, text
        )
    ]
