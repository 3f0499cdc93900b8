"""The ``gospel`` command line: a thin Typer shell over pure functions.

Each command lives in its own module under :mod:`gospel_scaffold.commands` and calls a pure
function that returns a result. This module only wires them together and owns the single place
where a :class:`~gospel_scaffold.errors.GospelError` becomes a red one-line message and an exit
code. Keep imports here light: ``gospel --help`` must not import copier, Jinja or Rich.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from gospel_scaffold import __version__
from gospel_scaffold.commands import new
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


def main() -> None:
    """Run the CLI, turning every :class:`GospelError` into one red line and an exit code."""
    try:
        app(standalone_mode=False)
    except GospelError as error:
        typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        typer.secho("Aborted.", fg=typer.colors.RED, err=True)
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
