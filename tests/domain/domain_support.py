"""Helpers shared by the add-domain tests (a plain module: conftest names are ambiguous)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan

Snapshot = dict[str, str]

PAYMENTS = [
    "amount:decimal:12,2",
    "currency:str:3",
    "status:enum:pending,paid,failed",
    "note:text:null",
    "paid_at:datetime:null",
    "customer:ref:customers",
]
"""The issue's example: a payment domain referencing ``customers``."""

CUSTOMERS = ["name:str:100", "email:str:320:unique"]
"""The domain PAYMENTS references."""


def add_domain(project: Path, name: str, specs: list[str], *, owner: bool = True) -> None:
    """Plan and apply ``gospel add-domain`` in-process."""
    apply_plan(plan_add(AddRequest(name, specs, project, owner=owner)))


def snapshot(root: Path) -> Snapshot:
    """Every file under ``root`` with the SHA-256 of its content (caches ignored)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"} & set(path.parts)
    }
