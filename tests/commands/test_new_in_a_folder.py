"""``gospel new .`` and ``gospel new NAME`` into a folder that exists, as ``uv init`` allows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from update.template_history import run_git

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def _tree(directory: Path) -> dict[str, bytes]:
    """Every file and folder under ``directory``, with file contents.

    ``.git`` is included (its index above all) except the object store, where an undone
    ``git add`` leaves unreferenced objects for git's garbage collection, as git itself does.
    """
    return {
        str(path.relative_to(directory)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(directory.rglob("*"))
        if not path.relative_to(directory).as_posix().startswith(".git/objects")
    }


@pytest.fixture
def fresh_clone(tmp_path: Path) -> Path:
    """A clone of a repository made on a forge with a README, a .gitignore and a LICENSE."""
    origin = tmp_path / "origin"
    origin.mkdir()
    run_git(origin, "init", "--quiet", "--initial-branch=main")
    (origin / "README.md").write_text("# shop-api\n")
    (origin / ".gitignore").write_text("*.pyc\n")
    (origin / "LICENSE").write_text("MIT License\n")
    run_git(origin, "add", "-A")
    run_git(origin, "commit", "--quiet", "-m", "Initial commit")
    clone = tmp_path / "work" / "shop-api"
    clone.parent.mkdir()
    run_git(tmp_path, "clone", "--quiet", str(origin), str(clone))
    return clone


def test_new_dot_creates_the_project_in_the_current_folder(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    here = tmp_path / "shop-api"
    here.mkdir()

    result = run_gospel("new", ".", cwd=here)

    assert result.returncode == 0, result.stderr
    assert (here / "app" / "main.py").is_file()
    assert "project_name: shop-api" in (here / ".copier-answers.yml").read_text()
    assert _git(here, "rev-list", "--count", "HEAD") == "1"
    assert [p.name for p in here.iterdir() if p.name.startswith(".gospel")] == []
    # The next steps work when pasted here: no `cd` into a folder the user is already in.
    steps = result.stdout.split("Next steps:")[1].split()
    assert "cd" not in steps
    assert "uv run alembic upgrade head" in result.stdout


def test_new_dot_needs_a_folder_named_like_a_project(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    here = tmp_path / "Shop_API"
    here.mkdir()

    result = run_gospel("new", ".", cwd=here)

    assert_one_line_error(
        result, "invalid project name 'Shop_API'", "rename the folder", exit_code=2
    )
    assert list(here.iterdir()) == []


def test_new_dot_in_a_fresh_clone_commits_there_and_replaces_its_readme(
    run_gospel: RunGospel, fresh_clone: Path
) -> None:
    (fresh_clone / "notes.txt").write_text("mine, not committed\n")

    result = run_gospel("new", ".", "--defaults", cwd=fresh_clone)

    assert result.returncode == 0, result.stderr
    assert "replaced: .gitignore, README.md" in result.stdout
    assert "in the existing repository" in result.stdout
    # The project is one new commit on top of the clone's history, on its branch.
    assert _git(fresh_clone, "log", "--format=%s").splitlines()[1:] == ["Initial commit"]
    assert _git(fresh_clone, "branch", "--show-current") == "main"
    assert (fresh_clone / "LICENSE").read_text() == "MIT License\n"  # not the template's
    assert "FastAPI" in (fresh_clone / "README.md").read_text()
    assert _git(fresh_clone, "show", "HEAD~1:README.md") == "# shop-api"  # git still has it
    # Only the project was committed: the user's own file is left alone, the secret ignored.
    assert _git(fresh_clone, "status", "--porcelain") == "?? notes.txt"
    assert ".env" not in _git(fresh_clone, "ls-files").splitlines()


def test_new_in_a_clone_with_an_edited_readme_refuses_and_changes_nothing(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, fresh_clone: Path
) -> None:
    (fresh_clone / "README.md").write_text("# shop-api\n\nMy notes.\n")
    before = _tree(fresh_clone)

    result = run_gospel("new", "shop-api", cwd=fresh_clone.parent)

    assert_one_line_error(result, "already has README.md", "Nothing changed", exit_code=1)
    assert _tree(fresh_clone) == before


def test_new_in_a_clone_whose_commit_fails_puts_everything_back(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, fresh_clone: Path
) -> None:
    hook = fresh_clone / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refused by the hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = _tree(fresh_clone)

    result = run_gospel("new", ".", "--defaults", cwd=fresh_clone)

    assert_one_line_error(result, "git commit failed", "refused by the hook", exit_code=1)
    assert _tree(fresh_clone) == before  # files, replaced files and the git index alike
    assert _git(fresh_clone, "status", "--porcelain") == ""


def test_new_keeps_files_it_does_not_write_in_a_folder_without_git(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    folder = tmp_path / "shop-api"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "design.md").write_text("Plans.\n")

    result = run_gospel("new", "shop-api")

    assert result.returncode == 0, result.stderr
    assert (folder / "docs" / "design.md").read_text() == "Plans.\n"
    assert (folder / "app" / "main.py").is_file()
    # A new repository holds the project; the user's own files are left for them to add.
    assert _git(folder, "status", "--porcelain") == "?? docs/"


def test_new_refuses_a_folder_holding_another_python_project(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    folder = tmp_path / "shop-api"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "mine"\n')

    result = run_gospel("new", ".", cwd=folder)

    assert_one_line_error(result, "already holds a project (pyproject.toml)", exit_code=1)
    assert [p.name for p in folder.iterdir()] == ["pyproject.toml"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_new_stopped_in_a_fresh_clone_leaves_the_clone_as_it_was_or_the_project_whole(
    gospel_env: dict[str, str], fresh_clone: Path
) -> None:
    before = _tree(fresh_clone)
    process = subprocess.Popen(
        [sys.executable, "-m", "gospel_scaffold", "new", ".", "--defaults"],
        cwd=fresh_clone,
        env=gospel_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Stop it once it has begun writing: its staging folder exists (or it already finished).
    while process.poll() is None and not any(fresh_clone.glob(".gospel-new-*")):
        os.sched_yield()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)

    assert "Traceback" not in err
    if process.returncode == 0:  # finished before the signal: the whole project, committed
        assert _git(fresh_clone, "status", "--porcelain") == ""
        assert (fresh_clone / "app" / "main.py").is_file()
    else:
        assert process.returncode == 143, err
        assert err.strip().splitlines() == ["Error: terminated by SIGTERM; nothing was created"]
        assert _tree(fresh_clone) == before
