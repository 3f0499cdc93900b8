"""What a generated project already holds: its models, migrations, records and settings."""

from __future__ import annotations

import ast
import functools
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from gospel_scaffold.domain.registered import table_name
from gospel_scaffold.errors import NotAProjectError

__all__ = [
    "GitStatus",
    "ModelInfo",
    "Project",
    "Revision",
    "find_project",
    "read_revisions",
    "uncommitted_note",
]

_REVISION = re.compile(r"^revision(?:\s*:\s*[\w\[\], |]+)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision(?:\s*:\s*[\w\[\], |]+)?\s*=\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ModelInfo:
    """A mapped class found under ``app/models``.

    Attributes:
        class_name: The class (``User``).
        table: Its ``__tablename__``.
        module: Its module name (``user``).
        path: Its file, relative to the project root.
    """

    class_name: str
    table: str
    module: str
    path: str


@dataclass(frozen=True)
class Revision:
    """One Alembic migration file.

    Attributes:
        revision: Its revision id.
        down_revisions: The revisions it follows (empty for a base).
        path: Its file, relative to the project root.
    """

    revision: str
    down_revisions: tuple[str, ...]
    path: str


@dataclass
class Project:
    """A project made by ``gospel new``.

    Attributes:
        root: The project directory.
        line_length: The project's ruff line length.
    """

    root: Path
    line_length: int = 100

    @functools.cached_property
    def models(self) -> dict[str, ModelInfo]:
        """Mapped classes under ``app/models`` by table name (read when first asked)."""
        return _scan_models(self.root)

    def path(self, relative: str) -> Path:
        """Return ``relative`` inside the project."""
        return self.root / relative

    def read(self, relative: str) -> str | None:
        """Return the text of a project file, or ``None`` when it does not exist."""
        target = self.path(relative)
        return target.read_text(encoding="utf-8") if target.is_file() else None

    def revisions(self) -> list[Revision]:
        """Return the project's migrations."""
        return read_revisions(self.root)

    def heads(self) -> list[str]:
        """Return the revisions no other migration follows."""
        revisions = self.revisions()
        followed = {down for rev in revisions for down in rev.down_revisions}
        return sorted(rev.revision for rev in revisions if rev.revision not in followed)


def read_revisions(root: Path) -> list[Revision]:
    """Parse ``revision`` and ``down_revision`` of every file in ``migrations/versions``.

    Args:
        root: The project root.

    Returns:
        The migrations found, sorted by path.
    """
    versions = root / "migrations" / "versions"
    revisions: list[Revision] = []
    if not versions.is_dir():
        return revisions
    for path in sorted(versions.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        match = _REVISION.search(text)
        if match is None:
            continue
        down = _DOWN_REVISION.search(text)
        downs: tuple[str, ...] = ()
        if down is not None:
            downs = tuple(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
        revisions.append(Revision(match.group(1), downs, path.relative_to(root).as_posix()))
    return revisions


def _scan_models(root: Path) -> dict[str, ModelInfo]:
    models: dict[str, ModelInfo] = {}
    for path in sorted((root / "app" / "models").glob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            if (table := table_name(node)) is not None:
                models[table] = ModelInfo(
                    class_name=node.name,
                    table=table,
                    module=path.stem,
                    path=path.relative_to(root).as_posix(),
                )
    return models


def _line_length(root: Path) -> int:
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return 100
    value = data.get("tool", {}).get("ruff", {}).get("line-length", 88)
    return value if isinstance(value, int) else 88


_MARKERS = ("app/db/database.py", "app/api/routes/__init__.py", "migrations/versions")


def find_project(directory: Path) -> Project:
    """Return the gospel project at ``directory`` or the nearest one above it (as git does).

    Args:
        directory: Where the command runs (the current directory or ``--project``).

    Returns:
        The project, with its models scanned.

    Raises:
        NotAProjectError: Neither ``directory`` nor any folder above it is a project made by
            ``gospel new``.
    """
    start = directory.resolve()
    for root in (start, *start.parents):
        if all((root / name).exists() for name in _MARKERS):
            return Project(root=root, line_length=_line_length(root))
    missing = [name for name in _MARKERS if not (start / name).exists()]
    raise NotAProjectError(start, f"no {', '.join(missing)}, here or in any folder above")


class GitStatus:
    """``git status`` of the project, asked at the start of a command and read at its end.

    The status runs in the background while the command plans; :meth:`note` says whether the
    tree already had uncommitted changes (the user should review gospel's change separately).
    """

    def __init__(self, process: subprocess.Popen[str] | None) -> None:
        self._process = process

    @classmethod
    def start(cls, root: Path) -> GitStatus:
        """Start ``git status`` in ``root`` (nothing when git is not installed)."""
        git = shutil.which("git")
        if git is None:
            return cls(None)
        command = [git, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"]
        process = subprocess.Popen(
            [*command, "--", "."],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        return cls(process)

    def note(self) -> str | None:
        """Return a note when the tree had uncommitted changes, else ``None``."""
        if self._process is None:
            return None
        output, _ = self._process.communicate()
        if self._process.returncode != 0 or not output.strip():
            return None
        count = len(output.strip().splitlines())
        return (
            f"Note: the git tree already had {count} uncommitted change(s) before this run; "
            "review everything with `git diff` before you commit"
        )

    def __enter__(self) -> GitStatus:
        return self

    def __exit__(self, *_exc: object) -> None:
        # A command that failed half-way does not leave git running behind it.
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()


def uncommitted_note(root: Path) -> str | None:
    """Return a note when the project's git tree has uncommitted changes, else ``None``."""
    return GitStatus.start(root).note()
