"""``gospel new``, run as a real subprocess against the real template."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml  # type: ignore[import-untyped]
from terminal import Terminal
from update import template_history
from update.template_history import CHECKOUT_TAG, checkout_env

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel

gospel_checkout = template_history.gospel_checkout

REPO_ROOT = Path(__file__).resolve().parents[2]

EXPECTED_LAYOUT = (
    "app/__init__.py",
    "app/main.py",
    "app/core/__init__.py",
    "app/core/config.py",
    "app/core/exceptions.py",
    "app/core/security.py",
    "app/db/__init__.py",
    "app/db/database.py",
    "app/api/__init__.py",
    "app/api/dependencies.py",
    "app/api/routes/__init__.py",
    "app/api/routes/auth.py",
    "app/api/routes/users.py",
    "app/services/__init__.py",
    "app/repositories/__init__.py",
    "app/repositories/base.py",
    "app/models/__init__.py",
    "app/models/user.py",
    "app/schemas/__init__.py",
    "tests/conftest.py",
    "tests/unit",
    "tests/integration",
    "migrations/env.py",
    "migrations/versions",
    "alembic.ini",
    "pyproject.toml",
    ".python-version",
    ".gitignore",
    ".env",
    ".env.example",
    ".copier-answers.yml",
    "README.md",
)


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()


def _env_value(project: Path, key: str) -> str:
    for line in (project / ".env").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key}="):
            return line.partition("=")[2].strip().strip("'\"")
    raise AssertionError(f".env has no {key}")


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(directory.rglob("*"))
    }


def test_new_with_defaults_creates_the_gospel_layout(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "shop-api")

    assert result.returncode == 0, result.stderr
    project = tmp_path / "shop-api"
    missing = [entry for entry in EXPECTED_LAYOUT if not (project / entry).exists()]
    assert missing == []
    assert not list(project.rglob("*.jinja"))


def test_new_commits_everything_once_and_keeps_dot_env_out_of_git(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    result = run_gospel("new", "shop-api")

    assert result.returncode == 0, result.stderr
    project = tmp_path / "shop-api"
    assert _git(project, "rev-list", "--count", "HEAD") == "1"
    assert _git(project, "branch", "--show-current") == "main"
    assert _git(project, "status", "--porcelain", "--ignored=no") == ""
    tracked = _git(project, "ls-files").splitlines()
    assert ".env" not in tracked
    assert ".env.example" in tracked
    assert ".copier-answers.yml" in tracked


def test_new_commits_as_the_user_when_git_knows_them(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "shop-api")

    assert result.returncode == 0, result.stderr
    author = _git(tmp_path / "shop-api", "log", "-1", "--format=%an <%ae>")
    assert author == "Test User <test@example.com>"


def test_new_commits_as_gospel_and_says_how_to_set_an_identity_when_git_has_none(
    run_gospel: RunGospel, tmp_path: Path, gospel_env: dict[str, str]
) -> None:
    empty_config = tmp_path / "empty-gitconfig"
    empty_config.write_text("")
    result = run_gospel(
        "new",
        "shop-api",
        extra_env={"GIT_CONFIG_GLOBAL": str(empty_config), "HOME": str(tmp_path)},
    )

    assert result.returncode == 0, result.stderr
    author = _git(tmp_path / "shop-api", "log", "-1", "--format=%an <%ae>")
    assert author == "gospel <gospel@localhost>"
    # The fallback identity is used for the commit only, never written to the repo config.
    local_config = (tmp_path / "shop-api" / ".git" / "config").read_text()
    assert "gospel@localhost" not in local_config
    # ...and the user is told, before the next steps whose `git commit` would fail.
    out = result.stdout
    assert "git has no user.name/user.email" in out
    hint = 'git config --global user.name "Your Name"'
    assert hint in out
    assert "git config --global user.email" in out
    assert out.index(hint) < out.index("Next steps")


def test_new_prints_a_summary_and_the_next_steps(run_gospel: RunGospel) -> None:
    result = run_gospel("new", "shop-api")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress spinner without a terminal
    out = result.stdout
    assert "shop-api" in out
    assert "sqlite" in out
    for step in ("cd shop-api", "uv sync", "alembic upgrade head", "fastapi dev", "pytest"):
        assert step in out


def test_new_no_git_creates_no_repository(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "shop-api", "--no-git")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shop-api" / "app" / "main.py").is_file()
    assert not (tmp_path / "shop-api" / ".git").exists()


def test_new_postgres_database_is_reflected_in_dot_env_and_answers(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    result = run_gospel("new", "shop-api", "--database", "postgres", "--no-git")

    assert result.returncode == 0, result.stderr
    project = tmp_path / "shop-api"
    assert _env_value(project, "DATABASE_URL").startswith("postgresql")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["database"] == "postgres"
    assert "postgres" in result.stdout


def test_new_output_dir_places_the_project_inside_it(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "shop-api", "--output-dir", "nested/dir", "--no-git")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nested" / "dir" / "shop-api" / "app" / "main.py").is_file()


def test_new_data_answers_template_questions(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel(
        "new",
        "shop-api",
        "--no-git",
        "--data",
        "python_version=3.13",
        "-d",
        "include_manifest=false",
        "-d",
        "description=Sells things = profit",
    )

    assert result.returncode == 0, result.stderr
    project = tmp_path / "shop-api"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["python_version"] == "3.13"
    assert answers["include_manifest"] is False
    assert answers["description"] == "Sells things = profit"
    assert (project / ".python-version").read_text().strip() == "3.13"
    assert not (project / "app" / "core" / "manifest.py").exists()


def test_new_generates_a_fresh_secret_kept_out_of_the_answers(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    first = run_gospel("new", "one", "--no-git")
    second = run_gospel("new", "two", "--no-git")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    secret_one = _env_value(tmp_path / "one", "SECRET_KEY")
    assert len(secret_one) >= 64
    assert secret_one != _env_value(tmp_path / "two", "SECRET_KEY")
    answers_text = (tmp_path / "one" / ".copier-answers.yml").read_text()
    assert secret_one not in answers_text
    assert "secret_key" not in answers_text


def test_new_accepts_an_existing_empty_directory(run_gospel: RunGospel, tmp_path: Path) -> None:
    (tmp_path / "shop-api").mkdir()

    result = run_gospel("new", "shop-api", "--no-git")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shop-api" / "app" / "main.py").is_file()


def test_new_leaves_no_staging_directory_behind(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "shop-api")

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "gitconfig") == ["shop-api"]


@pytest.mark.parametrize(
    "name", ["ShopApi", "shop_api", "1shop", "shop--api", "-shop", "shop-", "shop api", "shöp"]
)
def test_new_rejects_an_invalid_name_and_says_what_is_valid(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path, name: str
) -> None:
    result = run_gospel("new", "--", name)

    assert_one_line_error(result, "invalid project name", "lowercase letters", exit_code=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig"]


def test_new_refuses_a_non_empty_target_and_leaves_it_untouched(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    target = tmp_path / "shop-api"
    (target / "app").mkdir(parents=True)
    (target / "app" / "main.py").write_text("print('mine')\n")
    (target / "notes.txt").write_text("keep me\n")
    before = _snapshot(target)

    result = run_gospel("new", "shop-api")

    assert_one_line_error(result, "already holds a project (app)", "Nothing changed", exit_code=1)
    assert _snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig", "shop-api"]


def test_new_refuses_a_target_that_is_a_file(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    (tmp_path / "shop-api").write_text("a file\n")

    result = run_gospel("new", "shop-api")

    assert_one_line_error(result, "not a directory")
    assert (tmp_path / "shop-api").read_text() == "a file\n"


def _path_without_git(tmp_path: Path) -> str:
    """A PATH that has no git (the CLI runs as ``sys.executable -m``, so needs no PATH)."""
    bin_dir = tmp_path / "bin-without-git"
    bin_dir.mkdir()
    return str(bin_dir)


def test_new_without_git_on_path_fails_before_rendering(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    result = run_gospel("new", "shop-api", extra_env={"PATH": _path_without_git(tmp_path)})

    assert_one_line_error(result, "git is not on PATH", "--no-git")
    assert not (tmp_path / "shop-api").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".shop-api")]


def test_new_no_git_works_without_git_on_path(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel(
        "new", "shop-api", "--no-git", extra_env={"PATH": _path_without_git(tmp_path)}
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shop-api" / "app" / "main.py").is_file()


@pytest.mark.parametrize("pair", ["python_version", "=3.13", "not a key=1"])
def test_new_rejects_malformed_data(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path, pair: str
) -> None:
    result = run_gospel("new", "shop-api", "--data", pair)

    assert_one_line_error(result, "KEY=VALUE", exit_code=2)
    assert not (tmp_path / "shop-api").exists()


def test_new_rejects_an_unknown_question(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    result = run_gospel("new", "shop-api", "--data", "colour=blue")

    assert_one_line_error(result, "unknown question 'colour'", "python_version", exit_code=2)
    assert not (tmp_path / "shop-api").exists()


def test_new_rejects_an_answer_the_template_refuses(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    result = run_gospel("new", "shop-api", "--data", "python_version=2.7")

    assert_one_line_error(result, "python_version", "2.7", exit_code=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig"]


def test_new_rejects_conflicting_database_answers(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("new", "shop-api", "--database", "sqlite", "-d", "database=postgres")

    assert_one_line_error(result, "--database", exit_code=2)


def test_new_rejects_an_unknown_database_as_a_usage_error(run_gospel: RunGospel) -> None:
    result = run_gospel("new", "shop-api", "--database", "mysql")

    assert result.returncode == 2
    assert "mysql" in result.stderr
    assert "Traceback" not in result.stderr


def _template_copy(dest: Path) -> Path:
    """Copy the real template (``copier.yml`` + ``template/``) into a plain directory."""
    dest.mkdir()
    shutil.copy2(REPO_ROOT / "copier.yml", dest / "copier.yml")
    shutil.copytree(REPO_ROOT / "template", dest / "template")
    return dest


def _broken_template(tmp_path: Path) -> Path:
    """A copy of the real template with one file that fails half-way through rendering."""
    broken = _template_copy(tmp_path / "broken-template")
    (broken / "template" / "zz_broken.txt.jinja").write_text("{{ 1 // 0 }}\n")
    return broken


def test_new_leaves_nothing_behind_when_rendering_fails(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    template = _broken_template(tmp_path)
    workdir = tmp_path / "work"
    workdir.mkdir()

    result = run_gospel(
        "new",
        "shop-api",
        "--output-dir",
        "out/nested",
        cwd=workdir,
        extra_env={"GOSPEL_TEMPLATE_DIR": str(template)},
    )

    assert_one_line_error(result, "failed to render")
    assert list(workdir.iterdir()) == []


def test_new_failing_render_keeps_an_existing_empty_target(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    template = _broken_template(tmp_path)
    (tmp_path / "shop-api").mkdir()

    result = run_gospel("new", "shop-api", extra_env={"GOSPEL_TEMPLATE_DIR": str(template)})

    assert_one_line_error(result, "failed to render")
    assert list((tmp_path / "shop-api").iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".shop-api")]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_new_project_directory_respects_the_umask(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "shop-api", "--no-git")

    assert result.returncode == 0, result.stderr
    mode = (tmp_path / "shop-api").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o777 & ~umask


def _gospel_on_a_terminal(argv: list[str], env: dict[str, str], cwd: Path) -> Terminal:
    return Terminal([sys.executable, "-m", "gospel_scaffold", *argv], cwd=cwd, env=env)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_new_asks_the_questions_on_a_terminal(tmp_path: Path, gospel_env: dict[str, str]) -> None:
    down, enter = b"\x1b[B", b"\r"
    terminal = _gospel_on_a_terminal(["new", "asked", "--no-git"], gospel_env, tmp_path)
    # title (keep), description (keep), python 3.12 -> 3.13, sqlite -> postgres, manifest: no,
    # deploy: compose -> kubernetes
    # (a yes/no question takes its answer at the key press, without Enter)
    typed = [enter, enter, down + enter, down + enter, b"n", down + enter]
    for question, keys in enumerate(typed):
        terminal.expect_count("🎤", question + 1)
        terminal.send(keys)
    code = terminal.wait()

    assert code == 0, terminal.output
    answers = yaml.safe_load((tmp_path / "asked" / ".copier-answers.yml").read_text())
    assert answers["python_version"] == "3.13"
    assert answers["database"] == "postgres"
    assert answers["include_manifest"] is False
    assert answers["deploy"] == "kubernetes"
    assert (tmp_path / "asked" / "deploy" / "kubernetes").is_dir()
    # The manifest question says what it adds, in full.
    shown = " ".join(terminal.plain_output.split())
    assert "It adds app/core/manifest.py: Pydantic models that validate" in shown
    assert "No routes, no tables: answer no if your API handles no media." in shown


def test_every_question_fits_an_80_column_terminal() -> None:
    questions = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))

    # The prompt shows "🎤 " (3 columns) and the help unwrapped: longer lines are cut off.
    too_long = {
        name: line
        for name, question in questions.items()
        if not name.startswith("_") and "help" in question
        for line in question["help"].splitlines()
        if len(line) > 76
    }
    assert too_long == {}


# A secret_key is token_urlsafe(64): 86 URL-safe characters. Nothing that long is ever printed.
_SECRET_LIKE = re.compile(r"[A-Za-z0-9_-]{80,}")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(
    ("stop", "exit_code", "message"),
    [
        ("ctrl-c", 130, "Error: interrupted; nothing was created"),
        ("sigterm", 143, "Error: terminated by SIGTERM; nothing was created"),
        ("sighup", 129, "Error: terminated by SIGHUP; nothing was created"),
    ],
)
def test_new_stopped_at_a_prompt_leaves_nothing_and_prints_no_secret(
    tmp_path: Path, gospel_env: dict[str, str], stop: str, exit_code: int, message: str
) -> None:
    terminal = _gospel_on_a_terminal(["new", "asked"], gospel_env, tmp_path)
    terminal.expect("🎤")
    terminal.expect("Human-readable title")
    if stop == "ctrl-c":
        terminal.send(b"\x03")
    else:
        terminal.signal(signal.SIGTERM if stop == "sigterm" else signal.SIGHUP)
    code = terminal.wait()

    assert code == exit_code, terminal.output
    text = terminal.plain_output
    assert text.rstrip().splitlines()[-1] == message
    assert "secret" not in text.lower()
    assert not _SECRET_LIKE.search(text)
    assert "Traceback" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig"]


def test_new_takes_the_defaults_without_a_terminal(run_gospel: RunGospel, tmp_path: Path) -> None:
    result = run_gospel("new", "quiet", "--no-git")  # stdin is /dev/null

    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((tmp_path / "quiet" / ".copier-answers.yml").read_text())
    assert answers["python_version"] == "3.12"
    assert answers["database"] == "sqlite"
    assert answers["include_manifest"] is True


def test_new_template_option_renders_that_template(run_gospel: RunGospel, tmp_path: Path) -> None:
    custom = _template_copy(tmp_path / "custom-template")
    (custom / "template" / "CUSTOM.md").write_text("from the custom template\n")

    result = run_gospel("new", "shop-api", "--no-git", "--template", str(custom))

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shop-api" / "CUSTOM.md").read_text() == "from the custom template\n"
    answers = yaml.safe_load((tmp_path / "shop-api" / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(custom)


def test_new_from_a_gospel_checkout_renders_the_vcs_ref_given(
    gospel_checkout: Path, run_gospel: RunGospel, tmp_path: Path
) -> None:
    (gospel_checkout / "template" / "NOTES.md").write_text("Draft.\n", encoding="utf-8")
    env = checkout_env(gospel_checkout)

    result = run_gospel("new", "shop-api", "--defaults", "--vcs-ref", CHECKOUT_TAG, extra_env=env)

    assert result.returncode == 0, result.stderr
    assert "cannot be updated" not in result.stdout
    project = tmp_path / "shop-api"
    assert not (project / "NOTES.md").exists()  # the tag, not the working tree
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert (answers["_src_path"], answers["_commit"]) == (
        str(gospel_checkout.resolve()),
        CHECKOUT_TAG,
    )


def test_new_from_a_checkout_with_uncommitted_template_changes_renders_them_and_warns(
    gospel_checkout: Path, run_gospel: RunGospel, tmp_path: Path
) -> None:
    (gospel_checkout / "template" / "NOTES.md").write_text("Draft.\n", encoding="utf-8")

    result = run_gospel("new", "shop-api", "--defaults", extra_env=checkout_env(gospel_checkout))

    assert result.returncode == 0, result.stderr
    assert "uncommitted changes (template/NOTES.md)" in result.stdout
    assert "cannot be updated" in result.stdout
    project = tmp_path / "shop-api"
    assert (project / "NOTES.md").read_text(encoding="utf-8") == "Draft.\n"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(gospel_checkout.resolve())
    assert "_commit" not in answers


def test_new_vcs_ref_needs_a_git_template(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError, tmp_path: Path
) -> None:
    plain = _template_copy(tmp_path / "plain-template")

    result = run_gospel("new", "shop-api", "--template", str(plain), "--vcs-ref", "v1.0.0")

    assert_one_line_error(result, "--vcs-ref", exit_code=2)
    assert not (tmp_path / "shop-api").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("signum", "exit_code", "message"),
    [
        (signal.SIGINT, 130, "Error: interrupted; nothing was created"),
        (signal.SIGTERM, 143, "Error: terminated by SIGTERM; nothing was created"),
    ],
    ids=["sigint", "sigterm"],
)
def test_new_stopped_while_rendering_leaves_a_complete_project_or_nothing(
    tmp_path: Path, gospel_env: dict[str, str], signum: int, exit_code: int, message: str
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "gospel_scaffold", "new", "shop-api"],
        cwd=tmp_path,
        env=gospel_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt once rendering has begun: the staging directory exists (or it already finished).
    while process.poll() is None and not any(tmp_path.glob("shop-api/.gospel-new-*")):
        os.sched_yield()
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)

    assert "Traceback" not in err
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "gitconfig")
    if leftovers:  # finished before the signal (it may still hit the summary): all or nothing
        assert leftovers == ["shop-api"]
        assert _git(tmp_path / "shop-api", "status", "--porcelain") == ""
        assert "nothing was created" not in err
    else:
        assert process.returncode == exit_code, err
        assert err.strip().splitlines() == [message]


def test_new_json_prints_only_a_document_scripts_can_read(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    result = run_gospel("new", "shop-api", "--json", "-d", "include_manifest=no")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # nothing else on stdout
    assert document["path"] == str(tmp_path / "shop-api")
    assert document["name"] == "shop-api"
    assert document["answers"]["include_manifest"] is False
    assert document["git_commit"] == _git(tmp_path / "shop-api", "rev-parse", "HEAD")
    assert document["next_steps"][0] == "cd shop-api"
    assert "uv run alembic upgrade head" in document["next_steps"]
    assert document["warnings"] == []
    secret = _env_value(tmp_path / "shop-api", "SECRET_KEY")
    assert secret not in result.stdout
    assert "secret_key" not in document["answers"]


def test_new_quiet_prints_nothing_and_verbose_lists_the_files(
    run_gospel: RunGospel, tmp_path: Path
) -> None:
    quiet = run_gospel("new", "quiet-api", "-q")
    verbose = run_gospel("new", "verbose-api", "--verbose", "--no-git")

    assert quiet.returncode == 0, quiet.stderr
    assert (quiet.stdout, quiet.stderr) == ("", "")
    assert (tmp_path / "quiet-api" / "app" / "main.py").is_file()
    assert verbose.returncode == 0, verbose.stderr
    # Copier's own list of what it writes.
    assert re.search(r"create\S*\s+app/main\.py$", verbose.stderr, flags=re.MULTILINE)
    assert "Next steps:" in verbose.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_new_shows_progress_on_a_terminal_and_wipes_it(
    tmp_path: Path, gospel_env: dict[str, str]
) -> None:
    terminal = _gospel_on_a_terminal(["new", "shop-api", "--defaults"], gospel_env, tmp_path)
    assert terminal.wait() == 0, terminal.output

    # A spinner while rendering, then only the summary: the spinner's line is erased.
    assert "Creating shop-api" in terminal.output
    assert "Creating shop-api" not in terminal.plain_output.split("Created shop-api")[1]
    assert "\x1b[2K" in terminal.output
