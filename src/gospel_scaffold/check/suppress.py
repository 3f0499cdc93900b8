"""Inline suppression comments: ``# gospel: ignore[GOS101]``.

A comment ``# gospel: ignore[CODE, CODE]`` on any line of the statement holding a violation
silences those codes (or code prefixes) there, wherever in the statement the violation points;
for a compound statement (``class``, ``def``, ``if``, ...) the lines are its header, decorators
included, never its body. A bare ``# gospel: ignore`` silences every code on that statement.
Prefer naming the code: a bare ignore hides future problems too.

The lines come from :attr:`Violation.start_line` and :attr:`Violation.end_line`, which
:meth:`Rule.at` fills from :meth:`SourceFile.statement_lines` for every rule.
"""

from __future__ import annotations

import re

from gospel_scaffold.check.codebase import Codebase
from gospel_scaffold.check.model import Violation

__all__ = ["is_suppressed", "suppression_codes"]

_COMMENT = re.compile(r"#\s*gospel:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)


def suppression_codes(line: str) -> tuple[str, ...] | None:
    """Return the codes a line's suppression comment names.

    Args:
        line: One source line.

    Returns:
        ``None`` when the line has no suppression comment, ``()`` for a bare
        ``# gospel: ignore`` (every code), else the upper-cased codes or prefixes.
    """
    if "gospel" not in line:
        return None
    found = _COMMENT.search(line)
    if found is None:
        return None
    codes = found.group("codes")
    if codes is None:
        return ()
    return tuple(code.strip().upper() for code in codes.split(",") if code.strip())


def is_suppressed(violation: Violation, codebase: Codebase) -> bool:
    """Whether an inline comment in the project silences ``violation``."""
    source = codebase.get(violation.path)
    if source is None or "gospel" not in source.text:
        return False
    lines = source.lines
    first = min(violation.start_line or violation.line, violation.line)
    last = max(violation.end_line, violation.line)
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        codes = suppression_codes(lines[number - 1])
        if codes is None:
            continue
        if not codes or any(violation.code.startswith(code) for code in codes):
            return True
    return False
