"""How gospel is released: its GitHub workflows, the CHANGELOG entry a tag needs, its metadata.

The release itself (tag-derived versions, sdist and wheel, the wheel on its own) is exercised in
tests/update/test_wheel_update.py; these tests hold the workflows that run it to their promises.
"""

from __future__ import annotations

import os
import re
import subprocess
from importlib.metadata import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return loaded


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _supported_pythons() -> list[str]:
    copier = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    return [str(version) for version in copier["python_version"]["choices"]]


def test_ci_runs_the_ci_script_on_every_supported_python() -> None:
    workflow = _workflow("ci.yml")
    (job,) = workflow["jobs"].values()
    steps = _steps(job)

    assert job["strategy"]["matrix"]["python"] == _supported_pythons()
    assert any(step.get("run") == "bash .ci/run" for step in steps)
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the wheel build needs the tags
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    installed = setup["with"]["python-version"].strip().splitlines()
    assert set(_supported_pythons()) <= set(installed)  # generated projects run on each
    assert installed[-1] == "${{ matrix.python }}"  # the default python3, gospel's own
    assert {"push", "pull_request"} <= set(workflow["on"])


def test_ci_script_runs_the_readme_test_command() -> None:
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")

    command = ".venv/bin/python -m pytest -n 2"
    assert command in readme
    assert script.rstrip().splitlines()[-1] == command


def test_docs_workflow_builds_the_site_strictly_and_publishes_main() -> None:
    jobs = _workflow("docs.yml")["jobs"]
    runs = [step.get("run", "") for step in _steps(jobs["build"])]

    assert any(run.startswith("mkdocs build --strict") for run in runs)
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in jobs["deploy"]["if"]


def test_release_publishes_to_pypi_with_trusted_publishing_on_a_version_tag() -> None:
    workflow = _workflow("release.yml")
    publish = workflow["jobs"]["publish"]
    (upload,) = [
        step for step in _steps(publish) if "gh-action-pypi-publish" in step.get("uses", "")
    ]

    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert "with" not in upload or not {"password", "user"} & set(upload["with"])  # no token
    assert workflow["permissions"] == {"contents": "read"}


def _release_step(name: str) -> str:
    build = _workflow("release.yml")["jobs"]["build"]
    (run,) = [step["run"] for step in _steps(build) if step.get("name") == name]
    return str(run)


@pytest.mark.parametrize(
    ("tag", "accepted"), [("v0.1.0", True), ("v0.1", False), ("v9.9.9", False)]
)
def test_a_tag_is_released_only_with_its_changelog_entry(tag: str, accepted: bool) -> None:
    script = _release_step("The tag has its CHANGELOG entry")

    done = subprocess.run(
        ["bash", "-c", script],
        cwd=REPO_ROOT,
        env={**os.environ, "GITHUB_REF_NAME": tag},
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode == 0) is accepted, done.stdout + done.stderr


def test_changelog_entry_for_the_first_release_says_what_changes_in_projects() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.split(r"^## ", changelog, flags=re.MULTILINE)[1:]
    (entry,) = [entry for entry in entries if entry.startswith("0.1.0 ")]

    assert "### Generated projects" in entry
    assert "### Generator" in entry


def test_package_metadata_links_the_project() -> None:
    urls = dict(
        url.split(", ", 1) for url in metadata("gospel-scaffold").get_all("Project-URL") or []
    )

    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(urls)
    mkdocs = yaml.safe_load(
        (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!", "")
    )
    assert urls["Documentation"] == mkdocs["site_url"]
    assert urls["Repository"] == mkdocs["repo_url"]
