"""`gospel rule` and `gospel check --explain`: a rule's page from the installed package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gospel_scaffold.check.model import RULES

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel

PAGE = Path(__file__).resolve().parents[2] / "docs/rules/GOS301.md"


def test_rule_prints_the_rules_page(run_gospel: RunGospel) -> None:
    done = run_gospel("rule", "gos301")

    assert done.returncode == 0, done.stderr
    assert done.stdout == PAGE.read_text(encoding="utf-8")


def test_check_explain_prints_the_same_page_without_checking(run_gospel: RunGospel) -> None:
    # Run from an empty folder: --explain reads no project.
    explained = run_gospel("check", "--explain", "GOS301")

    assert explained.returncode == 0, explained.stderr
    assert explained.stdout == run_gospel("rule", "GOS301").stdout


def test_rule_without_a_code_lists_every_rule(run_gospel: RunGospel) -> None:
    done = run_gospel("rule")

    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == list(RULES)
    assert "GOS801  migrations-out-of-sync" in done.stdout
    assert "(with --migrations)" in done.stdout


def test_unknown_rule_is_a_one_line_error(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    done = run_gospel("rule", "GOS999")

    assert_one_line_error(done, "unknown rule code 'GOS999'", "gospel rule", exit_code=2)
