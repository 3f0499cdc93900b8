"""Generated projects run ``gospel check`` from the gospel release that made them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from update.template_history import commit_all, make_template_repo, run_git

from gospel_scaffold.new_project import render_project


def _gospel_check_entry(project: Path) -> str:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (entry,) = [
        hook["entry"]
        for repo in config["repos"]
        for hook in repo["hooks"]
        if hook["id"] == "gospel-check"
    ]
    return str(entry)


@pytest.fixture(scope="module")
def released_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a repository: v1.0.0, v2.0.0, then a commit after that release."""
    repo = make_template_repo(tmp_path_factory.mktemp("released") / "gospel")
    (repo / "template" / "NOTES.md").write_text("Work after v2.0.0.\n", encoding="utf-8")
    commit_all(repo, "Work after the release")
    run_git(repo, "tag", "v2.1.0rc1", "HEAD")
    (repo / "template" / "NOTES.md").write_text("More work.\n", encoding="utf-8")
    commit_all(repo, "More work")
    return repo


@pytest.mark.parametrize(
    ("ref", "requirement"),
    [
        ("v1.0.0", "gospel-scaffold==1.0.0"),
        ("v2.1.0rc1", "gospel-scaffold==2.1.0rc1"),
        ("HEAD", "gospel-scaffold>=2.1.0rc1"),  # a commit after a release: that one or newer
    ],
)
def test_the_hook_and_ci_pin_gospel_check_to_the_templates_release(
    released_template: Path, tmp_path: Path, ref: str, requirement: str
) -> None:
    project = tmp_path / "shop-api"
    render_project(
        {"project_name": "shop-api"}, project, template=str(released_template), vcs_ref=ref
    )

    entry = _gospel_check_entry(project)
    assert entry == f'uvx --from "{requirement}" gospel check'
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert f"run: {entry}" in workflow
    assert "gospel_requirement" not in (project / ".copier-answers.yml").read_text()


def test_a_template_without_a_release_runs_the_latest_gospel(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    source = make_template_repo(tmp_path / "repo")
    plain.mkdir()
    for name in ("copier.yml", "template"):
        (source / name).rename(plain / name)

    project = tmp_path / "shop-api"
    render_project({"project_name": "shop-api"}, project, template=str(plain))

    assert _gospel_check_entry(project) == 'uvx --from "gospel-scaffold" gospel check'
