"""``gospel check``: hold a project to the gospel's architecture rules by reading its source.

The project is parsed with :mod:`ast` and never imported or run (except for the opt-in
``--migrations`` comparison, which runs Alembic in the project's own environment).

Use :func:`run_check` for a :class:`CheckResult`, and :mod:`gospel_scaffold.check.report` to
show it.
"""

from __future__ import annotations

from gospel_scaffold.check.model import RULES, CheckResult, Rule, Violation
from gospel_scaffold.check.runner import run_check

__all__ = ["RULES", "CheckResult", "Rule", "Violation", "run_check"]
