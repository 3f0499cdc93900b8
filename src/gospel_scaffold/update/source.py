"""Where ``gospel new`` renders the template from, so that the project stays updatable.

``gospel new`` has three kinds of source:

``bundled``
    The default when gospel is installed from a wheel: the template's git history shipped in
    the package (:mod:`gospel_scaffold.update.bundle`), rendered at the commit the wheel was
    built from. The project records ``_src_path: gospel://template.git`` and updates offline
    with ``gospel update`` after gospel itself is upgraded.
``git``
    ``--template`` naming a git URL, a local clone (a repository root) or a ``.bundle`` file,
    at ``--vcs-ref`` or at its latest version tag. Also the default when gospel runs from a git
    checkout of its own repository (an editable install) whose template files are committed:
    that checkout at its ``HEAD`` commit. The project records the
    source and updates with ``gospel update`` as well as plain ``copier update``.
``directory``
    A plain directory: ``--template`` pointing at one, ``$GOSPEL_TEMPLATE_DIR``, or a checkout
    of gospel whose template files have uncommitted changes. Copier records no ``_commit`` for
    it, so such a project cannot be updated; :attr:`TemplateSource.updatable` says so, and the
    CLI warns.

Use :func:`template_for_copy` around copier's ``run_copy``::

    with template_for_copy(template, vcs_ref) as source:
        run_copy(source.src_path, destination, vcs_ref=source.vcs_ref, ...)
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from gospel_scaffold._git import status_paths, try_git
from gospel_scaffold._template import (
    TEMPLATE_DIR_ENV,
    template_checkout,
    template_snapshot,
    template_source,
)
from gospel_scaffold.errors import InvalidInputError, NotUpdatableError
from gospel_scaffold.update.bundle import BUNDLED_SOURCE, bundle_redirect, bundled_template

__all__ = [
    "GospelCheckout",
    "SourceKind",
    "TemplateSource",
    "default_update_ref",
    "is_git_source",
    "is_url",
    "resolve_template_source",
    "source_checkout",
    "template_for_copy",
]

SourceKind = Literal["bundled", "git", "directory"]

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|gh:|gl:)", re.IGNORECASE)
_TEMPLATE_CONFIGS = ("copier.yml", "copier.yaml")


@dataclass(frozen=True)
class TemplateSource:
    """A template source resolved for copier.

    Attributes:
        kind: ``bundled``, ``git`` or ``directory`` (see the module documentation).
        src_path: What to pass to copier as ``src_path``. For ``bundled`` it is
            ``gospel://template.git``, which only resolves inside :func:`template_for_copy`.
        vcs_ref: What to pass to copier as ``vcs_ref`` (``None``: the latest version tag).
        updatable: Whether the project will record a ``_commit`` and so can be updated.
        description: A short human description for messages.
        bundle: The git bundle behind a ``bundled`` source.
        directory: The template directory behind a ``directory`` source.
    """

    kind: SourceKind
    src_path: str
    vcs_ref: str | None
    updatable: bool
    description: str
    bundle: Path | None = None
    directory: Path | None = None


@dataclass(frozen=True)
class GospelCheckout:
    """The git checkout of the gospel repository that gospel runs from.

    Attributes:
        root: The repository root (it holds ``copier.yml`` and ``template/``).
        head: The full id of its ``HEAD`` commit.
        dirty: The template files with uncommitted changes, relative to ``root``.
    """

    root: Path
    head: str
    dirty: tuple[str, ...]


def is_git_source(path: Path) -> bool:
    """Tell whether a local path is a source copier treats as git (a repo root or a bundle).

    Args:
        path: An existing local path.

    Returns:
        ``True`` for the root of a git work tree or a ``.bundle`` file.
    """
    if path.is_file():
        return path.suffix == ".bundle"
    if not (path / ".git").exists() or shutil.which("git") is None:
        return False
    top = try_git(path, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.strip()).resolve() == path.resolve()


def _gospel_checkout() -> GospelCheckout | None:
    """Find the git checkout gospel runs from (an editable install or a clone).

    Returns:
        The checkout, or ``None`` when gospel runs from a wheel, the template directory is not
        the root of a git repository with a commit, or git is not on PATH.
    """
    root = template_checkout()
    if root is None or not is_git_source(root):
        return None
    head = try_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if head is None:
        return None
    dirty = tuple(
        path
        for _, path in status_paths(root)
        if path in _TEMPLATE_CONFIGS or path.startswith("template/")
    )
    return GospelCheckout(root=root, head=head.strip(), dirty=dirty)


def source_checkout(src_path: str) -> GospelCheckout | None:
    """Return the checkout gospel runs from when ``src_path`` (a recorded ``_src_path``) is it.

    Such a project comes from gospel's own template, like one made from the bundled history:
    gospel trusts it and updates it to the version it would render today.
    """
    if is_url(src_path):
        return None
    checkout = _gospel_checkout()
    if checkout is None or Path(src_path).expanduser().resolve() != checkout.root:
        return None
    return checkout


def default_update_ref(src_path: str, checkout: GospelCheckout | None) -> str | None:
    """The template version ``gospel update`` moves a project to when no ``--to`` is given.

    The version ``gospel new`` would render today: for a project made from the template
    shipped with gospel, the commit the installed wheel was built from; for one made from the
    checkout gospel runs from, that checkout's ``HEAD`` (copier's own default, the latest
    version tag, is older than the untagged commit such a project was made at, and copier
    refuses that as a downgrade).

    Args:
        src_path: The project's recorded ``_src_path``.
        checkout: ``source_checkout(src_path)``: the gospel checkout the project comes from.

    Returns:
        The ref to pass to copier, or ``None`` for copier's default (the latest version tag,
        or ``HEAD`` in a repository without tags).

    Raises:
        NotUpdatableError: The project comes from the checkout gospel runs from, and its
            template files have uncommitted changes, which no commit records.
    """
    if src_path == BUNDLED_SOURCE:
        bundled = bundled_template()
        return bundled.commit if bundled is not None else None
    if checkout is None:
        return None
    if checkout.dirty:
        raise NotUpdatableError(
            f"the template files of {checkout.root} have uncommitted changes "
            f"({_shown(checkout.dirty)}); commit them first, or pass --to REF"
        )
    return checkout.head


def is_url(text: str) -> bool:
    """Tell whether a template source is a URL (``https://…``, ``git@…``, ``gh:…``)."""
    return _URL.match(text) is not None


def resolve_template_source(template: str | None, vcs_ref: str | None) -> TemplateSource:
    """Decide what copier renders for ``gospel new [--template SRC] [--vcs-ref REF]``.

    Args:
        template: ``--template``: a git URL, a local clone, a ``.bundle`` file or a plain
            template directory; ``None`` for the template shipped with gospel.
        vcs_ref: ``--vcs-ref``: a tag, branch or commit of a git source.

    Returns:
        The resolved source. Local paths are made absolute, because copier records
        ``_src_path`` exactly as given and updates read it back from another directory.

    Raises:
        InvalidInputError: The source does not exist, or ``--vcs-ref`` was given for a
            source that has no git history.
    """
    if template is not None and not template.strip():
        raise InvalidInputError("--template must not be empty")
    if template is None:
        return _default_source(vcs_ref)
    if is_url(template) and not Path(template).exists():
        return _git_source(template, vcs_ref)
    path = Path(template).expanduser()
    if not path.exists():
        raise InvalidInputError(f"--template {template}: no such directory, bundle or URL")
    path = path.resolve()
    if is_git_source(path):
        return _git_source(path.as_posix(), vcs_ref)
    if not path.is_dir():
        raise InvalidInputError(f"--template {template}: not a template directory or bundle")
    if vcs_ref is not None:
        raise InvalidInputError(
            f"--vcs-ref needs a git source, but {path} is a plain directory, not the root of a "
            "git repository"
        )
    return _directory_source(path, "a plain directory")


def _git_source(src_path: str, vcs_ref: str | None) -> TemplateSource:
    return TemplateSource(
        kind="git",
        src_path=src_path,
        vcs_ref=vcs_ref,
        updatable=True,
        description=src_path + (f" at {vcs_ref}" if vcs_ref else ""),
    )


def _directory_source(directory: Path, why: str) -> TemplateSource:
    return TemplateSource(
        kind="directory",
        src_path=directory.as_posix(),
        vcs_ref=None,
        updatable=False,
        description=f"{directory} ({why}: the project cannot be updated later)",
        directory=directory,
    )


def _default_source(vcs_ref: str | None) -> TemplateSource:
    if os.environ.get(TEMPLATE_DIR_ENV):
        return _plain_default(vcs_ref, f"${TEMPLATE_DIR_ENV} names a plain directory")
    if shutil.which("git") is None:
        return _plain_default(vcs_ref, "git is not on PATH")
    bundled = bundled_template()
    if bundled is not None:
        if vcs_ref is None and bundled.dirty:
            return _plain_default(
                None, "its packaged template had uncommitted changes when it was built"
            )
        return TemplateSource(
            kind="bundled",
            src_path=BUNDLED_SOURCE,
            vcs_ref=vcs_ref or bundled.commit,
            updatable=True,
            description="the template shipped with gospel, at "
            + (vcs_ref or bundled.describe or "its latest version"),
            bundle=bundled.bundle,
        )
    checkout = _gospel_checkout()
    if checkout is None:
        return _plain_default(
            vcs_ref,
            "this gospel installation ships no template history and does not run from the root "
            "of a git checkout",
        )
    if vcs_ref is None and checkout.dirty:
        return _plain_default(
            None, f"its template files have uncommitted changes ({_shown(checkout.dirty)})"
        )
    return _git_source(checkout.root.as_posix(), vcs_ref or checkout.head)


def _plain_default(vcs_ref: str | None, why: str) -> TemplateSource:
    """The template gospel runs with, as plain files, because it has no usable history."""
    if vcs_ref is not None:
        raise InvalidInputError(
            f"--vcs-ref needs a git source, but {why}; pass --template with a clone or URL of "
            "the gospel repository"
        )
    return _directory_source(template_source(), why)


def _shown(paths: tuple[str, ...]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


@contextmanager
def template_for_copy(
    template: str | None = None, vcs_ref: str | None = None
) -> Iterator[TemplateSource]:
    """Resolve a source and make it ready for copier's ``run_copy`` inside the block.

    A ``bundled`` source is served from the installed bundle (``src_path`` stays the portable
    ``gospel://template.git``, which is what the answers file records); a ``directory`` source
    is copied to a temporary snapshot, because copier would otherwise render the latest tag of
    an enclosing git checkout instead of the files.

    Args:
        template: ``--template``, or ``None`` for the template shipped with gospel.
        vcs_ref: ``--vcs-ref``.

    Yields:
        The source to pass to ``run_copy`` (``src_path`` and ``vcs_ref``).

    Raises:
        InvalidInputError: See :func:`resolve_template_source`.
    """
    source = resolve_template_source(template, vcs_ref)
    if source.kind == "bundled" and source.bundle is not None:
        with bundle_redirect(source.bundle):
            yield source
    elif source.kind == "directory" and source.directory is not None:
        with template_snapshot(source.directory) as snapshot:
            yield replace(source, src_path=snapshot.as_posix())
    else:
        yield source
