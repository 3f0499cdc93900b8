"""Bring every generated domain slice to the installed gospel: the domain half of ``gospel update``.

For each generated file of each domain:

- **theirs**: the recorded spec rendered by the installed gospel (formatted as ever);
- **base**: the text gospel wrote, at the version the record names (:mod:`.pristine`: rendered
  again when it matches, else read from git by blob id, else from the file's history);
- **ours**: the file as it is now.

A file gospel renders as before is left alone; an untouched file becomes the new version; an
edited one gets gospel's change merged in (``git merge-file``). The lines other domains added
to a file (the collections of their relationships) are put into base and theirs structurally,
so they are never a difference. Conflicts are left the way copier leaves them: inline markers
labelled ``before updating`` / ``after updating`` with the three versions in git's index (so
``git checkout --ours`` and ``git mergetool`` work), or the file as it was plus a ``.rej`` file
of the hunks that did not apply. Without a base, every difference is a conflict.

The shared files are never diffed: every edit a domain makes (router list, model registry,
collections on other models, the README's API table) is applied again structurally, which
changes nothing when it is there. The model registry's older lines (``from app.models.x import
X``) are folded into its one statement, ``from app.models import ...``.

Migrations are never written or rewritten. When gospel now generates another table definition
for the same spec (columns, constraints, indexes, association tables), the domain is named in
``schema_changes`` so its owner writes the migration the database may need.

After the update each record names the installed gospel, the new hashes and blob ids; the new
texts are kept in the project's git objects (the bases of the next update).
"""

from __future__ import annotations

import ast
import difflib
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from gospel_scaffold import __version__
from gospel_scaffold._git import git, require_git
from gospel_scaffold.domain.apply import apply_plan
from gospel_scaffold.domain.formatting import Formatter, find_ruff
from gospel_scaffold.domain.generate import render_domain
from gospel_scaffold.domain.merge import merge_three
from gospel_scaffold.domain.plan import Action, FileChange, Plan
from gospel_scaffold.domain.pristine import BASES_REF, base_text
from gospel_scaffold.domain.record import (
    DomainRecord,
    GeneratedFile,
    find_record,
    load_records,
    record_path,
)
from gospel_scaffold.domain.registry import BackPopulates, modernize_registry
from gospel_scaffold.domain.slice import (
    DATABASE_FILE,
    domain_files,
    other_edits,
    shared_edits,
    with_edits,
    without_edits,
)
from gospel_scaffold.domain.spec import DomainSpec, SpecResolver
from gospel_scaffold.domain.target_project import Project, find_project
from gospel_scaffold.errors import EditError, GospelError, NotAProjectError, ProjectError

__all__ = ["ConflictMode", "DomainSelection", "DomainsUpdate", "check_selection", "update_domains"]

ConflictMode = Literal["inline", "rej"]

LABELS = ("before updating", "last update", "after updating")
"""Conflict labels of ours, base and theirs: copier's, so one search finds every conflict."""

_MARKERS = ("<<<<<<< ", ">>>>>>> ")


@dataclass(frozen=True)
class DomainSelection:
    """Which domains ``gospel update`` brings along.

    Attributes:
        only: Only these domains (singular or plural names); empty for all.
        skip: Not these domains.
    """

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()

    def pick(self, records: dict[str, DomainRecord]) -> list[DomainRecord]:
        """The selected records, in name order.

        Raises:
            InvalidInputError: A name is not a domain of the project.
        """
        only = {find_record(records, name).plural for name in self.only}
        skip = {find_record(records, name).plural for name in self.skip}
        return [
            record
            for name, record in sorted(records.items())
            if (not only or name in only) and name not in skip
        ]


@dataclass
class DomainsUpdate:
    """What the domain half of an update did.

    Attributes:
        domains: The domains brought to the installed gospel.
        changed: Files written, relative to the project root.
        conflicts: Files left with conflicts (markers, or a ``.rej`` file beside them).
        schema_changes: One line per domain whose generated table definition changed.
        notes: Anything else worth telling (a file you deleted, an edit gospel could not make).
    """

    domains: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    schema_changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_selection(root: Path, selection: DomainSelection) -> None:
    """Refuse names that are not domains of the project, before anything changes.

    Raises:
        InvalidInputError: A name is not a domain of the project.
    """
    if selection.only or selection.skip:
        selection.pick(load_records(root))


@dataclass(frozen=True)
class _Merge:
    """How one file ends: its new text, and for a conflict what git's index should hold."""

    path: str
    text: str
    conflict: bool = False
    rejected: str | None = None
    stages: tuple[str, str, str] | None = None


def _has_markers(text: str) -> bool:
    return any(line.startswith(_MARKERS) for line in text.splitlines())


def _diff(before: str, after: str, path: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _apply_rejecting(base: str, ours: str, theirs: str, path: str) -> tuple[str, str | None]:
    """Apply the change base→theirs to ours as ``git apply --reject`` does (copier's ``rej``).

    Returns:
        The text with the hunks that applied, and the rejected hunks (``None`` when none).
    """
    git_path = require_git()
    with tempfile.TemporaryDirectory(prefix="gospel-rej-") as scratch:
        work = Path(scratch) / "work"
        target = work / path
        target.parent.mkdir(parents=True)
        target.write_bytes(ours.encode("utf-8"))
        patch = Path(scratch) / "change.patch"
        patch.write_bytes(_diff(base, theirs, path).encode("utf-8"))
        subprocess.run(
            [git_path, "apply", "--reject", "--whitespace=nowarn", str(patch)],
            cwd=work,
            capture_output=True,
            check=False,
        )
        rejected = target.with_name(target.name + ".rej")
        return (
            target.read_bytes().decode("utf-8"),
            rejected.read_bytes().decode("utf-8") if rejected.is_file() else None,
        )


def _merge(path: str, base: str | None, ours: str, theirs: str, mode: ConflictMode) -> _Merge:
    """Merge gospel's change into ``ours``; without ``base``, every difference conflicts."""
    if base is None and mode == "rej":
        return _Merge(path, ours, conflict=True, rejected=_diff(ours, theirs, path))
    merged = merge_three(base or "", ours, theirs, path=path, labels=LABELS)
    if not merged.conflicts:
        return _Merge(path, merged.text)
    if mode == "inline":
        return _Merge(path, merged.text, conflict=True, stages=(base or "", ours, theirs))
    assert base is not None
    text, rejected = _apply_rejecting(base, ours, theirs, path)
    return _Merge(path, text, conflict=rejected is not None, rejected=rejected)


@dataclass
class _Run:
    """One domain update in progress: the planned texts and what to report."""

    project: Project
    records: dict[str, DomainRecord]
    mode: ConflictMode
    texts: dict[str, str] = field(default_factory=dict)
    merges: dict[str, _Merge] = field(default_factory=dict)
    result: DomainsUpdate = field(default_factory=DomainsUpdate)

    def current(self, path: str) -> str | None:
        if path in self.texts:
            return self.texts[path]
        return self.project.read(path)

    def set(self, path: str, text: str) -> None:
        self.texts[path] = text


def _side_view(
    run: _Run, record: DomainRecord, path: str, ours: str
) -> tuple[list[BackPopulates], str | None]:
    """The other domains' edits of ``path``, and ``ours`` without them (``None``: unparsable)."""
    others = other_edits(run.records, record.plural, path, current=ours)
    if not others:
        return others, ours
    try:
        return others, without_edits(ours, path, others, run.project.line_length)
    except EditError:
        return others, None


def _update_file(
    run: _Run, record: DomainRecord, path: str, theirs: str, recorded: GeneratedFile | None
) -> str | None:
    """Plan the new text of one generated file; return the base it was merged from, if known."""
    ours = run.current(path)
    if ours is None:
        run.set(path, theirs)  # a file this gospel generates and the older one did not
        return None
    line_length = run.project.line_length
    others, own = _side_view(run, record, path, ours)
    if recorded is not None and recorded.matches(theirs):
        return theirs  # gospel generates it as before: nothing to bring
    if recorded is not None and own is not None and recorded.matches(own):
        run.set(path, with_edits(theirs, path, others, line_length))
        return own
    base = base_text(run.project.root, recorded, None, path=path) if recorded else None
    if base is None and recorded is None:
        run.result.notes.append(
            f"{path}: gospel generates it now and you have a file there, so every difference "
            "is left to you as a conflict"
        )
    elif base is None:
        run.result.notes.append(
            f"{path}: the text gospel generated before is not in this clone (the file was "
            f"edited before it was first committed; `git fetch <the clone that generated it> "
            f"{BASES_REF}:{BASES_REF}` brings it), so every difference from the new version is "
            "left to you as a conflict"
        )
    full_base = with_edits(base, path, others, line_length) if base is not None else None
    merged = _merge(path, full_base, ours, with_edits(theirs, path, others, line_length), run.mode)
    run.set(path, merged.text)
    if merged.conflict:
        run.merges[path] = merged
    return base


def _table_definition(text: str) -> dict[str, str] | None:
    """What a model module says about the database: tables, columns, constraints, indexes.

    Relationships, docstrings, comments and layout are left out, so only a change the database
    would see shows up. ``None`` when the text does not parse.
    """
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None

    def called(node: ast.expr | None, *names: str) -> bool:
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in names

    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and called(node.value, "Table"):
            targets = ", ".join(ast.unparse(target) for target in node.targets)
            found[f"table {targets}"] = ast.dump(node.value)
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                name, value = ast.unparse(statement.targets[0]), statement.value
                if name in ("__tablename__", "__table_args__"):
                    found[f"{node.name}.{name}"] = ast.dump(value)
            elif (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.value, ast.Call)
                and called(statement.value, "mapped_column", "Column")
            ):
                column = ast.dump(statement.annotation) + ast.dump(statement.value)
                found[f"{node.name}.{ast.unparse(statement.target)}"] = column
    return found


def _schema_change(plural: str, path: str, before: str | None, after: str) -> str | None:
    """A line saying how gospel's table definition of the domain changed, or ``None``."""
    old = _table_definition(before) if before is not None else None
    new = _table_definition(after)
    if new is None:
        return None
    if old is None:
        return (
            f"{plural}: gospel could not compare the table definition of {path} with the one it "
            "generated before; check whether the database needs a migration "
            "(`uv run alembic check`)"
        )
    changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    if not changed:
        return None
    shown = ", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")
    return (
        f"{plural}: gospel now generates another table definition ({shown} in {path}); "
        "migrations are never rewritten, so write the one your database needs: "
        f'`uv run alembic revision --autogenerate -m "update {plural} table"`, then review it'
    )


def _update_slice(
    run: _Run, record: DomainRecord, spec: DomainSpec, theirs: dict[str, str]
) -> DomainRecord:
    """Plan one domain's files and shared edits; return its new record."""
    files = dict(record.files)
    generated = domain_files(spec.names)
    model = generated["model"]
    bases: dict[str, str | None] = {}
    for path in generated.values():
        recorded = record.files.get(path)
        if recorded is not None and run.current(path) is None:
            run.result.notes.append(f"{path} was deleted: it stays deleted")
            continue
        bases[path] = _update_file(run, record, path, theirs[path], recorded)
        files[path] = GeneratedFile.of(theirs[path])
    if model in bases and model in record.files:
        change = _schema_change(record.plural, model, bases[model], theirs[model])
        if change is not None:
            run.result.schema_changes.append(change)
    edits = []
    for shared in shared_edits(run.project, spec):
        edits.append(shared.edit)
        path = shared.edit.path
        text = run.current(path)
        if text is None:
            run.result.notes.append(f"{path} is missing: {record.plural} is not in it")
            continue
        if _has_markers(text):
            continue  # a conflict to resolve first; the edit's lines are on both sides of it
        try:
            run.set(path, shared.apply(text))
        except EditError as error:
            first = str(error).splitlines()[0]
            run.result.notes.append(f"{record.plural}: {first}")
    return replace(record, files=files, edits=edits, generator=__version__)


def _modernize_registry(run: _Run) -> None:
    text = run.current(DATABASE_FILE)
    if text is None or _has_markers(text):
        return
    try:
        modern = modernize_registry(text, path=DATABASE_FILE, line_length=run.project.line_length)
        run.set(DATABASE_FILE, modern)
    except EditError as error:
        run.result.notes.append(str(error).splitlines()[0])


def _stage_conflicts(root: Path, merges: list[_Merge]) -> None:
    """Record inline conflicts in git's index as a merge does: base, ours and theirs."""
    staged = [merge for merge in merges if merge.stages is not None]
    if not staged:
        return
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())
    lines = []
    for merge in staged:
        assert merge.stages is not None
        blobs = []
        for text in merge.stages:
            blobs.append(git(root, "hash-object", "-w", "--stdin", stdin=text).strip())
        base, ours, theirs = blobs
        path = prefix + merge.path
        lines.append(f"0 {'0' * 40}\t{path}")
        if merge.stages[0]:
            lines.append(f"100644 {base} 1\t{path}")
        lines += [f"100644 {ours} 2\t{path}", f"100644 {theirs} 3\t{path}"]
    git(top, "update-index", "--index-info", stdin="\n".join(lines) + "\n")


def update_domains(
    root: Path,
    selection: DomainSelection | None = None,
    *,
    conflict: ConflictMode = "inline",
    ruff_from: Path | None = None,
) -> DomainsUpdate:
    """Bring the generated domains of the project at ``root`` to the installed gospel.

    Writes the project's files (the caller runs it on a clean git tree and puts the tree back
    on failure, as for copier's part of the update).

    Args:
        root: The project root.
        selection: Which domains (default: all).
        conflict: ``inline`` markers, or ``rej`` files.
        ruff_from: The project whose ruff formats the new texts (default: ``root``; a dry run
            works on a clone without the project's virtual environment).

    Returns:
        What was done; conflicts are left in the files, as the result says.

    Raises:
        InvalidInputError: A selected name is not a domain of the project.
        ProjectError: A domain cannot be rendered by this gospel, or a file changed meanwhile.
    """
    records = load_records(root)
    try:
        project = find_project(root)
    except NotAProjectError:
        if not records:
            return DomainsUpdate()  # no gospel layout, no domains: nothing to do
        raise
    root = project.root
    picked = (selection or DomainSelection()).pick(records)
    run = _Run(project, records, conflict)
    _modernize_registry(run)
    resolver = SpecResolver(project, records)
    specs: dict[str, DomainSpec] = {}
    raw: dict[str, str] = {}
    for record in picked:
        try:
            spec = resolver.spec_of(record)
        except GospelError as error:
            raise ProjectError(
                f"gospel cannot render the domain {record.plural} ({error}); leave it out with "
                f"--skip-domain {record.plural}"
            ) from None
        specs[record.plural] = spec
        rendered = render_domain(spec)
        raw.update({path: rendered[step] for step, path in domain_files(spec.names).items()})
    formatter = Formatter(root, find_ruff(ruff_from or root))
    theirs = formatter.format_many(raw)
    new_records = {
        record.plural: _update_slice(run, record, specs[record.plural], theirs) for record in picked
    }
    plan = Plan(operation="update-domains", domain="", root=root)
    plan.pristine = list(theirs.values())
    for path, text in run.texts.items():
        before = project.read(path)
        if before != text:
            action: Action = "create" if before is None else "update"
            plan.changes.append(FileChange(path, action, "domain", f"Update {path}", before, text))
        merge = run.merges.get(path)
        if merge is not None and merge.rejected is not None:
            rej = f"{path}.rej"
            plan.changes.append(
                FileChange(
                    rej, "create", "domain", f"Write {rej}", project.read(rej), merge.rejected
                )
            )
    for name, record in new_records.items():
        path = record_path(name)
        before = project.read(path)
        if before != record.to_text():
            plan.changes.append(
                FileChange(path, "update", "record", f"Record {path}", before, record.to_text())
            )
    apply_plan(plan)
    _stage_conflicts(root, list(run.merges.values()))
    run.result.domains = [record.plural for record in picked]
    run.result.changed = sorted(change.path for change in plan.changes if change.changes_disk)
    run.result.conflicts = sorted(run.merges)
    return run.result
