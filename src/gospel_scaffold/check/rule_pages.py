"""The rules' documentation pages, as shipped with gospel (``gospel rule GOS301``).

The pages are written once, in the repository's ``docs/rules/<CODE>.md`` (the documentation
site renders them). A wheel carries the same files as ``gospel_scaffold/_docs/rules/``
(``pyproject.toml`` force-includes the folder); a source checkout or an editable install reads
them from ``docs/rules/`` directly.
"""

from __future__ import annotations

from pathlib import Path

from gospel_scaffold.check.model import RULES
from gospel_scaffold.errors import InvalidInputError, ProjectError

__all__ = ["rule_page", "rule_pages_dir"]


def rule_pages_dir() -> Path:
    """Return the folder holding the rule pages.

    Raises:
        ProjectError: Neither the packaged pages nor a checkout's ``docs/rules`` exist (a
            broken installation).
    """
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_docs" / "rules", package.parents[1] / "docs" / "rules"):
        if (candidate / "GOS101.md").is_file():
            return candidate
    raise ProjectError("gospel's rule pages are missing; reinstall gospel-scaffold")


def rule_page(code: str) -> str:
    """Return the Markdown page of the rule ``code`` (any case: ``gos301`` works).

    Raises:
        InvalidInputError: ``code`` names no rule.
        ProjectError: the pages are missing from the installation.
    """
    wanted = code.strip().upper()
    if wanted not in RULES:
        raise InvalidInputError(
            f"unknown rule code {code.strip()!r} (known codes: {', '.join(RULES)}; "
            "`gospel rule` lists them)"
        )
    return (rule_pages_dir() / f"{wanted}.md").read_text(encoding="utf-8")
