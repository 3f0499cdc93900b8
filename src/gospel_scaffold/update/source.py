"""Where ``gospel new`` renders the template from, so that the project stays updatable.

``gospel new`` has three kinds of source:

``bundled``
    The default when gospel is installed from a wheel: the template's git history shipped in
    the package (:mod:`gospel_scaffold.update.bundle`), rendered at the commit the wheel was
    built from. The project records ``_src_path: gospel://template.git`` and updates offline
    with ``gospel update`` after gospel itself is upgraded.
``git``
    ``--template`` naming a git URL, a local clone (a repository root) or a ``.bundle`` file,
    at ``--vcs-ref`` or at its latest version tag. The project records that source and updates
    with plain ``copier update`` as well as ``gospel update``.
``directory``
    A plain directory: ``--template`` pointing at one, ``$GOSPEL_TEMPLATE_DIR``, or a source
    checkout of gospel. Copier records no ``_commit`` for it, so such a project cannot be
    updated; :attr:`TemplateSource.updatable` says so, and the CLI warns.

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

from gospel_scaffold.errors import InvalidInputError
from gospel_scaffold.update.bundle import BUNDLED_SOURCE, bundle_redirect, bundled_template

__all__ = [
    "SourceKind",
    "TemplateSource",
    "is_git_source",
    "resolve_template_source",
    "template_for_copy",
]

SourceKind = Literal["bundled", "git", "directory"]

_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|gh:|gl:)", re.IGNORECASE)


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


def is_git_source(path: Path) -> bool:
    """Tell whether a local path is a source copier treats as git (a repo root or a bundle).

    Args:
        path: An existing local path.

    Returns:
        ``True`` for the root of a git work tree or a ``.bundle`` file.
    """
    if path.is_file():
        return path.suffix == ".bundle"
    if not (path / ".git").exists():
        return False
    import subprocess

    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=path,
        capture_output=True,
        text=True,
        check=False,
    )
    return top.returncode == 0 and Path(top.stdout.strip()).resolve() == path.resolve()


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
    if _URL.match(template) and not Path(template).exists():
        return TemplateSource(
            kind="git",
            src_path=template,
            vcs_ref=vcs_ref,
            updatable=True,
            description=f"{template}" + (f" at {vcs_ref}" if vcs_ref else ""),
        )
    path = Path(template).expanduser()
    if not path.exists():
        raise InvalidInputError(f"--template {template}: no such directory, bundle or URL")
    path = path.resolve()
    if is_git_source(path):
        return TemplateSource(
            kind="git",
            src_path=path.as_posix(),
            vcs_ref=vcs_ref,
            updatable=True,
            description=f"{path}" + (f" at {vcs_ref}" if vcs_ref else ""),
        )
    if not path.is_dir():
        raise InvalidInputError(f"--template {template}: not a template directory or bundle")
    if vcs_ref is not None:
        raise InvalidInputError(
            f"--vcs-ref needs a git source, but {path} is a plain directory, not the root of a "
            "git repository"
        )
    return TemplateSource(
        kind="directory",
        src_path=path.as_posix(),
        vcs_ref=None,
        updatable=False,
        description=f"{path} (a plain directory: the project cannot be updated later)",
        directory=path,
    )


def _default_source(vcs_ref: str | None) -> TemplateSource:
    from gospel_scaffold import _template

    bundled = None if os.environ.get(_template.TEMPLATE_DIR_ENV) else bundled_template()
    has_git = shutil.which("git") is not None
    if bundled is not None and has_git and (vcs_ref is not None or not bundled.dirty):
        ref = vcs_ref or bundled.commit
        shown = vcs_ref or bundled.describe or "its latest version"
        return TemplateSource(
            kind="bundled",
            src_path=BUNDLED_SOURCE,
            vcs_ref=ref,
            updatable=True,
            description=f"the template shipped with gospel, at {shown}",
            bundle=bundled.bundle,
        )
    if bundled is None:
        why = "this gospel installation ships no template history (a source checkout)"
    elif not has_git:
        why = "git is not on PATH"
    else:
        why = "its packaged template had uncommitted changes when it was built"
    if vcs_ref is not None:
        raise InvalidInputError(
            f"--vcs-ref needs a git source, but {why}; pass --template with a clone or URL of "
            "the gospel repository"
        )
    directory = _template.template_source()
    return TemplateSource(
        kind="directory",
        src_path=directory.as_posix(),
        vcs_ref=None,
        updatable=False,
        description=f"{directory} ({why}: the project cannot be updated later)",
        directory=directory,
    )


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
        from gospel_scaffold._template import template_snapshot

        with template_snapshot(source.directory) as snapshot:
            yield replace(source, src_path=snapshot.as_posix())
    else:
        yield source
