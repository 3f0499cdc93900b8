"""The ``gospel`` command line: a thin Typer shell over pure functions.

Each command lives in its own module under :mod:`gospel_scaffold.commands` and calls a pure
function that returns a result. This module only wires them together and owns the single place
where a :class:`~gospel_scaffold.errors.GospelError` becomes a red one-line message and an exit
code. Keep imports here light: ``gospel --help`` must not import copier, Jinja or Rich.
"""

from __future__ import annotations

import sys
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
    update,
)
from gospel_scaffold.errors import GospelError

__all__ = ["app", "main"]

app = typer.Typer(
    name="gospel",
    help="Generate FastAPI backends that follow the Backend Development Gospel.",
    no_args_is_help=True,
    add_completion=False,
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


app.command("new")(new.command)
app.command("add-domain")(add_domain.command)
app.command("remove-domain")(remove_domain.command)
app.command("add-field")(add_field.command)
app.command("remove-field")(remove_field.command)
app.command("check")(check.command)
app.command("update")(update.command)


def main() -> None:
    """Run the CLI; the one place where errors become a red line and an exit code.

    * :class:`GospelError`: its message, its ``exit_code``.
    * Usage errors (bad option, missing argument): Typer's usage message, exit 2.
    * Ctrl-C and aborted prompts: "Aborted.", exit 130.
    """
    try:
        result = app(standalone_mode=False, prog_name="gospel")
    except GospelError as error:
        _fail(str(error), error.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _fail("Aborted.", 130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:
        # Typer's vendored click errors (UsageError, BadParameter, ...) subclass TyperException.
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else "gospel"
        _fail(f"{error.format_message()} (see `{command} --help`)", error.exit_code)
    # Without standalone mode Typer returns the exit code of an explicit ``typer.Exit`` and
    # turns KeyboardInterrupt inside a command into 130.
    if result == 130:
        _fail("Aborted.", 130)
    sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, exit_code: int) -> NoReturn:
    first_line = " ".join(message.split()) or "failed"
    typer.secho(f"Error: {first_line}", fg=typer.colors.RED, err=True)
    sys.exit(exit_code)
