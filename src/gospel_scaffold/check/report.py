"""Show a :class:`~gospel_scaffold.check.model.CheckResult`: readable text or JSON for CI.

Text groups the violations by file, each with ``file:line:col``, its code, the message and how
to fix it, then a summary. Rich is imported only here, and only when text is printed.
"""

from __future__ import annotations

import json
from typing import IO

from gospel_scaffold.check.model import RULES, CheckResult

__all__ = ["JSON_VERSION", "print_text", "to_json"]

#: The version of the JSON document's shape; bumped on incompatible changes.
JSON_VERSION = 1


def to_json(result: CheckResult) -> str:
    """Return the result as a JSON document (the shape of ``gospel check --format json``).

    The document holds ``version``, ``project``, ``ok``, ``summary`` (``violations``,
    ``files_with_violations``, ``files_checked``, ``suppressed``, ``by_code``), ``rules`` (the
    codes that ran) and ``violations`` (each with ``code``, ``rule``, ``path``, ``line``,
    ``column``, ``message``, ``fix`` and ``docs``).
    """
    document = {
        "version": JSON_VERSION,
        "project": result.root,
        "ok": result.ok,
        "summary": {
            "violations": len(result.violations),
            "files_with_violations": len(result.by_path()),
            "files_checked": result.files_checked,
            "suppressed": result.suppressed,
            "by_code": result.by_code(),
        },
        "rules": list(result.codes),
        "violations": [violation.to_dict() for violation in result.violations],
    }
    return json.dumps(document, indent=2)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def print_text(result: CheckResult, file: IO[str] | None = None) -> None:
    """Print the result for people: grouped by file, with a summary line.

    Args:
        result: What the check found.
        file: Where to print (default: standard output).
    """
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=file, highlight=False, soft_wrap=True)
    checked = f"{_plural(result.files_checked, 'file')}, {_plural(len(result.codes), 'rule')}"
    suppressed = f", {result.suppressed} suppressed" if result.suppressed else ""
    if result.ok:
        console.print(f"[green]✓ No gospel violations[/] ({checked}{suppressed}).")
        return
    for path, violations in result.by_path().items():
        console.print(f"[bold]{escape(path)}[/]")
        for v in violations:
            where = f"{path}:{v.line}:{v.column}"
            console.print(f"  [cyan]{escape(where)}[/] [bold red]{v.code}[/] {escape(v.message)}")
            console.print(f"      [dim]fix:[/] {escape(v.fix)}")
        console.print()
    counts = ", ".join(
        f"{code} {RULES[code].name}: {count}" for code, count in result.by_code().items()
    )
    total = _plural(len(result.violations), "violation")
    files = _plural(len(result.by_path()), "file")
    console.print(f"[bold red]✗ Found {total} in {files}[/] ({checked}{suppressed}).")
    console.print(f"  {escape(counts)}")
    console.print(
        "  [dim]Rules are documented in gospel's docs/rules/<CODE>.md; silence one place with "
        "`# gospel: ignore\\[CODE]`, a whole project with `\\[tool.gospel] ignore`.[/]"
    )
