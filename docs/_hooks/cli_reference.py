"""MkDocs hook: the CLI reference, generated from gospel's Typer app at build time.

In ``docs/cli.md`` a line ``<!-- gospel-help: COMMAND -->`` (``<!-- gospel-help: -->`` for
``gospel`` itself) becomes the exact text of ``gospel COMMAND --help``, rendered by the same code
the CLI runs. A registered command that the page does not mention is appended under "More
commands", so the reference can never miss or misdescribe a command.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from mkdocs.exceptions import PluginError

from gospel_scaffold.cli import app

PAGE = "cli.md"
_MARKER = re.compile(r"^<!-- gospel-help:\s*([a-z-]*)\s*-->$", re.MULTILINE)


def command_help(name: str) -> str:
    """The text of ``gospel NAME --help`` (``gospel --help`` for an empty name)."""
    group = typer.main.get_command(app)
    # No width given: click wraps as in any terminal of 80 columns or more.
    root = typer.Context(group, info_name="gospel", **group.context_settings)
    if not name:
        return group.get_help(root)
    command = group.get_command(root, name)  # type: ignore[attr-defined]
    if command is None:
        raise PluginError(f"{PAGE}: `gospel {name}` is not a command")
    context = typer.Context(command, info_name=name, parent=root)
    return str(command.get_help(context))


def _block(name: str) -> str:
    return f"```text\n$ gospel {name + ' ' if name else ''}--help\n{command_help(name)}\n```"


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Fill the help markers of the CLI page, and document every command it does not name."""
    if page.file.src_uri != PAGE:
        return markdown
    named = set(_MARKER.findall(markdown))
    text = _MARKER.sub(lambda match: _block(match.group(1)), markdown)
    missing = [info.name for info in app.registered_commands if info.name not in named]
    if missing:
        text += "\n\n## More commands\n"
        for name in missing:
            text += f"\n### `gospel {name}`\n\n{_block(str(name))}\n"
    return text
