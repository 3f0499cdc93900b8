"""Inline suppression comments: ``# gospel: ignore[GOS101]``.

A comment ``# gospel: ignore[CODE, CODE]`` on any line of the offending statement silences those
codes (or code prefixes) there; a bare ``# gospel: ignore`` silences every code on that
statement. Prefer naming the code: a bare ignore hides future problems too.
"""

from __future__ import annotations

import re

from gospel_scaffold.check.model import Violation
from gospel_scaffold.check.project import Project

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


def is_suppressed(violation: Violation, project: Project) -> bool:
    """Whether an inline comment in the project silences ``violation``."""
    source = project.get(violation.path)
    if source is None or "gospel" not in source.text:
        return False
    lines = source.lines
    last = max(violation.end_line, violation.line)
    for number in range(violation.line, min(last, len(lines)) + 1):
        codes = suppression_codes(lines[number - 1])
        if codes is None:
            continue
        if not codes or any(violation.code.startswith(code) for code in codes):
            return True
    return False
