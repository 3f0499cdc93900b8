"""The one error hierarchy of gospel.

Every failure a user can cause is a :class:`GospelError`. The CLI turns it into a single red
line and the error's ``exit_code`` in one place (``gospel_scaffold.cli``); nothing else prints
tracebacks to users. Each kind of error has one exit code, listed in docs/cli.md:

* 1: the operation failed (:class:`GospelError` and most subclasses);
* 2: the command line or what it points at is wrong (:class:`InvalidInputError`,
  :class:`NotAProjectError`, :class:`UnreadableProjectError`), as for click's usage errors;
* 3: :class:`UpdateConflictError`; 4: :class:`VerifyFailedError`;
* 130: :class:`AbortedError` (Ctrl-C; 128 + the signal number for SIGTERM and SIGHUP).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AbortedError",
    "DirtyTreeError",
    "EditError",
    "GospelError",
    "InvalidInputError",
    "MigrationError",
    "NotAProjectError",
    "NotUpdatableError",
    "ProjectError",
    "RenderError",
    "TargetExistsError",
    "ToolMissingError",
    "UnreadableProjectError",
    "UpdateConflictError",
    "UpdateFailedError",
    "VerifyFailedError",
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


class RenderError(GospelError):
    """The template could not be rendered with the given answers."""


class AbortedError(GospelError):
    """The user interrupted gospel (Ctrl-C) before it finished; nothing was left behind."""

    exit_code = 130


class NotAProjectError(ProjectError):
    """The directory gospel was pointed at (or run in) is not a gospel project.

    One wording for every command: ``DIR is not a gospel project (WHY); run gospel inside the
    project or pass --project DIR``.
    """

    exit_code = 2

    def __init__(self, directory: Path, why: str) -> None:
        super().__init__(
            f"{directory} is not a gospel project ({why}); run gospel inside the project or "
            "pass --project DIR"
        )


class UnreadableProjectError(ProjectError):
    """``gospel check`` cannot read the project it was pointed at.

    For example: no ``app/`` package, a file that does not parse, an invalid ``[tool.gospel]``
    section, or (with ``--migrations``) no Python environment to run Alembic in.
    """

    exit_code = 2


class DirtyTreeError(ProjectError):
    """``gospel update`` refuses a project whose git tree has uncommitted changes."""


class NotUpdatableError(ProjectError):
    """The project records no template source and version that copier can update from."""


class UpdateFailedError(GospelError):
    """Copier could not update the project; the project was put back as it was."""


class UpdateConflictError(GospelError):
    """The update finished but left files with conflicts for the user to resolve."""

    exit_code = 3


class VerifyFailedError(GospelError):
    """The project's own checks failed after an update (``gospel update --verify``)."""

    exit_code = 4


class EditError(ProjectError):
    """A shared file could not be edited safely; the message shows the lines to add by hand."""


class MigrationError(ProjectError):
    """The project's migrations cannot take a new one (for example several heads)."""
