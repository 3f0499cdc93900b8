"""Where ``gospel new`` takes its answers: --data, --data-file, the user's copier defaults."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel


def _answers(project: Path) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return loaded


@pytest.mark.parametrize("typo", ["flase", "ture", "yess", "maybe", "2", ""])
def test_new_refuses_a_yes_no_answer_that_is_neither(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path, typo: str
) -> None:
    result = run_gospel("new", "shop-api", "--data", f"include_manifest={typo}")

    assert_one_line_error(
        result, f"include_manifest={typo!r}", "yes/no question", "true or false", exit_code=2
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig"]


@pytest.mark.parametrize(("spelling", "expected"), [("Off", False), ("y", True)])
def test_new_accepts_every_spelling_of_yes_and_no(
    run_gospel: RunGospel, tmp_path: Path, spelling: str, expected: bool
) -> None:
    result = run_gospel("new", "shop-api", "--no-git", "-d", f"include_manifest={spelling}")

    assert result.returncode == 0, result.stderr
    assert _answers(tmp_path / "shop-api")["include_manifest"] is expected


def test_new_unknown_vcs_ref_names_the_option(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    from update.template_history import make_template_repo

    template = make_template_repo(tmp_path / "template-repo")

    result = run_gospel("new", "shop-api", "--template", str(template), "--vcs-ref", "v9.9.9")

    line = assert_one_line_error(
        result, "--vcs-ref v9.9.9: no such tag, branch or commit", exit_code=2
    )
    assert "invalid answer" not in line
    assert not (tmp_path / "shop-api").exists()


def test_new_data_file_reuses_another_projects_answers(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    first = run_gospel(
        "new", "shop-api", "--no-git", "-d", "python_version=3.13", "--database", "postgres"
    )
    assert first.returncode == 0, first.stderr

    result = run_gospel("new", "billing", "--no-git", "--data-file", "shop-api/.copier-answers.yml")

    assert result.returncode == 0, result.stderr
    answers = _answers(tmp_path / "billing")
    assert answers["project_name"] == "billing"  # NAME names the project, not the file
    assert answers["project_title"] == "Shop Api"  # copied like every other answer
    assert (answers["python_version"], answers["database"]) == ("3.13", "postgres")


def test_new_data_wins_over_the_data_file(run_gospel: RunGospel, tmp_path: Path) -> None:
    (tmp_path / "answers.yml").write_text("python_version: '3.13'\ninclude_manifest: false\n")

    result = run_gospel(
        "new", "shop-api", "--no-git", "--data-file", "answers.yml", "-d", "python_version=3.11"
    )

    assert result.returncode == 0, result.stderr
    answers = _answers(tmp_path / "shop-api")
    assert (answers["python_version"], answers["include_manifest"]) == ("3.11", False)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "cannot read it"),
        ("python_version: [3.13\n", "not valid YAML"),
        ("- python_version\n", "expected a mapping"),
        ("colour: blue\n", "unknown question 'colour'"),
        ("include_manifest: maybe\n", "yes/no question"),
    ],
    ids=["missing", "not-yaml", "not-a-mapping", "unknown-question", "yes-no-typo"],
)
def test_new_refuses_a_bad_data_file(
    run_gospel: RunGospel,
    assert_one_line_error: AssertOneLineError,
    tmp_path: Path,
    content: str | None,
    fragment: str,
) -> None:
    if content is not None:
        (tmp_path / "answers.yml").write_text(content)

    result = run_gospel("new", "shop-api", "--data-file", "answers.yml")

    assert_one_line_error(result, fragment, exit_code=2)
    assert not (tmp_path / "shop-api").exists()


def _copier_settings(tmp_path: Path, defaults: str) -> dict[str, str]:
    settings = tmp_path / "copier-settings.yml"
    settings.write_text(f"defaults:\n{defaults}")
    return {"COPIER_SETTINGS_PATH": str(settings)}


def test_new_takes_the_users_copier_defaults_below_given_answers(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    env = _copier_settings(
        tmp_path, "  python_version: '3.13'\n  database: postgres\n  description: Ours.\n"
    )

    result = run_gospel(
        "new", "shop-api", "--no-git", "--defaults", "-d", "database=sqlite", extra_env=env
    )

    assert result.returncode == 0, result.stderr
    answers = _answers(tmp_path / "shop-api")
    assert answers["python_version"] == "3.13"  # the user's default
    assert answers["description"] == "Ours."
    assert answers["database"] == "sqlite"  # --data wins over the user's default


def test_new_refuses_a_yes_no_typo_in_the_users_copier_defaults(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    env = _copier_settings(tmp_path, "  include_manifest: flase\n")

    result = run_gospel("new", "shop-api", "--defaults", extra_env=env)

    assert_one_line_error(result, "include_manifest='flase'", "copier settings", exit_code=2)
    assert not (tmp_path / "shop-api").exists()
