"""Create a new project from the gospel template.

Pure functions: nothing here prints. :func:`create_project` checks everything it can before
rendering (name, target, ``git``), renders the template with copier into a staging directory
next to the target, initialises git there, and only then moves the finished project into place,
so a failure or an interrupt leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from gospel_scaffold import __version__
from gospel_scaffold._git import git, try_git
from gospel_scaffold._template import ANSWERS_FILE, template_questions
from gospel_scaffold.errors import (
    InvalidInputError,
    ProjectError,
    RenderError,
    TargetExistsError,
    ToolMissingError,
)
from gospel_scaffold.update.source import template_for_copy

__all__ = [
    "PROJECT_NAME_PATTERN",
    "Database",
    "NewProjectResult",
    "create_project",
    "parse_data",
    "render_project",
    "validate_project_name",
]

PROJECT_NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

_NAME_RE = re.compile(PROJECT_NAME_PATTERN)
_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = "secret_key"
_FALLBACK_IDENTITY = {"user.name": "gospel", "user.email": "gospel@localhost"}


class Database(StrEnum):
    """The databases a generated project can target."""

    SQLITE = "sqlite"
    POSTGRES = "postgres"


@dataclass(frozen=True)
class NewProjectResult:
    """What :func:`create_project` made.

    Attributes:
        path: The project directory.
        name: The project name (a slug, also the directory name).
        answers: The template answers, without secrets.
        git_commit: The hash of the initial commit, or ``None`` without git.
        template: Where the template came from, for people.
        updatable: Whether the project records a template commit, so that ``gospel update``
            can bring it newer template versions.
    """

    path: Path
    name: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    git_commit: str | None = None
    template: str = ""
    updatable: bool = False

    @property
    def database(self) -> str:
        """The database the project targets (``sqlite`` or ``postgres``)."""
        return str(self.answers.get("database", Database.SQLITE.value))

    @property
    def python_version(self) -> str | None:
        """The Python version the project targets, when the template asks for one."""
        value = self.answers.get("python_version")
        return None if value is None else str(value)


def validate_project_name(name: str) -> str:
    """Check that ``name`` is a valid project name.

    Args:
        name: The name given on the command line.

    Returns:
        The name, unchanged.

    Raises:
        InvalidInputError: The name is not a lowercase slug.
    """
    if not _NAME_RE.fullmatch(name):
        raise InvalidInputError(
            f"invalid project name {name!r}: use lowercase letters and digits, starting with a "
            "letter, words joined by single hyphens (e.g. 'my-api')"
        )
    return name


def parse_data(pairs: Sequence[str]) -> dict[str, str]:
    """Parse repeated ``--data KEY=VALUE`` options.

    Args:
        pairs: The raw option values.

    Returns:
        Each key mapped to its (string) value; copier casts it to the question's type.

    Raises:
        InvalidInputError: A value is not of the form ``KEY=VALUE`` with an identifier as key.
    """
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not _KEY_RE.fullmatch(key):
            raise InvalidInputError(
                f"invalid --data {pair!r}: expected KEY=VALUE, e.g. --data python_version=3.13"
            )
        data[key] = value
    return data


def create_project(
    name: str,
    *,
    output_dir: Path | None = None,
    database: Database | None = None,
    data: Mapping[str, Any] | None = None,
    ask: bool = False,
    git: bool = True,
    template: str | None = None,
    vcs_ref: str | None = None,
) -> NewProjectResult:
    """Render a new project into ``output_dir / name``.

    Args:
        name: The project name (a lowercase slug); also the directory created.
        output_dir: Where to create the project directory; defaults to the current directory.
        database: The database to target; when ``None`` the template default (or the user's
            answer, when ``ask``) is used.
        data: Further template answers, by question name.
        ask: Ask the questions not answered by ``data`` on the terminal instead of taking
            the template defaults.
        git: Initialise a git repository with an initial commit.
        template: Render this template (git URL, local clone, ``.bundle`` file or plain
            directory) instead of the one shipped with gospel.
        vcs_ref: The tag, branch or commit of a git template to render.

    Returns:
        What was created.

    Raises:
        InvalidInputError: The name, an answer or the template source is not valid.
        TargetExistsError: The target exists and is not an empty directory.
        ToolMissingError: ``git`` is needed but not on PATH.
        RenderError: The template failed to render.
        ProjectError: ``git`` failed, or the directory cannot be written.
    """
    validate_project_name(name)
    output_dir = Path.cwd() if output_dir is None else output_dir
    target = output_dir.expanduser().absolute() / name
    _check_target(target)
    if git and shutil.which("git") is None:
        raise ToolMissingError(
            "git is not on PATH: install git, or pass --no-git to skip creating a repository"
        )
    answers = _initial_answers(name, database, data, _local_questions(template))

    try:
        with _staging(target) as staging:
            rendered = _render(staging, answers, ask=ask, template=template, vcs_ref=vcs_ref)
            commit = _init_git(staging) if git else None
    except OSError as error:
        raise ProjectError(f"cannot create {target}: {error.strerror or error}") from None
    return NewProjectResult(
        path=target,
        name=name,
        answers=rendered.answers,
        git_commit=commit,
        template=rendered.template,
        updatable=rendered.updatable,
    )


def render_project(
    answers: Mapping[str, Any],
    dest: Path,
    *,
    template: str | None = None,
    vcs_ref: str | None = None,
) -> dict[str, Any]:
    """Render the template with ``answers`` into ``dest`` without asking anything.

    Like :func:`create_project` without the name checks and git: a fresh ``secret_key`` is
    generated unless given, and ``dest`` must not exist or be an empty directory.

    Args:
        answers: Template answers by question name (unanswered questions take defaults).
        dest: The project directory to create.
        template: Render this template instead of the one shipped with gospel.
        vcs_ref: The tag, branch or commit of a git template to render.

    Returns:
        The answers the template was rendered with, without secrets.
    """
    target = dest.expanduser().absolute()
    _check_target(target)
    data = _with_secret(answers, _local_questions(template))
    with _staging(target) as staging:
        return _render(staging, data, ask=False, template=template, vcs_ref=vcs_ref).answers


def _local_questions(template: str | None) -> dict[str, dict[str, Any]] | None:
    """The template's questions when its ``copier.yml`` is on disk, else ``None``."""
    if template is None:
        return template_questions()
    try:
        return template_questions(Path(template).expanduser().resolve())
    except ProjectError:  # a URL or a bundle: copier checks the answers itself
        return None


def _check_target(target: Path) -> None:
    if target.is_dir():
        if any(target.iterdir()):
            raise TargetExistsError(f"{target} already exists and is not empty; nothing changed")
    elif target.exists() or target.is_symlink():
        raise TargetExistsError(f"{target} already exists and is not a directory")


def _initial_answers(
    name: str,
    database: Database | None,
    data: Mapping[str, Any] | None,
    questions: Mapping[str, Any] | None,
) -> dict[str, Any]:
    answers = dict(data or {})
    if "project_name" in answers and answers["project_name"] != name:
        raise InvalidInputError("give the project name as NAME, not as --data project_name=...")
    if database is not None:
        if "database" in answers and answers["database"] != database.value:
            raise InvalidInputError("--database and --data database=... disagree; give one")
        answers["database"] = database.value
    if questions is not None:
        unknown = sorted(set(answers) - set(questions))
        if unknown:
            known = ", ".join(q for q in questions if q != _SECRET_KEY)
            raise InvalidInputError(
                f"unknown question {unknown[0]!r} in --data; questions: {known}"
            )
    answers["project_name"] = name
    return _with_secret(answers, questions)


def _with_secret(answers: Mapping[str, Any], questions: Mapping[str, Any] | None) -> dict[str, Any]:
    """``answers`` plus a fresh ``secret_key`` unless given, when the template may ask for it."""
    data = dict(answers)
    if questions is None or _SECRET_KEY in questions:
        data.setdefault(_SECRET_KEY, secrets.token_urlsafe(64))
    return data


@contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """Yield an empty directory next to ``target``; move it into place on success.

    On any failure (including ``KeyboardInterrupt``) the staging directory and any parent
    directories created for it are removed.
    """
    created = _missing_parents(target.parent)
    staging = target.parent / f".{target.name}.gospel-{secrets.token_hex(8)}"
    # Everything that creates a directory happens inside the try, so that an interrupt arriving
    # right after a mkdir still finds its name and removes it.
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir(mode=0o700)
        yield staging
        _check_target(target)  # a race: someone created it meanwhile
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        # os.replace also replaces an existing empty directory (POSIX rename semantics).
        staging.replace(target)
    except BaseException as error:
        if not (isinstance(error, FileExistsError) and error.filename == str(staging)):
            shutil.rmtree(staging, ignore_errors=True)  # unless it is another run's (a clash)
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise


def _missing_parents(directory: Path) -> Path | None:
    """Return the outermost ancestor of ``directory`` (itself included) that does not exist."""
    missing = None
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


@dataclass(frozen=True)
class _Rendered:
    answers: dict[str, Any]
    template: str
    updatable: bool


def _render(
    dest: Path,
    answers: Mapping[str, Any],
    *,
    ask: bool,
    template: str | None,
    vcs_ref: str | None,
) -> _Rendered:
    import copier
    from copier.errors import CopierError, CopierWarning
    from jinja2 import TemplateError

    with template_for_copy(template, vcs_ref) as source:
        try:
            with warnings.catch_warnings():
                # Copier's warnings (a dirty template, a shallow clone) would bypass the one-line
                # summary; what they mean for the project is reported through ``source``.
                warnings.simplefilter("ignore", CopierWarning)
                worker = copier.run_copy(
                    source.src_path,
                    str(dest),
                    data=dict(answers),
                    vcs_ref=source.vcs_ref,
                    defaults=not ask,
                    overwrite=True,
                    quiet=True,
                    cleanup_on_error=False,
                )
        except ValueError as error:  # an answer failed its type, choice or validator
            raise InvalidInputError(f"invalid answer: {_one_line(error)}") from None
        except (CopierError, TemplateError) as error:
            raise RenderError(f"the template failed to render: {_one_line(error)}") from None
        except Exception as error:  # a bug in the template; still no traceback for users
            detail = f"{type(error).__name__}: {_one_line(error)}"
            raise RenderError(f"the template failed to render: {detail}") from None
        if source.directory is not None:
            _fix_answers_source(dest, Path(source.src_path), source.directory)
    secret_names = {
        str(name)
        for name, spec in worker.template.questions_data.items()
        if isinstance(spec, dict) and spec.get("secret")
    }
    secret_names.add(_SECRET_KEY)
    rendered = {
        key: value
        for key, value in worker.answers.combined.items()
        if not str(key).startswith("_") and key not in secret_names
    }
    return _Rendered(answers=rendered, template=source.description, updatable=source.updatable)


def _fix_answers_source(dest: Path, snapshot: Path, source: Path) -> None:
    """Record the real template location instead of the throwaway snapshot in the answers."""
    answers_file = dest / ANSWERS_FILE
    if not answers_file.is_file():
        return
    text = answers_file.read_text(encoding="utf-8")
    fixed = re.sub(
        rf"^(_src_path:\s*)['\"]?{re.escape(str(snapshot))}['\"]?\s*$",
        lambda match: f"{match.group(1)}{source}",
        text,
        flags=re.MULTILINE,
    )
    if fixed != text:
        answers_file.write_text(fixed, encoding="utf-8")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _init_git(path: Path) -> str:
    git(path, "init", "--quiet", "-b", "main")
    git(path, "add", "-A")
    has_identity = all(
        (try_git(path, "config", "--get", key) or "").strip() for key in ("user.name", "user.email")
    )
    git(
        path,
        "commit",
        "--quiet",
        "-m",
        f"Initial project from gospel {__version__}",
        config=None if has_identity else _FALLBACK_IDENTITY,
    )
    return git(path, "rev-parse", "HEAD").strip()
