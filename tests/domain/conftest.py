"""Fixtures of the add-domain tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def project(shop_project: Path) -> Path:
    """A private, writable copy of the rendered ``shop`` project (SQLite)."""
    return shop_project
