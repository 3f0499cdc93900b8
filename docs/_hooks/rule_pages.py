"""MkDocs hook: list every ``docs/rules/GOSxxx.md`` under "Check rules" in the navigation.

A rule added to ``gospel check`` with its page is in the site's navigation without touching
``mkdocs.yml``; the pages are listed in code order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SECTION = "Check rules"


def _fill(nav: Any, pages: list[str]) -> bool:
    if isinstance(nav, list):
        return any(_fill(item, pages) for item in nav)
    if isinstance(nav, dict):
        for title, value in nav.items():
            if title == SECTION:
                nav[title] = pages
                return True
            if _fill(value, pages):
                return True
    return False


def on_config(config: Any, **kwargs: Any) -> Any:
    """Put the rule pages in the "Check rules" section of the navigation."""
    rules = sorted(Path(config["docs_dir"], "rules").glob("GOS*.md"))
    _fill(config["nav"], [f"rules/{page.name}" for page in rules])
    return config
