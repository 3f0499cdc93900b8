"""Options shared by several commands, so each means the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["DryRunOption", "JsonOption", "ProjectOption"]

ProjectOption = Annotated[
    Path,
    typer.Option(
        "--project",
        "-C",
        help="The project folder.  [default: current directory]",
        metavar="DIR",
        file_okay=False,
        show_default=False,
    ),
]

DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the plan as unified diffs; change nothing."),
]

JsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print the result as JSON for scripts. It still applies the change; add "
        "--dry-run to only preview it.",
    ),
]
