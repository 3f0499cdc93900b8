"""``gospel update`` through the real CLI: exit codes and messages users see."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from terminal import Terminal
from update import template_history
from update.template_history import (
    V1,
    V2,
    V2_LIMITS,
    Generate,
    checkout_env,
    commit_all,
    run_git,
)

from gospel_scaffold.update.run import read_origin

# The fixtures of tests/update: a template repository tagged v1/v2 and projects made from it,
# and gospel itself as a git checkout.
git_env = template_history.git_env
template_repo = template_history.template_repo
generate = template_history.generate
gospel_checkout = template_history.gospel_checkout


def _edit_first_line_of_main(root: Path) -> None:
    main = root / "app" / "main.py"
    lines = main.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = '"""Our own first line."""\n'
    main.write_text("".join(lines), encoding="utf-8")
    commit_all(root, "Edit the line the template changes in v2")


def test_project_from_gospel_new_template_updates_and_lists_changed_files(
    template_repo: Path, git_env: None, run_gospel, tmp_path: Path
) -> None:
    created = run_gospel(
        "new", "shop-api", "--template", str(template_repo), "--vcs-ref", V1, "--defaults"
    )
    assert created.returncode == 0, created.stderr
    root = tmp_path / "shop-api"
    answers = (root / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_commit: {V1}" in answers
    assert f"_src_path: {template_repo.resolve()}" in answers

    result = run_gospel("update", "--trust", cwd=root / "app")

    assert result.returncode == 0, result.stderr
    assert f"from template {V1} to {V2}" in result.stdout
    assert V2_LIMITS in result.stdout
    assert (root / V2_LIMITS).is_file()
    assert run_git(root, "log", "--format=%s").count("\n") == 1  # gospel never commits


def test_data_changes_an_answer_and_a_wrong_one_is_one_line(
    template_repo: Path, generate: Generate, run_gospel, assert_one_line_error
) -> None:
    root = generate(str(template_repo), vcs_ref=V2).root

    wrong = run_gospel("update", "--trust", "-d", "deploy=helm", cwd=root)
    changed = run_gospel("update", "--trust", "-d", "deploy=kubernetes", cwd=root)

    assert_one_line_error(wrong, "deploy", "helm", exit_code=1)
    assert changed.returncode == 0, changed.stderr
    # Same version, another answer: the report names the version it stays at.
    assert f"shop-api (template {V2})" in changed.stdout
    assert "deploy/kubernetes/base/deployment.yaml" in changed.stdout


def test_conflict_exits_3_and_names_the_file(
    template_repo: Path, generate: Generate, run_gospel, assert_one_line_error
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    _edit_first_line_of_main(root)

    result = run_gospel("update", "--trust", "--project", str(root))

    line = assert_one_line_error(result, "conflicts in 1 file(s): app/main.py", exit_code=3)
    assert "resolve the markers" in line
    assert "<<<<<<< before updating" in (root / "app" / "main.py").read_text(encoding="utf-8")


def test_dry_run_with_conflict_changes_nothing(
    template_repo: Path, generate: Generate, run_gospel, assert_one_line_error
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    _edit_first_line_of_main(root)

    result = run_gospel("update", "--dry-run", "--trust", "--conflict", "rej", cwd=root)

    assert_one_line_error(result, "would leave conflicts", "app/main.py", exit_code=3)
    assert "Would update" in result.stdout
    assert run_git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_dirty_tree_is_refused_with_a_clear_message(
    template_repo: Path, generate: Generate, run_gospel, assert_one_line_error
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    (root / "scratch.txt").write_text("not committed", encoding="utf-8")

    result = run_gospel("update", "--trust", cwd=root)

    assert_one_line_error(
        result, "uncommitted changes (scratch.txt)", "Nothing was changed", exit_code=1
    )
    assert run_git(root, "status", "--porcelain", "--untracked-files=all") == "?? scratch.txt\n"
    assert f"_commit: {V1}" in (root / ".copier-answers.yml").read_text(encoding="utf-8")


def test_outside_a_project_is_an_error(run_gospel, assert_one_line_error, tmp_path: Path) -> None:
    result = run_gospel("update", cwd=tmp_path)

    assert_one_line_error(result, "is not a gospel project (no .copier-answers.yml", exit_code=2)


def _describe(repo: Path) -> str:
    return run_git(repo, "describe", "--tags", "--always").strip()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--no-template", "--no-domains"], "leave nothing to update"),
        (["--no-domains", "--domain", "payments"], "--no-domains skips all"),
        (["--no-template", "-d", "deploy=kubernetes"], "-d changes a template answer"),
    ],
)
def test_options_that_contradict_each_other_are_refused_before_anything_is_read(
    options: list[str], message: str, run_gospel, assert_one_line_error, tmp_path: Path
) -> None:
    result = run_gospel("update", *options, cwd=tmp_path)

    assert_one_line_error(result, message, exit_code=2)


def test_project_from_a_gospel_checkout_updates_to_its_newer_commits(
    gospel_checkout: Path, run_gospel, tmp_path: Path
) -> None:
    env = checkout_env(gospel_checkout)
    created = run_gospel("new", "shop-api", "--defaults", extra_env=env)
    assert created.returncode == 0, created.stderr
    root = tmp_path / "shop-api"
    made_at = _describe(gospel_checkout)  # v0.1.0-1-g<sha>: an untagged commit
    assert read_origin(root).src_path == gospel_checkout.resolve().as_posix()
    assert read_origin(root).commit == made_at
    notes = gospel_checkout / "template" / "NOTES.md"
    notes.write_text("Added by a newer gospel commit.\n", encoding="utf-8")
    commit_all(gospel_checkout, "Template: add NOTES.md")

    result = run_gospel("update", cwd=root, extra_env=env)

    assert result.returncode == 0, result.stderr
    assert f"from template {made_at} to {_describe(gospel_checkout)}" in result.stdout
    assert (root / "NOTES.md").read_text(encoding="utf-8") == "Added by a newer gospel commit.\n"
    assert read_origin(root).commit == _describe(gospel_checkout)


def test_project_at_the_checkouts_head_is_up_to_date_and_still_takes_new_answers(
    gospel_checkout: Path, run_gospel, tmp_path: Path
) -> None:
    env = checkout_env(gospel_checkout)
    assert run_gospel("new", "shop-api", "--defaults", extra_env=env).returncode == 0
    root = tmp_path / "shop-api"
    made_at = read_origin(root).commit

    unchanged = run_gospel("update", cwd=root, extra_env=env)
    answered = run_gospel("update", "-d", "deploy=kubernetes", cwd=root, extra_env=env)

    assert unchanged.returncode == 0, unchanged.stderr
    assert f"Already up to date at template {made_at}" in unchanged.stdout
    assert answered.returncode == 0, answered.stderr
    assert (root / "deploy" / "kubernetes" / "base" / "kustomization.yaml").is_file()
    assert "deploy: kubernetes" in (root / ".copier-answers.yml").read_text(encoding="utf-8")
    assert read_origin(root).commit == made_at


def test_update_from_a_checkout_with_uncommitted_template_changes_is_refused(
    gospel_checkout: Path, run_gospel, assert_one_line_error, tmp_path: Path
) -> None:
    env = checkout_env(gospel_checkout)
    assert run_gospel("new", "shop-api", "--defaults", extra_env=env).returncode == 0
    root = tmp_path / "shop-api"
    (gospel_checkout / "template" / "NOTES.md").write_text("Draft.\n", encoding="utf-8")

    result = run_gospel("update", cwd=root, extra_env=env)

    assert_one_line_error(
        result, "uncommitted changes (template/NOTES.md)", "pass --to REF", exit_code=1
    )
    assert not (root / "NOTES.md").exists()
    assert run_git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_update_json_reports_what_changed(
    template_repo: Path, generate: Generate, run_gospel
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root

    result = run_gospel("update", "--trust", "--json", cwd=root)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # nothing else on stdout
    assert (document["from"], document["to"]) == (V1, V2)
    assert V2_LIMITS in document["changed"]
    assert document["conflicts"] == []
    assert (document["dry_run"], document["up_to_date"], document["checks"]) == (False, False, [])
    assert document["project"] == str(root)


def test_update_json_with_conflicts_still_prints_the_document_and_exits_3(
    template_repo: Path, generate: Generate, run_gospel, assert_one_line_error
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    _edit_first_line_of_main(root)

    result = run_gospel("update", "--trust", "--json", "--project", str(root))

    assert_one_line_error(result, "conflicts in 1 file(s): app/main.py", exit_code=3)
    assert json.loads(result.stdout)["conflicts"] == ["app/main.py"]


def test_update_quiet_prints_only_errors(
    template_repo: Path, generate: Generate, run_gospel
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root

    result = run_gospel("update", "--trust", "-q", cwd=root)

    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert f"_commit: {V2}" in (root / ".copier-answers.yml").read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_update_shows_progress_on_a_terminal(
    template_repo: Path, generate: Generate, gospel_env: dict[str, str]
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    terminal = Terminal(
        [sys.executable, "-m", "gospel_scaffold", "update", "--trust"], cwd=root, env=gospel_env
    )

    assert terminal.wait() == 0, terminal.output
    assert "Updating the project" in terminal.output
    assert f"from template {V1} to {V2}" in terminal.plain_output


@pytest.mark.slow
def test_verify_runs_the_projects_checks_in_turn_and_stops_at_the_first_failure(
    run_gospel, gospel_env: dict[str, str], tmp_path: Path
) -> None:
    # The project's own toolchain, through uv as users run it (uv comes with gospel's dev tools).
    path = f"{Path(sys.executable).parent}{os.pathsep}{gospel_env['PATH']}"
    assert run_gospel("new", "shop", "--defaults").returncode == 0
    root = tmp_path / "shop"

    green = run_gospel("update", "--no-template", "--verify", cwd=root, extra_env={"PATH": path})
    (root / "app" / "main.py").write_text(
        (root / "app" / "main.py").read_text(encoding="utf-8") + "x = [ 1 ]\n", encoding="utf-8"
    )
    commit_all(root, "Badly formatted")
    red = run_gospel("update", "--no-template", "--verify", cwd=root, extra_env={"PATH": path})

    assert green.returncode == 0, green.stdout + green.stderr
    for check in ("ruff check .", "ruff format --check .", "mypy", "pytest -q"):
        assert f"passed uv run {check}" in green.stdout
    assert red.returncode == 4, red.stdout + red.stderr
    assert "passed uv run ruff check ." in red.stdout
    assert "1 file would be reformatted" in red.stdout
    assert "uv run mypy" not in red.stdout
    assert "`uv run ruff format --check .` failed" in red.stderr
