"""Show a :class:`~gospel_scaffold.check.model.CheckResult`: readable text or JSON for CI.

Text groups the violations by file, each with ``file:line:col``, its code, the message, how to
fix it and the command that prints the rule's page, then the rules that were skipped and why,
and a summary. Rich is imported only here, and only when text is printed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO

from gospel_scaffold.check.model import RULES, CheckResult

__all__ = ["JSON_VERSION", "layout_lines", "print_text", "to_json"]

#: The version of the JSON document's shape; bumped on incompatible changes.
JSON_VERSION = 1


def to_json(result: CheckResult, *, show_layout: bool = False) -> str:
    """Return the result as a JSON document (the shape of ``gospel check --format json``).

    The document holds ``version``, ``project``, ``ok``, ``summary`` (``violations``,
    ``files_with_violations``, ``files_checked``, ``suppressed``, ``by_code``), ``rules`` (the
    codes that ran), ``skipped`` (each with ``code``, ``rule`` and ``reason``), ``notes``,
    ``violations`` (each with ``code``, ``rule``, ``path``, ``line``, ``column``, ``message``,
    ``fix`` and ``docs``) and, with ``show_layout``, ``layout``.
    """
    document: dict[str, object] = {
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
        "skipped": [rule.to_dict() for rule in result.skipped],
        "notes": list(result.notes),
        "violations": [violation.to_dict() for violation in result.violations],
    }
    if show_layout:
        document["layout"] = result.layout
    return json.dumps(document, indent=2)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _get(document: Mapping[str, object], *keys: str) -> object:
    value: object = document
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def layout_lines(layout: Mapping[str, object]) -> list[str]:
    """Describe a ``--show-layout`` document in a few lines of plain text."""

    def given(key: str) -> str:
        return " (set in [tool.gospel])" if _get(layout, key, "origin") != "found" else ""

    applications = _get(layout, "application", "paths")
    application = ", ".join(applications) if isinstance(applications, list) else ""
    aggregators = _get(layout, "routers", "aggregators")
    through = ", ".join(aggregators) if isinstance(aggregators, list) and aggregators else "none"
    count = _get(layout, "models", "modules")
    models = _plural(count if isinstance(count, int) else 0, "model module")
    registry = _get(layout, "models", "registry")
    registers = _get(layout, "models", "registers")
    if registry is None:
        models += "; no model registry found"
    elif registers and registers != registry:
        models += f"; registry {registry}, which imports them through {registers}"
    else:
        models += f"; registry {registry}"
    tests = _get(layout, "tests", "paths")
    folders = ", ".join(f"{t}/" for t in tests) if isinstance(tests, list) and tests else "none"
    lines = [
        "Layout",
        f"  package      {_get(layout, 'package', 'path')}/ (import "
        f"{_get(layout, 'package', 'import')}, {_get(layout, 'package', 'files')} files)"
        f"{given('package')}",
        f"  python       {_get(layout, 'python', 'grammar')} grammar (requires-python "
        f"{_get(layout, 'python', 'requires_python') or 'not set'}; gospel runs on "
        f"{_get(layout, 'python', 'interpreter')})",
        f"  application  {application or 'no FastAPI() found'}{given('application')}",
        f"  routers      {_get(layout, 'routers', 'routers')} routers in "
        f"{_get(layout, 'routers', 'route_modules')} route modules; aggregators: {through}"
        f"{given('routers')}",
        f"  models       {models}{given('models')}",
        f"  tests        {folders} ({_get(layout, 'tests', 'files')} files){given('tests')}",
    ]
    excluded = _get(layout, "excluded")
    if isinstance(excluded, list) and excluded:
        lines.append(f"  not checked  {', '.join(f'{e}/' for e in excluded)} (tests, migrations)")
    return lines


def print_text(
    result: CheckResult,
    file: IO[str] | None = None,
    *,
    show_layout: bool = False,
    quiet: bool = False,
) -> None:
    """Print the result for people: grouped by file, with skipped rules and a summary line.

    Args:
        result: What the check found.
        file: Where to print (default: standard output).
        show_layout: Whether to describe the layout the check used first.
        quiet: Print the violations only: no summary, skipped rules or notes.
    """
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=file, highlight=False, soft_wrap=True)
    if show_layout:
        for line in layout_lines(result.layout):
            console.print(escape(line), style="bold" if line == "Layout" else None)
        console.print()
    checked = f"{_plural(result.files_checked, 'file')}, {_plural(len(result.codes), 'rule')}"
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    suppressed = f", {result.suppressed} suppressed" if result.suppressed else ""
    counts = f"{checked}{skipped}{suppressed}"
    for path, violations in result.by_path().items():
        console.print(f"[bold]{escape(path)}[/]")
        for v in violations:
            where = f"{path}:{v.line}:{v.column}"
            console.print(f"  [cyan]{escape(where)}[/] [bold red]{v.code}[/] {escape(v.message)}")
            console.print(f"      [dim]fix:[/] {escape(v.fix)} [dim](gospel rule {v.code})[/]")
        console.print()
    if quiet:
        return
    if result.ok:
        console.print(f"[green]✓ No gospel violations[/] ({counts}).")
    else:
        total = _plural(len(result.violations), "violation")
        files = _plural(len(result.by_path()), "file")
        console.print(f"[bold red]✗ Found {total} in {files}[/] ({counts}).")
        by_code = ", ".join(
            f"{code} {RULES[code].name}: {count}" for code, count in result.by_code().items()
        )
        console.print(f"  {escape(by_code)}")
    for rule in result.skipped:
        console.print(f"  [yellow]{rule.code} skipped:[/] {escape(rule.reason)}")
    for note in result.notes:
        console.print(f"  [dim]note:[/] {escape(note)}")
    if not result.ok:
        console.print(
            "  [dim]A rule's page: `gospel rule CODE`. Silence one place with "
            "`# gospel: ignore\\[CODE]`, a whole project with `\\[tool.gospel] ignore`.[/]"
        )
