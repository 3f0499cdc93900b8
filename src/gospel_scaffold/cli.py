"""The ``gospel`` command line: a thin Typer shell over pure functions.

Each command lives in its own module under :mod:`gospel_scaffold.commands` and calls a pure
function that returns a result. This module only wires them together (one
``app.command(NAME, epilog=EXAMPLES)`` line per command) and owns the single place where
errors become a red one-line message and an exit code (see :func:`main`, and the table in
docs/cli.md). Keep imports here light: ``gospel --help`` must not import copier, Jinja or Rich.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Annotated, NoReturn

import typer

from gospel_scaffold import __version__
from gospel_scaffold.commands import (
    add_domain,
    add_field,
    check,
    new,
    remove_domain,
    remove_field,
    rule,
    update,
)
from gospel_scaffold.commands._help import GospelGroup, GospelTyper
from gospel_scaffold.errors import AbortedError, GospelError

__all__ = ["DEBUG_ENV", "EXIT_INTERNAL", "EXIT_USAGE", "app", "main"]

#: The exit code of a command line gospel cannot parse (and of every InvalidInputError).
EXIT_USAGE = 2
#: The exit code of a bug in gospel (sysexits' EX_SOFTWARE).
EXIT_INTERNAL = 70
#: Set to show the traceback of a bug in gospel instead of its one-line summary.
DEBUG_ENV = "GOSPEL_DEBUG"

_EXAMPLES = """\
gospel new shop-api                          # a project in ./shop-api, asking the questions
gospel new . --defaults                      # in the current (empty or freshly cloned) folder
cd shop-api && gospel add-domain payments amount:decimal:12,2 status:enum:pending,paid
gospel check                                 # the gospel's architecture rules
gospel update --verify                       # newer template, then the project's own checks
"""

app = GospelTyper(
    name="gospel",
    cls=GospelGroup,
    help="Generate FastAPI backends that follow the Backend Development Gospel, and keep them "
    "that way.\n\nRun `gospel COMMAND --help` for a command's options and examples.",
    epilog=_EXAMPLES,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    # `gospel --install-completion` / `--show-completion`: bash, zsh, fish and PowerShell.
    add_completion=True,
    # Plain help output keeps start-up fast: Rich is imported only when a command prints.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"gospel {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Generate FastAPI backends that follow the Backend Development Gospel."""
    if ctx.invoked_subcommand is None:  # bare `gospel`: the help, as `gospel --help` shows it
        typer.echo(ctx.get_help())
        raise typer.Exit()


app.command("new", epilog=new.EXAMPLES)(new.command)
app.command("add-domain", epilog=add_domain.EXAMPLES)(add_domain.command)
app.command("remove-domain", epilog=remove_domain.EXAMPLES)(remove_domain.command)
app.command("add-field", epilog=add_field.EXAMPLES)(add_field.command)
app.command("remove-field", epilog=remove_field.EXAMPLES)(remove_field.command)
app.command("check", epilog=check.EXAMPLES)(check.command)
app.command("rule", epilog=rule.EXAMPLES)(rule.command)
app.command("update", epilog=update.EXAMPLES)(update.command)


_terminated_by: list[int] = []


def _on_termination(signum: int, frame: FrameType | None) -> None:
    # Raised where the main thread is, like Ctrl-C: every `finally` and rollback runs, so a
    # SIGTERM at a prompt or mid-render leaves nothing behind, as Ctrl-C does.
    _terminated_by.append(signum)
    raise KeyboardInterrupt


def main() -> None:
    """Run the CLI; the one place where errors become a red line and an exit code.

    * :class:`GospelError`: its message, its ``exit_code`` (see docs/cli.md).
    * Usage errors (bad option, missing argument or value): click's message and the
      command's ``--help``, exit 2.
    * Ctrl-C and aborted prompts: "interrupted", exit 130; SIGTERM and SIGHUP: the same
      clean-up, exit 128 + the signal number.
    * Anything else is a bug in gospel: "internal error", exit 70 (the traceback with
      ``GOSPEL_DEBUG=1``).
    """
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_termination)
    try:
        result = app(standalone_mode=False, prog_name="gospel")
    except GospelError as error:
        message = str(error)
        if isinstance(error, AbortedError) and _terminated_by:
            name = signal.Signals(_terminated_by[0]).name
            message = message.replace("interrupted", f"terminated by {name}", 1)
        _fail(message, _exit_code(error))
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted", _exit_code(AbortedError("interrupted")))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:
        # Typer's click errors (UsageError, BadParameter, ...) subclass TyperException.
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "gospel"
        # Typer validates values with pydantic, whose messages start with its error kind.
        message = error.format_message().replace("Value error, ", "")
        _fail(f"{message} (see `{command} --help`)", error.exit_code)
    except Exception as error:
        if os.environ.get(DEBUG_ENV):
            raise
        _fail(
            f"internal error ({type(error).__name__}: {error}); this is a bug in gospel: please "
            f"report it with the output of the same command run with {DEBUG_ENV}=1",
            EXIT_INTERNAL,
        )
    # Without standalone mode Typer returns the exit code of an explicit ``typer.Exit`` and
    # turns KeyboardInterrupt inside a command into 130.
    if result == 130:
        _fail("interrupted", _exit_code(AbortedError("interrupted")))
    sys.exit(result if isinstance(result, int) else 0)


def _exit_code(error: GospelError) -> int:
    if isinstance(error, AbortedError) and _terminated_by:
        return 128 + _terminated_by[0]
    return error.exit_code


def _fail(message: str, exit_code: int) -> NoReturn:
    first_line = " ".join(message.split()) or "failed"
    if exit_code > 128:
        # A prompt stopped by a signal leaves prompt_toolkit's asyncio tasks pending; at exit,
        # asyncio would log each of them after the one line below.
        import logging

        logging.getLogger("asyncio").disabled = True
    if _terminated_by and sys.stderr.isatty():
        # A signal can stop a prompt mid-line, where Ctrl-C would have ended the line.
        typer.echo(err=True)
    # https://no-color.org: any non-empty NO_COLOR turns colour off; click only checks for a tty.
    color = False if os.environ.get("NO_COLOR") else None
    typer.secho(f"Error: {first_line}", fg=typer.colors.RED, err=True, color=color)
    sys.exit(exit_code)
