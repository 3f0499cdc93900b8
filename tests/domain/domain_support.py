"""Helpers shared by the add-domain tests (a plain module: conftest names are ambiguous)."""

from __future__ import annotations

import hashlib
from pathlib import Path

Snapshot = dict[str, str]


def snapshot(root: Path) -> Snapshot:
    """Every file under ``root`` with the SHA-256 of its content (caches ignored)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"} & set(path.parts)
    }
