"""The rule registry, its documentation and the published pre-commit hook."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gospel_scaffold.check.model import RULES

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_codes_are_stable_and_grouped_by_family():
    families = {
        "1": "models",
        "2": "registration",
        "3": "routers",
        "4": "sessions",
        "5": "layering",
        "6": "schemas",
        "7": "tests",
        "8": "migrations",
    }
    for code, rule in RULES.items():
        assert re.fullmatch(r"GOS[1-8]\d\d", code)
        assert rule.family == families[code[3]]
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert len({rule.name for rule in RULES.values()}) == len(RULES)


def test_every_rule_has_a_docs_page_with_what_why_and_fix():
    for rule in RULES.values():
        page = REPO_ROOT / rule.docs
        assert page.is_file(), rule.docs
        text = page.read_text(encoding="utf-8")
        assert text.startswith(f"# {rule.code} — {rule.name}\n")
        for heading in ("## What it reports", "## Why", "## How to fix"):
            assert heading in text, (rule.code, heading)
        assert "Gospel:" in text


def test_check_docs_list_every_rule():
    overview = (REPO_ROOT / "docs/check.md").read_text(encoding="utf-8")
    for code in RULES:
        assert f"[{code}](rules/{code}.md)" in overview


def test_only_the_migration_rule_is_opt_in():
    assert [code for code, rule in RULES.items() if rule.opt_in] == ["GOS801"]


def test_pre_commit_hook_runs_gospel_check_on_the_whole_project():
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "gospel-check")
    assert hook["entry"] == "gospel check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "app/models/user.py")
    assert re.search(hook["files"], "pyproject.toml")
    assert not re.search(hook["files"], "README.md")
