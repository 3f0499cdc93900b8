"""Format generated Python with the project's own ruff, so ``ruff format --check`` stays green.

The templates are written in ruff's style already; running ruff (the project's, or any on
PATH, or the one next to gospel's interpreter) settles line wrapping that depends on name
lengths. Without any ruff the text is used as rendered.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Formatter", "find_ruff"]


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
