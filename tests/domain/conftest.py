"""Fixtures of the add-domain tests: writable copies of the real rendered template."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def shop_template(
    shared_cache: Any, render_project: Callable[[Mapping[str, Any], Path], Path]
) -> Path:
    """The default template rendered once per session as project ``shop`` (read only)."""
    built: Path = shared_cache.get(
        "domain-shop", lambda root: render_project({"project_name": "shop"}, root / "shop")
    )
    return built / "shop"


@pytest.fixture
def project(shop_template: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the rendered ``shop`` project (SQLite)."""
    return Path(
        shutil.copytree(
            shop_template,
            tmp_path / "shop",
            ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache", "*.db"),
        )
    )
