"""The ``gospel`` command line shell: version, help, and how errors reach the user."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from gospel_scaffold import __version__

if TYPE_CHECKING:
    from conftest import AssertOneLineError, RunGospel

HEAVY = ("copier", "jinja2", "rich", "libcst", "inflect", "questionary", "prompt_toolkit")


def _imported_after(argv: list[str]) -> list[str]:
    """Run the CLI in a fresh interpreter and list the heavy modules it imported."""
    script = (
        "import sys\n"
        f"sys.argv = {['gospel', *argv]!r}\n"
        "from gospel_scaffold.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1:]


def test_version_prints_the_package_version(run_gospel: RunGospel) -> None:
    result = run_gospel("--version")

    assert result.returncode == 0
    assert result.stdout.strip() == f"gospel {__version__}"


def test_help_lists_every_command(run_gospel: RunGospel) -> None:
    result = run_gospel("--help")

    assert result.returncode == 0
    commands = result.stdout.split("Commands:")[1].split()
    for command in ("new", "add-domain", "remove-domain", "check", "rule", "update"):
        assert command in commands


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["new", "--help"], ["--version"], ["rule", "GOS301"]],
    ids=["help", "new-help", "version", "rule"],
)
def test_light_commands_do_not_import_heavy_libraries(argv: list[str]) -> None:
    assert _imported_after(argv) == ["[]"]


def test_unknown_option_is_a_one_line_usage_error(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("new", "shop-api", "--colour", "blue")

    assert_one_line_error(result, "--colour", "gospel new --help", exit_code=2)


def test_missing_argument_is_a_one_line_usage_error(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("new")

    assert_one_line_error(result, "Missing argument", exit_code=2)


def test_no_command_shows_the_help(run_gospel: RunGospel) -> None:
    result = run_gospel()

    assert "Usage" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
