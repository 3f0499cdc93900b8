"""What the commands print, and how much: ``-q``/``-v``, Rich consoles and progress.

Every command prints through this module, so ``--quiet`` and ``--verbose`` mean the same
everywhere:

* ``--quiet``: only errors (always one line on stderr, printed by ``gospel_scaffold.cli``) and
  what a script asked for (``--json``) are printed; summaries, checklists, next steps and
  progress are not.
* ``--verbose``: also what gospel's tools say while they work (copier's list of the files it
  writes, the output of checks that passed).

Progress (:func:`progress`) is a Rich spinner on stderr, shown only on a terminal and wiped
when the step ends, so piped output and ``--json`` stay clean. Rich is imported only when
something is printed; ``NO_COLOR`` is honoured by Rich itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "QuietOption",
    "VerboseOption",
    "Verbosity",
    "console",
    "echo",
    "progress",
    "verbosity",
]


@dataclass
class Verbosity:
    """How much the running command prints.

    Attributes:
        quiet: Only errors and requested machine output (``--json``).
        verbose: Also the output of the tools gospel runs.
    """

    quiet: bool = False
    verbose: bool = False


_current = Verbosity()


def verbosity() -> Verbosity:
    """The verbosity of the running command (set by its ``-q``/``-v`` options)."""
    return _current


def _set_quiet(value: bool) -> None:
    if value:
        _current.quiet = True


def _set_verbose(value: bool) -> None:
    if value:
        _current.verbose = True


# The values are recorded here by the callbacks, not passed to the command functions
# (expose_value=False): a command reads them through verbosity().
QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print only errors (and --json output).",
        callback=_set_quiet,
        expose_value=False,
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Also print what the tools gospel runs say (copier, checks).",
        callback=_set_verbose,
        expose_value=False,
    ),
]


def echo(text: str = "", *, nl: bool = True) -> None:
    """Print plain text to stdout unless ``--quiet``."""
    if not _current.quiet:
        typer.echo(text, nl=nl)


def console() -> Console:
    """A Rich console on stdout that prints nothing under ``--quiet``."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, quiet=_current.quiet)


@contextmanager
def progress(label: str) -> Iterator[None]:
    """Show a spinner with ``label`` on stderr while the block runs (terminals only).

    Args:
        label: What is happening, e.g. "Rendering the template".

    Yields:
        Nothing; the spinner disappears when the block ends, however it ends.
    """
    if _current.quiet or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True, highlight=False).status(label, spinner="dots"):
        yield
