"""The rule families of ``gospel check``, one module each, and the registry of their checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gospel_scaffold.check.model import Violation
from gospel_scaffold.check.project import Project
from gospel_scaffold.check.rules import (
    layering,
    migrations,
    models,
    registration,
    routers,
    schemas,
    sessions,
    testing,
)

__all__ = ["CHECKS", "Check"]

#: A check: reads the project, yields the violations of one rule.
Check = Callable[[Project], Iterable[Violation]]

#: Every check, by rule code.
CHECKS: dict[str, Check] = {
    **models.CHECKS,
    **registration.CHECKS,
    **routers.CHECKS,
    **sessions.CHECKS,
    **layering.CHECKS,
    **schemas.CHECKS,
    **testing.CHECKS,
    **migrations.CHECKS,
}
