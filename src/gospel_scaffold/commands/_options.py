"""Options shared by several commands, so each means the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["DryRunOption", "ForceMergeOption", "JsonOption", "ProjectOption"]

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

# add-field and remove-field: a three-way merge of your edits with gospel's change.
ForceMergeOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Where your edits of a generated file conflict with the change, take gospel's "
        "version of that file (your edits in it are lost).",
    ),
]
