"""``resolve_template_source``: what ``gospel new [--template SRC] [--vcs-ref REF]`` renders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from update.template_history import V1, V2, V2_LIMITS, Generate, commit_all

from gospel_scaffold.errors import InvalidInputError
from gospel_scaffold.update.bundle import BUNDLE_ENV, BUNDLED_SOURCE
from gospel_scaffold.update.run import read_origin
from gospel_scaffold.update.source import resolve_template_source


def test_url_is_passed_to_copier_as_given() -> None:
    source = resolve_template_source("https://github.com/example/gospel.git", "v1.2.0")

    assert (source.kind, source.src_path, source.vcs_ref) == (
        "git",
        "https://github.com/example/gospel.git",
        "v1.2.0",
    )
    assert source.updatable


def test_local_clone_is_recorded_as_an_absolute_path(
    template_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(template_repo.parent)

    source = resolve_template_source(template_repo.name, None)

    assert source.kind == "git"
    assert source.src_path == template_repo.resolve().as_posix()
    assert source.vcs_ref is None
    assert source.updatable


def test_plain_directory_renders_but_is_not_updatable(tmp_path: Path) -> None:
    (tmp_path / "copier.yml").write_text("_subdirectory: template\n")

    source = resolve_template_source(str(tmp_path), None)

    assert source.kind == "directory"
    assert not source.updatable
    assert "cannot be updated" in source.description


def test_vcs_ref_of_a_plain_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="--vcs-ref needs a git source"):
        resolve_template_source(str(tmp_path), "v1.0.0")


def test_missing_template_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such directory, bundle or URL"):
        resolve_template_source(str(tmp_path / "nope"), None)


def test_default_is_the_bundled_template_when_gospel_ships_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "gospel.bundle"
    bundle.write_bytes(b"")
    monkeypatch.setenv(BUNDLE_ENV, str(bundle))
    monkeypatch.delenv("GOSPEL_TEMPLATE_DIR", raising=False)

    source = resolve_template_source(None, "v1.0.0")

    assert (source.kind, source.src_path, source.vcs_ref) == ("bundled", BUNDLED_SOURCE, "v1.0.0")
    assert source.bundle == bundle.resolve()


def test_template_dir_override_is_rendered_as_a_plain_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "copier.yml").write_text("_subdirectory: template\n")
    monkeypatch.setenv("GOSPEL_TEMPLATE_DIR", str(tmp_path))

    source = resolve_template_source(None, None)

    assert (source.kind, source.directory) == ("directory", tmp_path.resolve())
    assert not source.updatable
    with pytest.raises(InvalidInputError, match="GOSPEL_TEMPLATE_DIR names a plain directory"):
        resolve_template_source(None, "v1.0.0")


def test_project_from_a_git_source_updates_with_plain_copier(
    template_repo: Path, generate: Generate
) -> None:
    root = generate(str(template_repo), vcs_ref=V1).root
    main = root / "app" / "main.py"
    main.write_text(main.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    commit_all(root, "Our edit")

    done = subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--trust"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert read_origin(root).commit == V2
    assert (root / V2_LIMITS).is_file()
    assert main.read_text(encoding="utf-8").endswith("\nEDITED = True\n")
