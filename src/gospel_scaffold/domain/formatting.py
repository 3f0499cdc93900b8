"""Format generated Python with the project's own ruff, so ``ruff format --check`` stays green.

The templates are written in ruff's style already; running ruff (the project's, or any on
PATH, or the one next to gospel's interpreter) settles line wrapping that depends on name
lengths. Without any ruff the text is used as rendered.

A command formats everything it writes with one ruff process (:meth:`Formatter.format_many`):
the texts go to a scratch folder and ruff reads the project's own configuration file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Formatter", "find_ruff", "ruff_config"]


def find_ruff(root: Path) -> str | None:
    """Return the ruff executable to use for the project at ``root``, if any."""
    own = root / ".venv" / "bin" / "ruff"
    if own.is_file():
        return str(own)
    on_path = shutil.which("ruff")
    if on_path:
        return on_path
    beside = Path(sys.executable).parent / "ruff"
    return str(beside) if beside.is_file() else None


def ruff_config(root: Path) -> Path | None:
    """Return the ruff configuration file that applies to ``root``, as ruff finds it."""
    for directory in (root, *root.parents):
        for name in (".ruff.toml", "ruff.toml"):
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "ruff" in data.get("tool", {}):
                return pyproject
    return None


@dataclass
class Formatter:
    """Formats Python text as the project's ruff would.

    Attributes:
        root: The project root (ruff reads its ``pyproject.toml``).
        ruff: The ruff executable, or ``None`` to leave text as rendered.
    """

    root: Path
    ruff: str | None

    @classmethod
    def for_project(cls, root: Path) -> Formatter:
        """Return a formatter using the best ruff available for ``root``."""
        return cls(root, find_ruff(root))

    def _run(self, args: list[str], text: str, path: str) -> str:
        assert self.ruff is not None
        try:
            done = subprocess.run(
                [self.ruff, *args, "--stdin-filename", str(self.root / path), "-"],
                input=text,
                capture_output=True,
                text=True,
                cwd=self.root,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return text
        return done.stdout if done.returncode == 0 and done.stdout else text

    def format(self, text: str, path: str) -> str:
        """Return ``text`` (the content of ``path``) as ``ruff format`` writes it.

        Imports are sorted by the templates themselves: ruff's isort would classify modules
        that do not exist yet (the ones being generated) as third-party.
        """
        if self.ruff is None or not path.endswith(".py"):
            return text
        return self._run(["format", "--quiet"], text, path)

    def format_many(self, texts: Mapping[str, str]) -> dict[str, str]:
        """Format several files at once: ``{path: text}`` in, the formatted texts out.

        One ruff process for all of them, reading the project's configuration file; a text
        ruff cannot format (a syntax error) comes back as it went in, as with :meth:`format`.
        """
        result = dict(texts)
        python = {path: text for path, text in texts.items() if path.endswith(".py")}
        if self.ruff is None or not python:
            return result
        config = ruff_config(self.root)
        if config is None or len(python) == 1:
            result.update({path: self.format(text, path) for path, text in python.items()})
            return result
        with tempfile.TemporaryDirectory(prefix="gospel-format-") as scratch:
            files = {path: Path(scratch) / path for path in python}
            for path, target in files.items():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(python[path], encoding="utf-8")
            try:
                subprocess.run(
                    [
                        self.ruff,
                        "format",
                        "--quiet",
                        "--no-cache",
                        "--config",
                        str(config),
                        *map(str, files.values()),
                    ],
                    capture_output=True,
                    cwd=scratch,
                    timeout=60,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired):
                return result
            for path, target in files.items():
                formatted = target.read_text(encoding="utf-8")
                if formatted:
                    result[path] = formatted
        return result
