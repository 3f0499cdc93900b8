"""Where a project keeps its Alembic migrations, as its own configuration says."""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Mapping
from pathlib import Path

__all__ = ["script_locations"]


def script_locations(root: Path, pyproject: Mapping[str, object] | None = None) -> list[str]:
    """Return the Alembic script folders ``alembic.ini`` and ``[tool.alembic]`` name.

    Args:
        root: The project root.
        pyproject: Its parsed ``pyproject.toml``, if already read (else it is read here).

    Returns:
        The folders relative to ``root`` (``%(here)s`` resolved), ``alembic.ini``'s first;
        a ``package:folder`` location names a packaged folder, not a path, and is left out.
    """
    named: list[str] = []
    ini = root / "alembic.ini"
    if ini.is_file():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(ini, encoding="utf-8")
            location = parser.get("alembic", "script_location", fallback=None)
        except (configparser.Error, UnicodeDecodeError):
            location = None
        if location:
            named.append(location)
    if pyproject is None:
        pyproject = _read_pyproject(root)
    tool = pyproject.get("tool")
    alembic = tool.get("alembic") if isinstance(tool, dict) else None
    if isinstance(alembic, dict) and isinstance(alembic.get("script_location"), str):
        named.append(alembic["script_location"])
    folders = []
    for location in named:
        cleaned = location.replace("%(here)s", ".").strip().removeprefix("./").rstrip("/")
        if cleaned and ":" not in cleaned:
            folders.append(cleaned)
    return folders


def _read_pyproject(root: Path) -> Mapping[str, object]:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
