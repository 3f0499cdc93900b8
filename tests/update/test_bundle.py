"""The bundled template history: portable ``_src_path`` and offline updates from a bundle."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from update.template_history import V1, V2, V2_LIMITS, Generate, commit_all

from gospel_scaffold.errors import NotUpdatableError
from gospel_scaffold.update.bundle import (
    BUNDLE_ENV,
    BUNDLED_SOURCE,
    bundled_template,
    redirect_environment,
)
from gospel_scaffold.update.run import read_origin, update_project


def _bundle(repo: Path, dest: Path, *refs: str) -> Path:
    subprocess.run(
        ["git", "bundle", "create", "--quiet", str(dest), *refs],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    return dest


def test_bundle_env_names_the_bundle_and_its_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "gospel.bundle"
    bundle.write_bytes(b"")
    bundle.with_suffix(".json").write_text(
        json.dumps({"commit": "a" * 40, "describe": "v3.1.0", "dirty": False})
    )
    monkeypatch.setenv(BUNDLE_ENV, str(bundle))

    found = bundled_template()

    assert found is not None
    assert (found.bundle, found.commit, found.describe, found.dirty) == (
        bundle.resolve(),
        "a" * 40,
        "v3.1.0",
        False,
    )


def test_source_checkout_ships_no_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUNDLE_ENV, raising=False)

    assert bundled_template() is None


def test_redirect_keeps_git_config_entries_already_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")

    env = redirect_environment(tmp_path / "t.bundle", tmp_path / "cache")

    assert env["GIT_CONFIG_COUNT"] == "2"
    assert env["GIT_CONFIG_KEY_1"] == f"url.{(tmp_path / 't.bundle').as_posix()}.insteadOf"
    assert env["GIT_CONFIG_VALUE_1"] == BUNDLED_SOURCE


def test_project_made_from_the_bundle_updates_offline_from_a_newer_bundle(
    template_repo: Path, generate: Generate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # gospel 1.0 ships a bundle that knows only v1; gospel 2.0's bundle holds v1 and v2.
    installed = tmp_path / "site-packages" / "template.bundle"
    installed.parent.mkdir()
    _bundle(template_repo, installed, V1)
    monkeypatch.setenv(BUNDLE_ENV, str(installed))
    # No network: any URL other than the bundle would fail.
    monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "file")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")

    root = generate(None, vcs_ref=None).root

    origin = read_origin(root)
    assert (origin.src_path, origin.commit) == (BUNDLED_SOURCE, V1)
    assert str(installed) not in (root / ".copier-answers.yml").read_text(encoding="utf-8")

    (root / "app" / "notes.py").write_text('"""Ours."""\n', encoding="utf-8")
    commit_all(root, "Our module")
    _bundle(template_repo, installed, "--tags")  # "upgrade gospel"

    result = update_project(root)

    assert (result.from_version, result.to_version) == (V1, V2)
    assert read_origin(root).src_path == BUNDLED_SOURCE
    assert (root / V2_LIMITS).is_file()
    assert (root / "app" / "notes.py").is_file()
    assert not any(key.startswith("GIT_CONFIG_KEY") for key in os.environ)


def test_project_newer_than_the_installed_gospel_asks_to_upgrade_gospel(
    template_repo: Path, generate: Generate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = _bundle(template_repo, tmp_path / "template.bundle", "--tags")
    monkeypatch.setenv(BUNDLE_ENV, str(installed))
    root = generate(None, vcs_ref=None).root
    assert read_origin(root).commit == V2
    _bundle(template_repo, installed, V1)  # an older gospel on another machine

    with pytest.raises(NotUpdatableError, match=r"at template v2.0.0, .* up to v1.0.0\); upgrade"):
        update_project(root)
