"""The documentation site builds with ``mkdocs build --strict``, and documents the real CLI."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gospel_scaffold.cli import app

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once: any broken link, anchor, snippet or nav entry fails the build."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _text(page: Path) -> str:
    """The visible text of a built page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def _commands() -> list[str]:
    return [str(info.name) for info in app.registered_commands]


@pytest.mark.parametrize("command", ["", *_commands()])
def test_cli_reference_holds_each_commands_real_help(site: Path, command: str) -> None:
    page = _text(site / "cli" / "index.html")
    argv = [sys.executable, "-m", "gospel_scaffold", *([command] if command else []), "--help"]
    real = subprocess.run(
        argv, capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "80"}
    ).stdout

    assert f"$ gospel {command + ' ' if command else ''}--help" in page
    # Every line of the real help is on the page (both wrap at 80 columns).
    for line in real.splitlines():
        assert line.rstrip() in page, f"`{line}` of gospel {command} --help is not on the page"


def test_every_rule_has_a_page_in_the_navigation(site: Path) -> None:
    rules = sorted(path.stem for path in (REPO_ROOT / "docs" / "rules").glob("GOS*.md"))
    home = (site / "index.html").read_text(encoding="utf-8")

    assert rules
    for code in rules:
        assert (site / "rules" / code / "index.html").is_file()
        assert f'href="rules/{code}/"' in home, f"{code} is not in the navigation"


def test_tutorial_and_reference_pages_are_built(site: Path) -> None:
    for page in (
        "getting-started",
        "tutorial",
        "field-specs",
        "updating",
        "deploy",
        "faq",
        "changelog",
    ):
        assert (site / page / "index.html").is_file(), page
    assert "0.1.0" in _text(site / "changelog" / "index.html")
    assert "decimal:precision,scale" in _text(site / "field-specs" / "index.html")
