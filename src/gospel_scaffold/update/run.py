"""``gospel update``: bring a generated project to a newer template version with copier.

The steps, in order:

1. find the project (the directory holding ``.copier-answers.yml``) and read where it came
   from (``_src_path``) and at which version (``_commit``);
2. refuse a dirty git tree before touching anything;
3. snapshot the existing migration files;
4. run ``copier update`` (serving ``gospel://template.git`` from the installed bundle when the
   project was made from it); if copier fails, put the tree back exactly as it was. Skipped
   when the project already records the version of gospel's template it would go to and no
   answer changes: copier would change nothing, after seconds of cloning the template;
5. put back any existing migration file the update changed or deleted: an update never rewrites
   history that databases have already applied;
6. bring every generated domain slice to the installed gospel
   (:mod:`gospel_scaffold.domain.upgrade`: three-way merges of each file, shared-file edits
   applied again structurally, migrations untouched);
7. list the files left with conflicts (inline markers, or ``.rej`` files), which plain copier
   does not do.

``--dry-run`` runs the same steps in a throw-away clone of the project and reports what would
change, with the diff.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gospel_scaffold._alembic import script_locations
from gospel_scaffold._git import git, status_paths, try_git
from gospel_scaffold._template import ANSWERS_FILE
from gospel_scaffold.errors import (
    DirtyTreeError,
    NotAProjectError,
    NotUpdatableError,
    ProjectError,
    UpdateFailedError,
)
from gospel_scaffold.update.bundle import BUNDLED_SOURCE, bundle_redirect, bundled_template
from gospel_scaffold.update.source import (
    GospelCheckout,
    default_update_ref,
    is_url,
    source_checkout,
)

if TYPE_CHECKING:
    from gospel_scaffold.domain.upgrade import ConflictMode, DomainSelection

__all__ = [
    "ProjectOrigin",
    "UpdateResult",
    "find_project",
    "read_origin",
    "update_project",
]


_MARKERS = (b"<<<<<<< before updating", b">>>>>>> after updating")
_ANSWER_LINE = re.compile(r"^(_src_path|_commit):\s*(.*?)\s*$")


@dataclass(frozen=True)
class ProjectOrigin:
    """Where a project's template came from, read from its answers file.

    Attributes:
        root: The project directory (holding ``.copier-answers.yml``).
        src_path: ``_src_path``: a git URL, a local clone, ``gospel://template.git``; ``None``
            when missing.
        commit: ``_commit``: the template version the project was last rendered at.
    """

    root: Path
    src_path: str | None
    commit: str | None

    @property
    def bundled(self) -> bool:
        """Whether the project was made from the template shipped with gospel."""
        return self.src_path == BUNDLED_SOURCE


@dataclass(frozen=True)
class UpdateResult:
    """What an update did (or, with ``dry_run``, would do).

    Attributes:
        root: The project directory.
        source: The template source used (``_src_path``).
        from_version: ``_commit`` before the update.
        to_version: ``_commit`` after the update.
        changed: Files the update added, modified or deleted, relative to ``root``.
        conflicts: Files left with conflict markers, or with a ``.rej`` file beside them.
        kept_migrations: Existing migration files the template tried to change; they were
            restored unchanged.
        new_migrations: Migration files the update added.
        dry_run: Nothing in the project was touched.
        domains: The generated domains brought to the installed gospel.
        schema_changes: Domains whose generated table definition changed (a migration to
            write), one line each.
        notes: Anything else worth telling about the domains.
        diff: What would change, as a diff (``dry_run`` only).
    """

    root: Path
    source: str
    from_version: str
    to_version: str
    changed: tuple[str, ...]
    conflicts: tuple[str, ...]
    kept_migrations: tuple[str, ...]
    new_migrations: tuple[str, ...]
    dry_run: bool
    domains: tuple[str, ...] = ()
    schema_changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    diff: str = ""

    @property
    def up_to_date(self) -> bool:
        """Whether there was nothing to change."""
        return not self.changed and self.from_version == self.to_version


def find_project(start: Path) -> Path:
    """Return the nearest directory at or above ``start`` holding ``.copier-answers.yml``.

    Raises:
        NotAProjectError: There is none.
    """
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ANSWERS_FILE).is_file():
            return candidate
    raise NotAProjectError(start, f"no {ANSWERS_FILE} here or above")


def read_origin(root: Path) -> ProjectOrigin:
    """Read ``_src_path`` and ``_commit`` from a project's answers file.

    Args:
        root: The project directory.

    Returns:
        The project's origin.
    """
    values: dict[str, str] = {}
    for line in (root / ANSWERS_FILE).read_text(encoding="utf-8").splitlines():
        match = _ANSWER_LINE.match(line)
        if match:
            values[match.group(1)] = match.group(2).strip("'\"")
    return ProjectOrigin(
        root=root, src_path=values.get("_src_path") or None, commit=values.get("_commit") or None
    )


def _check_updatable(origin: ProjectOrigin) -> None:
    if origin.src_path is None or origin.commit is None:
        raise NotUpdatableError(
            f"{origin.root / ANSWERS_FILE} records no template version (_src_path and _commit): "
            "the project was generated from a plain directory, which copier cannot update; see "
            "'Adopting a project' in docs/updating.md"
        )
    if origin.bundled:
        bundled = bundled_template()
        if bundled is None:
            raise NotUpdatableError(
                f"the project was made from the template shipped with gospel "
                f"({BUNDLED_SOURCE}), but this gospel installation ships no template history; "
                "install gospel-scaffold from a wheel"
            )
        tags = _bundle_tags(bundled.bundle)
        if _is_version(origin.commit) and tags and origin.commit not in tags:
            raise NotUpdatableError(
                f"the project is at template {origin.commit}, which this gospel installation "
                f"does not know (it knows up to {max(tags, key=_version_key)}); upgrade "
                "gospel-scaffold first"
            )
    elif not is_url(origin.src_path):
        local = Path(origin.src_path).expanduser()
        if not local.exists():
            raise NotUpdatableError(
                f"the template source {origin.src_path} recorded in {ANSWERS_FILE} does not "
                "exist on this machine; clone the template there, or edit _src_path to a URL "
                "or clone of it"
            )


def _bundle_tags(bundle: Path) -> set[str]:
    out = git(bundle.parent, "bundle", "list-heads", bundle.as_posix())
    return {
        line.split(" ", 1)[1].removeprefix("refs/tags/")
        for line in out.splitlines()
        if " refs/tags/" in line
    }


def _is_version(text: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def _version_key(tag: str) -> tuple[int, object]:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(tag))
    except InvalidVersion:
        return (0, tag)


def _check_clean(root: Path) -> None:
    if try_git(root, "rev-parse", "--is-inside-work-tree") is None:
        raise ProjectError(
            f"{root} is not in a git repository; copier replays your changes from git history, "
            "so commit the project to git first (git init && git add -A && git commit)"
        )
    dirty = [path for _, path in status_paths(root, subtree=False)]
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise DirtyTreeError(
            f"the git tree has uncommitted changes ({shown}); commit or stash them first, so "
            "the update can be reviewed and undone with git. Nothing was changed"
        )


def _migration_dir(root: Path) -> Path:
    locations = script_locations(root)
    return root / (locations[0] if locations else "migrations") / "versions"


def _tracked_migrations(root: Path) -> dict[str, str]:
    versions = _migration_dir(root)
    if not versions.is_dir():
        return {}
    relative = versions.relative_to(root).as_posix()
    out = git(root, "ls-files", "-s", "-z", "--", relative)
    blobs: dict[str, str] = {}
    for entry in out.split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            blobs[path] = meta.split()[1]
    return blobs


def _keep_migrations(root: Path, before: dict[str, str]) -> list[str]:
    """Restore every migration file the update changed or deleted; return their paths."""
    kept: list[str] = []
    for path, blob in sorted(before.items()):
        file = root / path
        current = git(root, "hash-object", "--", path).strip() if file.is_file() else None
        if current != blob:
            git(root, "checkout", "HEAD", "--", path)
            kept.append(path)
        (root / f"{path}.rej").unlink(missing_ok=True)
    return kept


def _has_markers(file: Path) -> bool:
    try:
        with file.open("rb") as handle:
            return any(line.rstrip() in _MARKERS for line in handle)
    except OSError:
        return False


def _conflicts(root: Path) -> list[str]:
    found: set[str] = set()
    for entry in git(root, "ls-files", "-u", "-z").split("\0"):
        if "\t" in entry:
            found.add(entry.split("\t", 1)[1])
    for code, path in status_paths(root, ignored=True):
        if path.endswith(".rej"):
            found.add(path.removesuffix(".rej"))
        elif code != "!!" and (root / path).is_file() and _has_markers(root / path):
            found.add(path)
    return sorted(found)


def _changed(root: Path) -> list[str]:
    return sorted({path for code, path in status_paths(root) if not path.endswith(".rej")})


def _rollback(root: Path) -> None:
    git(root, "reset", "--quiet", "--hard", "HEAD")
    git(root, "clean", "-fdq")


@contextmanager
def _source_ready(origin: ProjectOrigin) -> Iterator[None]:
    bundled = bundled_template() if origin.bundled else None
    if bundled is not None:
        with bundle_redirect(bundled.bundle):
            yield
    else:
        yield


def _run_copier(
    root: Path,
    *,
    vcs_ref: str | None,
    conflict: ConflictMode,
    trust: bool,
    quiet: bool,
    data: Mapping[str, str],
) -> None:
    import copier
    from copier.errors import CopierError
    from plumbum import ProcessExecutionError

    from gospel_scaffold.new_project import check_answers

    try:
        worker = copier.run_update(
            dst_path=root,
            data=dict(data),
            vcs_ref=vcs_ref,
            overwrite=True,
            defaults=True,
            skip_answered=True,
            conflict=conflict,
            unsafe=trust,
            quiet=quiet,
        )
    except CopierError as error:
        message = str(error).strip().splitlines()
        detail = message[0] if message else type(error).__name__
        if type(error).__name__ == "UnsafeTemplateError":
            detail += " (re-run with --trust if you trust this template source)"
        raise UpdateFailedError(f"copier could not update the project: {detail}") from None
    except ProcessExecutionError as error:
        lines = [line for line in str(error.stderr).strip().splitlines() if line.strip()]
        raise UpdateFailedError(
            f"copier could not update the project: git failed: {lines[-1] if lines else error}"
        ) from None
    except ValueError as error:  # an unknown revision, an answer no choice allows
        raise UpdateFailedError(f"copier could not update the project: {error}") from None
    # Only the version updated to knows its questions; a wrong one undoes the update.
    check_answers(data, worker.template.questions_data)


@dataclass(frozen=True)
class _Steps:
    """What one update does: the template (copier), the domains, or both."""

    template: bool
    domains: DomainSelection | None
    vcs_ref: str | None
    conflict: ConflictMode
    trust: bool
    quiet: bool
    data: Mapping[str, str]
    ruff_from: Path


def _dry_run_diff(root: Path) -> str:
    """Everything the update changed in the throw-away clone, new files included, as a diff."""
    git(root, "add", "-A", "--", ".")
    return git(root, "diff", "--cached", "--no-color", "--relative", "HEAD")


def _update_in_place(origin: ProjectOrigin, steps: _Steps, *, dry_run: bool) -> UpdateResult:
    from gospel_scaffold.domain.upgrade import DomainsUpdate, update_domains

    root = origin.root
    migrations_before = _tracked_migrations(root)
    domains = DomainsUpdate()
    try:
        if steps.template:
            with _source_ready(origin):
                _run_copier(
                    root,
                    vcs_ref=steps.vcs_ref,
                    conflict=steps.conflict,
                    trust=steps.trust,
                    quiet=steps.quiet,
                    data=steps.data,
                )
            kept = _keep_migrations(root, migrations_before)
        else:
            kept = []
        if steps.domains is not None:
            domains = update_domains(
                root, steps.domains, conflict=steps.conflict, ruff_from=steps.ruff_from
            )
        versions = _migration_dir(root).resolve()
        new_migrations = sorted(
            path
            for code, path in status_paths(root)
            if code == "??" and (root / path).resolve().is_relative_to(versions)
        )
        after = read_origin(root)
        changed = _changed(root)
        conflicts = _conflicts(root)
        diff = _dry_run_diff(root) if dry_run else ""
    except BaseException:
        # Anything that stops the update half-way (copier, the domains, git, Ctrl-C) leaves
        # the project exactly as it was: the tree was clean before, so HEAD is the whole state.
        _rollback(root)
        raise
    return UpdateResult(
        root=root,
        source=origin.src_path or "",
        from_version=origin.commit or "",
        to_version=after.commit or "",
        changed=tuple(changed),
        conflicts=tuple(conflicts),
        kept_migrations=tuple(kept),
        new_migrations=tuple(new_migrations),
        dry_run=False,
        domains=tuple(domains.domains),
        schema_changes=tuple(domains.schema_changes),
        notes=tuple(domains.notes),
        diff=diff,
    )


def update_project(
    path: Path,
    *,
    to: str | None = None,
    dry_run: bool = False,
    conflict: ConflictMode = "inline",
    trust: bool = False,
    quiet: bool = True,
    template: bool = True,
    domains: DomainSelection | None = None,
    with_domains: bool = True,
    data: Mapping[str, str] | None = None,
) -> UpdateResult:
    """Update the generated project at or above ``path`` to a newer template version.

    The template is updated with copier, then every domain gospel generated is brought to the
    installed gospel (:func:`gospel_scaffold.domain.upgrade.update_domains`).

    Args:
        path: The project directory, or a directory inside it.
        to: The template version (a tag, branch or commit) to update to. By default: the
            version shipped with the installed gospel for projects made from it, the ``HEAD``
            commit of the checkout gospel runs from for projects made from that, else the
            latest version tag of the recorded source.
        dry_run: Update a throw-away clone instead and report what would change.
        conflict: ``inline`` (git-style markers in the file) or ``rej`` (``.rej`` files).
        trust: Allow the template's copier ``_migrations`` to run. Gospel's own template (the
            bundled one, or the checkout gospel runs from) is always trusted.
        quiet: Silence copier's own progress output.
        template: Update the template (false: the domains only, also for a project copier
            cannot update).
        domains: Which domains to bring to the installed gospel (default: every one).
        with_domains: False to leave every domain as it is (the template only).
        data: Answers to change (``{"deploy": "kubernetes"}``); the others stay as recorded.
            With the current version, only the answers change.

    Returns:
        What changed, including the files left with conflicts (the caller decides to fail).

    Raises:
        ProjectError: No project, not in git, or (``DirtyTreeError``) uncommitted changes.
        NotUpdatableError: The project records no usable template source or version, or (no
            ``to``) the gospel clone it comes from has uncommitted template changes.
        UpdateFailedError: Copier failed; the project is back as it was.
        InvalidInputError: A selected domain is not a domain of the project; or ``data`` names
            no question of the template, or answers a yes/no question with neither (the project
            is back as it was).
    """
    from gospel_scaffold.domain.upgrade import DomainSelection, check_selection

    root = find_project(path)
    origin = read_origin(root)
    selection = (domains or DomainSelection()) if with_domains else None
    if selection is not None:
        check_selection(root, selection)
    vcs_ref = None
    if template:
        _check_updatable(origin)
        src_path = origin.src_path or ""  # _check_updatable made sure it is recorded
        checkout = source_checkout(src_path)
        vcs_ref = to if to is not None else default_update_ref(src_path, checkout)
        # Gospel's own template is trusted to run its copier migrations, as the bundle is.
        trust = trust or origin.bundled or checkout is not None
        # Step 4 is skipped when the project is already there (see the module docstring).
        template = bool(data) or to is not None or not _records(origin, vcs_ref, checkout)
    _check_clean(root)
    steps = _Steps(template, selection, vcs_ref, conflict, trust, quiet, data or {}, root)
    with _work_tree(root, dry_run) as work:
        result = _update_in_place(read_origin(work), steps, dry_run=dry_run)
    return replace(result, root=root, dry_run=dry_run)


def _records(origin: ProjectOrigin, ref: str | None, checkout: GospelCheckout | None) -> bool:
    """Whether the project records the version of gospel's own template that ``ref`` names.

    Copier records ``git describe --tags --always`` of the commit it rendered.
    """
    if ref is None or origin.commit is None:
        return False
    if origin.bundled:
        bundled = bundled_template()
        return (
            bundled is not None
            and not bundled.dirty
            and bundled.commit == ref
            and bundled.describe == origin.commit
        )
    if checkout is None:
        return False
    described = try_git(checkout.root, "describe", "--tags", "--always", ref)
    return described is not None and described.strip() == origin.commit


@contextmanager
def _work_tree(root: Path, dry_run: bool) -> Iterator[Path]:
    """Yield the project to update: ``root`` itself, or for a dry run a throw-away clone."""
    if not dry_run:
        yield root
        return
    with tempfile.TemporaryDirectory(prefix="gospel-update-dry-run-") as tmp:
        top = Path(git(root, "rev-parse", "--show-toplevel").strip())
        prefix = git(root, "rev-parse", "--show-prefix").strip()
        clone = Path(tmp) / "project"
        # --shared: the clone reads the project's own object store, so it finds every text
        # gospel kept there (the bases of the domains' merges), committed or not.
        git(Path(tmp), "clone", "--quiet", "--shared", top.as_posix(), clone.as_posix())
        yield clone / prefix if prefix else clone
