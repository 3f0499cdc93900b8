"""[tool.gospel] in the project's pyproject.toml, and --select/--ignore."""

from __future__ import annotations

import pytest

from gospel_scaffold.check.config import load_config, parse_selectors
from gospel_scaffold.errors import InvalidInputError, UnreadableProjectError

BROKEN_TESTS = "tests/integration/test_payments_routes.py"


def test_project_wide_ignore_silences_a_rule(project):
    project.remove(BROKEN_TESTS)
    assert [code for *_, code in project.found()] == ["GOS701"]
    project.append("pyproject.toml", '\n[tool.gospel]\nignore = ["GOS701"]\n')
    result = project.check()
    assert result.ok
    assert "GOS701" not in result.codes


def test_select_in_configuration_runs_only_those_rules(project):
    project.append("pyproject.toml", '\n[tool.gospel]\nselect = ["GOS2"]\n')
    assert project.check().codes == ("GOS201", "GOS202", "GOS203")


def test_command_line_select_replaces_and_ignore_adds(project):
    project.append("pyproject.toml", '\n[tool.gospel]\nselect = ["GOS2"]\nignore = ["GOS203"]\n')
    result = project.check(select=["GOS1,GOS201"], ignore=["GOS102"])
    assert result.codes == ("GOS101", "GOS103", "GOS201")


def test_per_file_ignores_silence_codes_in_matching_files(project):
    project.append(
        "app/api/routes/payments.py",
        '\n\n@router.get("/raw")\nasync def raw(session: SessionDep):\n'
        '    return await session.execute("x")\n',
    )
    assert [code for *_, code in project.found()] == ["GOS301"]
    project.append(
        "pyproject.toml", '\n[tool.gospel.per-file-ignores]\n"app/api/routes/*.py" = ["GOS3"]\n'
    )
    result = project.check()
    assert result.ok
    assert result.suppressed == 1


@pytest.mark.parametrize("selection", [[""], [","], [" , "], []])
def test_empty_command_line_select_is_invalid_input_not_no_rules(project, selection):
    with pytest.raises(InvalidInputError, match="--select names no rule"):
        project.check(select=selection)


def test_empty_configured_select_makes_the_project_unreadable_not_rule_free(project):
    project.append("pyproject.toml", "\n[tool.gospel]\nselect = []\n")
    with pytest.raises(UnreadableProjectError, match="names no rule"):
        project.check()


def test_command_line_select_still_overrides_a_valid_configured_select(project):
    project.append("pyproject.toml", '\n[tool.gospel]\nselect = ["GOS2"]\n')
    assert project.check(select=["GOS101"]).codes == ("GOS101",)


def test_opt_in_migration_rule_runs_only_when_asked(project):
    result = project.check()
    assert "GOS801" not in result.codes
    assert result.skipped == ()  # not asked for by name: nothing to say


def test_selecting_only_the_opt_in_rule_without_migrations_is_an_error_not_silence(project):
    with pytest.raises(InvalidInputError, match="picks only GOS801, which runs only with --migr"):
        project.check(select=["GOS8"])


def test_naming_the_opt_in_rule_among_others_says_it_was_skipped(project):
    result = project.check(select=["GOS801", "GOS1"])
    assert result.codes == ("GOS101", "GOS102", "GOS103")
    assert [(rule.code, rule.reason.split(":")[0]) for rule in result.skipped] == [
        ("GOS801", "needs --migrations")
    ]


def test_ignoring_every_selected_rule_is_an_error(project):
    with pytest.raises(InvalidInputError, match="no rule left to run"):
        project.check(select=["GOS1"], ignore=["GOS1"])


def test_selectors_are_upper_cased_and_split_on_commas():
    assert parse_selectors(["gos101, GOS2"], where="--select") == ("GOS101", "GOS2")


def test_unknown_selector_is_invalid_input():
    with pytest.raises(InvalidInputError, match="unknown rule code 'GOS999'"):
        parse_selectors(["GOS999"], where="--select")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('ignore = ["NOPE"]', "unknown rule code"),
        ("ignore = 3", "must be a list"),
        ('colour = "red"', "unknown key 'colour'"),
    ],
)
def test_malformed_configuration_makes_the_project_unreadable(project, section, message):
    project.append("pyproject.toml", f"\n[tool.gospel]\n{section}\n")
    with pytest.raises(UnreadableProjectError, match=message):
        load_config(project.root)


def test_project_without_pyproject_uses_defaults(project):
    project.remove("pyproject.toml")
    config = load_config(project.root)
    assert config.select is None
    assert config.ignore == ()


def test_every_configuration_key_is_documented():
    import re
    from pathlib import Path

    from gospel_scaffold.check.config import _KEYS

    docs = (Path(__file__).resolve().parents[2] / "docs/check.md").read_text(encoding="utf-8")
    for key in _KEYS:
        documented = re.search(rf"^(# )?{re.escape(key)} = ", docs, re.MULTILINE)
        assert documented or f"[tool.gospel.{key}]" in docs, key
