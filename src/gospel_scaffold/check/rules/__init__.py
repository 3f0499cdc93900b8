"""The rule families of ``gospel check``, one module each, and the registry of their checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gospel_scaffold.check.codebase import Codebase
from gospel_scaffold.check.model import Violation
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

#: A check: reads the codebase, yields the violations of one rule (or raises RuleSkipped).
Check = Callable[[Codebase], Iterable[Violation]]

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
