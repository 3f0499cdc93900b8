"""The ``gospel`` command line shell: version, help, and how errors reach the user."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from terminal import Terminal

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
    [
        [],
        ["--help"],
        ["-h"],
        ["new", "--help"],
        ["update", "-h"],
        ["--version"],
        ["rule", "GOS301"],
    ],
    ids=["bare", "help", "h", "new-help", "update-h", "version", "rule"],
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


def test_bare_gospel_prints_the_same_help_as_dash_dash_help(run_gospel: RunGospel) -> None:
    bare = run_gospel()
    helped = run_gospel("--help")

    assert (bare.returncode, bare.stderr) == (0, "")
    assert bare.stdout == helped.stdout
    assert bare.stdout.startswith("Usage: gospel [OPTIONS] COMMAND [ARGS]...")
    assert "Error" not in bare.stdout


def _commands() -> list[str]:
    from gospel_scaffold.cli import app

    return [str(info.name) for info in app.registered_commands]


@pytest.mark.parametrize("command", ["", *_commands()])
def test_dash_h_is_help_for_every_command(run_gospel: RunGospel, command: str) -> None:
    argv = [command] if command else []
    short = run_gospel(*argv, "-h")

    assert short.returncode == 0, short.stderr
    assert short.stdout == run_gospel(*argv, "--help").stdout


@pytest.mark.parametrize("command", _commands())
def test_help_shows_parameters_as_they_are_typed(run_gospel: RunGospel, command: str) -> None:
    text = run_gospel(command, "--help").stdout

    usage = text.splitlines()[0]
    assert usage.startswith(f"Usage: gospel {command} [OPTIONS]")
    # No Python types or Typer's own notation: `NAME <str>`, `{NAME}`, `[FIELD...]...`.
    for internal in ("<str>", "<list[", "<Path>", "<path>", "{", "}", "...]...", "<bool>"):
        assert internal not in text, f"{internal!r} in gospel {command} --help"


def test_help_names_arguments_and_choices_plainly(run_gospel: RunGospel) -> None:
    new_help = run_gospel("new", "--help").stdout
    add_help = run_gospel("add-domain", "--help").stdout

    assert new_help.splitlines()[0] == "Usage: gospel new [OPTIONS] NAME"
    assert "--database sqlite|postgres" in new_help
    assert add_help.splitlines()[0] == "Usage: gospel add-domain [OPTIONS] NAME [FIELD]..."
    assert "\n  FIELD...  " in add_help


def _joined(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", _commands())
def test_top_level_help_shows_each_commands_whole_summary(
    run_gospel: RunGospel, command: str
) -> None:
    from gospel_scaffold.cli import app

    (info,) = [info for info in app.registered_commands if info.name == command]
    docstring = info.callback.__doc__ if info.callback else None
    assert docstring
    summary = docstring.strip().split("\n\n")[0]
    listing = run_gospel("--help").stdout.split("Commands:")[1].split("Examples:")[0]

    assert _joined(f"{command} {summary}") in _joined(listing)


@pytest.mark.parametrize("command", ["", *_commands()])
def test_every_help_ends_with_examples_of_that_command(run_gospel: RunGospel, command: str) -> None:
    text = run_gospel(*([command] if command else []), "--help").stdout

    examples = text.split("\nExamples:\n")[1].splitlines()
    assert len(examples) >= 2
    assert all(line.startswith("  ") for line in examples if line)
    assert any(line.startswith(f"  gospel {command}".rstrip()) for line in examples)


def test_missing_option_value_points_at_the_commands_help(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("new", "shop-api", "--data")

    assert_one_line_error(
        result, "Option '--data' requires an argument", "(see `gospel new --help`)", exit_code=2
    )


def test_an_invalid_choice_is_worded_for_people(
    run_gospel: RunGospel, assert_one_line_error: AssertOneLineError
) -> None:
    result = run_gospel("new", "shop-api", "--database", "mysql")

    line = assert_one_line_error(
        result, "'--database'", "'mysql' is not one of 'sqlite', 'postgres'", exit_code=2
    )
    assert "Value error" not in line
    assert "gospel new --help" in line


@pytest.mark.parametrize(
    "command",
    [
        ("update",),
        ("add-domain", "payments", "amount:int"),
        ("remove-domain", "payments"),
        ("check",),
    ],
    ids=lambda argv: argv[0],
)
def test_not_a_project_is_one_error_everywhere(
    run_gospel: RunGospel,
    assert_one_line_error: AssertOneLineError,
    tmp_path: Path,
    command: tuple[str, ...],
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    result = run_gospel(*command, cwd=empty)

    line = assert_one_line_error(result, f"{empty} is not a gospel project", exit_code=2)
    assert "run gospel inside the project or pass --project DIR" in line


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize(("no_color", "coloured"), [("", True), ("1", False)])
def test_error_lines_are_red_on_a_terminal_unless_no_color(
    gospel_env: dict[str, str], tmp_path: Path, no_color: str, coloured: bool
) -> None:
    env = {key: value for key, value in gospel_env.items() if key != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = no_color
    terminal = Terminal(
        [sys.executable, "-m", "gospel_scaffold", "new", "Bad_Name"], cwd=tmp_path, env=env
    )
    assert terminal.wait() == 2

    assert "Error: invalid project name" in terminal.output
    assert ("\x1b[" in terminal.output) is coloured


def test_shell_completion_completes_commands_options_and_choices(
    run_gospel: RunGospel,
) -> None:
    script = run_gospel("--show-completion", "bash")
    assert script.returncode == 0, script.stderr
    assert "_GOSPEL_COMPLETE=complete_bash" in script.stdout

    def complete(words: str) -> list[str]:
        done = run_gospel(
            extra_env={
                "_GOSPEL_COMPLETE": "complete_bash",
                "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
            }
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("gospel ad") == ["add-domain", "add-field"]
    assert "--data-file" in complete("gospel new shop --dat")
    assert complete("gospel new shop --database ") == ["sqlite", "postgres"]


@pytest.mark.parametrize(
    "command", ["new", "add-domain", "remove-domain", "add-field", "remove-field", "update"]
)
def test_commands_that_change_a_project_take_quiet_verbose_and_json(
    run_gospel: RunGospel, command: str
) -> None:
    text = run_gospel(command, "--help").stdout

    for option in ("-q, --quiet", "-v, --verbose", "--json"):
        assert option in text
    # --json is output for scripts, never a preview: the help says so next to --dry-run.
    json_help = _joined(text.split("--json", 1)[1].split("\n  -", 1)[0])
    assert ("still applies" in json_help or "still updates" in json_help) is (command != "new")
