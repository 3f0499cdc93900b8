"""How ``gospel`` shows its help: clean metavars, whole summaries, examples.

Typer's plain help shows its own type hints (``NAME <str>``, ``FIELD... <list[str]>``,
``{NAME}``) and click cuts command summaries to fit one line. These classes show what a
user types instead:

* arguments as ``NAME`` and ``[FIELD]...``, options as ``--database sqlite|postgres``;
* each command's whole first sentence in the command list, wrapped;
* a command's ``epilog`` as an "Examples" section, one example per line, never re-wrapped;
* a usage error raised while parsing a command names that command (``gospel new --help``).
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["GospelCommand", "GospelGroup", "GospelTyper"]

# Typer's type hint after a parameter's name: `<str>`, `<list[str]>`, `<sqlite|postgres>`.
_TYPE_HINT = re.compile(r" <([^<>]*)>$")


def _bare_hint(match: re.Match[str]) -> str:
    hint = match.group(1)
    if hint.startswith("list[") and hint.endswith("]"):
        hint = hint[len("list[") : -1]
    return f" {hint}"


def _clean_name(param: Any, name: str) -> str:
    if param.param_type_name == "argument":
        shown = _argument_name(param)
        return f"{shown}..." if param.nargs != 1 else shown
    # An option without a metavar shows its choices bare: `--database sqlite|postgres`.
    return _TYPE_HINT.sub(_bare_hint, name)


def _write_params(command: Any, ctx: Any, formatter: Any) -> None:
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        row = (_clean_name(param, record[0]), record[1])
        (arguments if param.param_type_name == "argument" else options).append(row)
    if arguments:
        with formatter.section("Arguments"):
            formatter.write_dl(arguments)
    if options:
        with formatter.section("Options"):
            formatter.write_dl(options)


def _write_examples(epilog: str | None, formatter: Any) -> None:
    if not epilog:
        return
    formatter.write_paragraph()
    formatter.write_text("Examples:")
    for line in epilog.strip("\n").splitlines():
        formatter.write(f"{' ' * (formatter.current_indent + 2)}{line}\n".rstrip(" ") or "\n")


def _argument_name(param: Any) -> str:
    return str(param.metavar or param.name.upper()).removesuffix("...")


def _usage_piece(param: Any) -> str:
    shown = _argument_name(param)
    if param.nargs != 1:
        return f"{shown}..." if param.required else f"[{shown}]..."
    return shown if param.required else f"[{shown}]"


class GospelCommand(TyperCommand):
    """A ``gospel`` command: clean help, examples from ``epilog``, usage errors that name it."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] NAME [FIELD]...`` instead of Typer's ``{NAME}``."""
        pieces = [self.options_metavar] if self.options_metavar else []
        pieces += [
            _usage_piece(param)
            for param in self.get_params(ctx)
            if param.param_type_name == "argument"
        ]
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments and options, each named as typed."""
        _write_params(self, ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The examples, one per line, as written."""
        _write_examples(self.epilog, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Parse, attaching this command's context to usage errors that lack one."""
        try:
            return super().parse_args(ctx, args)
        except typer.TyperException as error:
            if getattr(error, "ctx", True) is None:
                error.ctx = ctx  # type: ignore[attr-defined]
            raise


class GospelGroup(TyperGroup):
    """The ``gospel`` group: whole command summaries and an examples epilog."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """List every command with its whole first sentence, wrapped instead of cut."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Options, then commands."""
        _write_params(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The examples, one per line, as written."""
        _write_examples(self.epilog, formatter)


class GospelTyper(typer.Typer):
    """A Typer app whose commands are :class:`GospelCommand` unless told otherwise.

    So ``app.command("name", epilog=EXAMPLES)(function)`` is all a new command needs.
    """

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        """Register a command, as :meth:`typer.Typer.command`, with :class:`GospelCommand`."""
        return super().command(name, cls=cls or GospelCommand, **kwargs)
