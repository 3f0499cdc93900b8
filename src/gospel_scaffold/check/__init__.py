"""``gospel check``: hold a project to the gospel's architecture rules by reading its source.

The project's layout is discovered (:mod:`~gospel_scaffold.check.layout`), its package parsed
with :mod:`ast` (:mod:`~gospel_scaffold.check.codebase`) and never imported or run (except for
the opt-in ``--migrations`` comparison, which runs Alembic in the project's own environment).

Use :func:`run_check` for a :class:`CheckResult`, and :mod:`gospel_scaffold.check.report` to
show it.
"""

from __future__ import annotations

from gospel_scaffold.check.model import RULES, CheckResult, Rule, SkippedRule, Violation
from gospel_scaffold.check.runner import run_check

__all__ = ["RULES", "CheckResult", "Rule", "SkippedRule", "Violation", "run_check"]
