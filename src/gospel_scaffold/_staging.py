"""Where ``gospel new`` writes a project: all of it, or nothing.

:func:`staged` gives a hidden staging folder inside the target, where copier renders and git
commits; :class:`Placement` then moves the result into the target, which may already exist (empty,
holding files the template does not write, or a fresh clone whose committed ``README.md`` and
``.gitignore`` the project replaces). On any failure or interrupt, including SIGTERM (which the
CLI turns into ``KeyboardInterrupt``), every move is undone, replaced files are put back, and the
staging folder and any folder created for the target are removed.
"""

from __future__ import annotations

import secrets
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gospel_scaffold._git import try_git
from gospel_scaffold.errors import TargetExistsError

__all__ = ["REPLACEABLE", "STAGING_PREFIX", "Placement", "committed_unmodified", "staged"]

#: The files of a fresh clone (a forge's "add a README / .gitignore") that the generated ones
#: may replace, when git has them committed and unmodified.
REPLACEABLE = frozenset({"README.md", ".gitignore"})
#: The name of a staging folder starts with this (inside the target, hidden).
STAGING_PREFIX = ".gospel-new-"


@dataclass
class Placement:
    """Moves a rendered project from its staging folder into the target, and can undo that.

    Whole entries the target lacks are moved in one rename; folders both have are merged;
    a file both have is refused unless it is a fresh clone's README.md or .gitignore that git
    has committed and unmodified, which is set aside and put back by :meth:`undo`.
    """

    target: Path
    top_level: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    _moves: list[str] = field(default_factory=list)
    _done: list[tuple[Path, Path, Path | None]] = field(default_factory=list)

    def plan(self, staging: Path) -> None:
        """Decide every move, and refuse the files the target already has.

        Raises:
            TargetExistsError: The target holds files the project would overwrite.
        """
        self.top_level = sorted(entry.name for entry in staging.iterdir())
        clashes: list[str] = []
        pending = list(self.top_level)
        while pending:
            relative = pending.pop(0)
            existing = self.target / relative
            if not _exists(existing):
                self._moves.append(relative)
            elif existing.is_dir() and (staging / relative).is_dir():
                pending += sorted(
                    f"{relative}/{entry.name}" for entry in (staging / relative).iterdir()
                )
            elif relative in REPLACEABLE and committed_unmodified(self.target, relative):
                self._moves.append(relative)
                self.replaced.append(relative)
            else:
                clashes.append(relative)
        if clashes:
            shown = ", ".join(clashes[:5]) + (
                f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
            )
            raise TargetExistsError(
                f"{self.target} already has {shown}, which the new project would overwrite; move "
                "them away or pick another NAME (a fresh clone's README.md and .gitignore are "
                "replaced only when committed and unmodified). Nothing changed"
            )

    def move(self, staging: Path) -> None:
        """Move the planned entries into the target, setting replaced files aside."""
        backups = staging / ".gospel-replaced"
        for relative in self._moves:
            source, destination = staging / relative, self.target / relative
            backup = backups / relative if relative in self.replaced else None
            # Recorded first: undo() can tell from the disk how far this step got.
            self._done.append((source, destination, backup))
            if backup is not None:
                backup.parent.mkdir(parents=True, exist_ok=True)
                destination.replace(backup)
            elif _exists(destination):
                raise TargetExistsError(f"{destination} appeared while gospel was working")
            source.replace(destination)

    def undo(self) -> None:
        """Take back every move, putting replaced files back; never touch what is not ours."""
        for source, destination, backup in reversed(self._done):
            if backup is not None:
                if _exists(backup):  # the user's file was set aside: whatever is there is ours
                    _remove(destination)
                    backup.replace(destination)
            elif not _exists(source):  # moved, so what is at the destination is ours
                _remove(destination)
        self._done.clear()


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def committed_unmodified(root: Path, relative: str) -> bool:
    """Whether git has ``relative`` committed in ``root``'s repository, unchanged on disk."""
    if shutil.which("git") is None or not (root / relative).is_file():
        return False
    if try_git(root, "ls-files", "--error-unmatch", "--", relative) is None:
        return False
    return try_git(root, "status", "--porcelain", "--", relative) == ""


@contextmanager
def staged(target: Path) -> Iterator[tuple[Path, Placement]]:
    """Yield an empty staging folder inside ``target`` and the placement that fills ``target``.

    ``target`` is created if missing. The staging folder is removed when the block ends. On any
    failure (including ``KeyboardInterrupt``, and SIGTERM, which the CLI turns into one) the
    placement is undone and ``target`` and any parent folders created for it are removed.
    """
    created = _missing_parents(target)
    staging = target / f"{STAGING_PREFIX}{secrets.token_hex(8)}"
    placement = Placement(target)
    # Everything that creates a directory happens inside the try, so that an interrupt arriving
    # right after a mkdir still finds its name and removes it.
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging.mkdir(mode=0o700)
        yield staging, placement
    except BaseException as error:
        with _signals_held():  # a second Ctrl-C must not cut the clean-up short
            placement.undo()
            if not (isinstance(error, FileExistsError) and error.filename == str(staging)):
                shutil.rmtree(staging, ignore_errors=True)  # unless it is another run's (a clash)
            if created is not None:
                shutil.rmtree(created, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block ends (where the platform can)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _missing_parents(directory: Path) -> Path | None:
    """Return the outermost ancestor of ``directory`` (itself included) that does not exist."""
    missing = None
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing
