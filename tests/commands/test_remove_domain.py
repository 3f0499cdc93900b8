"""``gospel remove-domain``, run as a real subprocess on a real rendered project."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest


def gospel(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gospel_scaffold", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture
def shop(
    shared_cache: Any,
    render_project: Callable[[Mapping[str, Any], Path], Path],
    tmp_path: Path,
) -> Path:
    built: Path = shared_cache.get(
        "domain-shop", lambda root: render_project({"project_name": "shop"}, root / "shop")
    )
    return Path(shutil.copytree(built / "shop", tmp_path / "shop"))


def test_remove_domain_undoes_add_domain_exactly(shop: Path) -> None:
    before = tree(shop)
    for args in (
        ["customers", "name:str:100"],
        ["payments", "amount:decimal:12,2:null", "customer:ref:customers"],
    ):
        assert gospel("add-domain", *args, cwd=shop).returncode == 0

    refused = gospel("remove-domain", "customers", cwd=shop)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "Error: Domain 'customers' is still referenced by payments.customer; remove those "
        "domains (or fields) first"
    ]

    dry = gospel("remove-domain", "payments", "--dry-run", cwd=shop)
    assert dry.returncode == 0, dry.stderr
    assert "--- a/app/models/payments.py\n+++ /dev/null\n" in dry.stdout
    assert "-from app.models.payments import Payment  # noqa: E402, F401\n" in dry.stdout

    removed = gospel("remove-domain", "payments", cwd=shop)
    assert removed.returncode == 0, removed.stderr
    assert "  [x] Delete app/models/payments.py" in removed.stdout.splitlines()
    assert "Deleted the migration: it was never applied" in removed.stdout

    data = json.loads(gospel("remove-domain", "customers", "--json", cwd=shop).stdout)
    assert (data["operation"], data["domain"], data["applied"]) == (
        "remove-domain",
        "customers",
        True,
    )
    assert tree(shop) == before


def test_removing_an_unknown_domain_is_one_line(shop: Path) -> None:
    result = gospel("remove-domain", "ghosts", cwd=shop)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: No domain 'ghosts' was added with gospel add-domain in this project "
        "(domains it can remove: none)"
    ]
