"""The one error hierarchy of gospel.

Every failure a user can cause is a :class:`GospelError`. The CLI turns it into a single red
line and the error's ``exit_code`` in one place (``gospel_scaffold.cli``); nothing else prints
tracebacks to users.
"""

from __future__ import annotations

__all__ = [
    "GospelError",
    "InvalidInputError",
    "ProjectError",
    "TargetExistsError",
    "ToolMissingError",
]


class GospelError(Exception):
    """Base class of every error gospel reports to its user.

    Attributes:
        exit_code: The process exit code the CLI uses for this error.
    """

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInputError(GospelError):
    """A name, option or value given on the command line is not valid."""

    exit_code = 2


class TargetExistsError(GospelError):
    """The destination already exists and gospel will not overwrite it."""


class ToolMissingError(GospelError):
    """An external program gospel needs (``git``, ``uv``) is not on PATH."""


class ProjectError(GospelError):
    """The project gospel was pointed at is not one it can work on."""
