"""Create a new project from the gospel template.

Pure functions: nothing here prints. :func:`create_project` checks everything it can before
rendering (name, target, answers, ``git``), renders the template with copier into a staging
folder inside the target, initialises git there, and only then moves the finished project into
place (:mod:`gospel_scaffold._staging`), so a failure or an interrupt leaves nothing behind.

The target may already exist, as ``uv init`` allows: empty, or holding files the template does
not write (a ``.git`` folder, a ``LICENSE``). The ``README.md`` and ``.gitignore`` of a fresh
clone are replaced when git has them committed and unmodified (nothing is lost: git keeps
them); any other file the template would write is refused. In an existing git repository the
project is committed there instead of in a new one.
"""

from __future__ import annotations

import re
import secrets
import shutil
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from gospel_scaffold import __version__
from gospel_scaffold._git import git, try_git
from gospel_scaffold._staging import staged
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
    "CURRENT_DIRECTORY",
    "PROJECT_NAME_PATTERN",
    "Database",
    "NewProjectResult",
    "check_answers",
    "create_project",
    "parse_data",
    "project_target",
    "read_data_file",
    "render_project",
    "validate_project_name",
]

PROJECT_NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
#: ``gospel new .``: create the project in the output directory itself, named after it.
CURRENT_DIRECTORY = "."

_NAME_RE = re.compile(PROJECT_NAME_PATTERN)
_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = "secret_key"
_FALLBACK_IDENTITY = {"user.name": "gospel", "user.email": "gospel@localhost"}
# What copier reads as yes and no (copier itself takes any other word for yes).
_YES = frozenset({"y", "yes", "t", "true", "on", "1"})
_NO = frozenset({"n", "no", "f", "false", "off", "0"})
# What the gospel template always writes: a folder holding one of these is another project,
# refused before any question is asked.
_PROJECT_MARKERS = ("pyproject.toml", "app", "alembic.ini", "migrations", ANSWERS_FILE)


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
        git_identity_missing: git knows no ``user.name``/``user.email``, so the commit was
            made as ``gospel <gospel@localhost>``; the user's next ``git commit`` will fail
            until they configure one.
        existing_repository: The project was committed in a git repository that was already
            there (``gospel new .`` in a clone) instead of a new one.
        replaced: Files of the existing directory that the generated ones replaced (committed
            and unmodified, so git still has them).
    """

    path: Path
    name: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    git_commit: str | None = None
    template: str = ""
    updatable: bool = False
    git_identity_missing: bool = False
    existing_repository: bool = False
    replaced: tuple[str, ...] = ()

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


def project_target(name: str, output_dir: Path | None = None) -> tuple[str, Path]:
    """Resolve ``gospel new NAME [--output-dir DIR]`` into a project name and its directory.

    Args:
        name: A project name, or ``.`` for the output directory itself.
        output_dir: Where to create the project; defaults to the current directory.

    Returns:
        The project name and the absolute project directory.

    Raises:
        InvalidInputError: The name (for ``.``: the directory's name) is not a lowercase slug.
    """
    base = (Path.cwd() if output_dir is None else output_dir).expanduser().absolute()
    if name != CURRENT_DIRECTORY:
        return validate_project_name(name), base / name
    target = base.resolve()
    if not _NAME_RE.fullmatch(target.name):
        raise InvalidInputError(
            f"invalid project name {target.name!r} (the name of {target}): `gospel new .` names "
            "the project after its folder, which must be lowercase letters and digits joined by "
            "single hyphens; rename the folder or run `gospel new NAME` to create NAME/ in it"
        )
    return target.name, target


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


def read_data_file(path: Path) -> dict[str, Any]:
    """Read ``--data-file FILE``: template answers as a YAML mapping.

    Another project's ``.copier-answers.yml`` works as it is: copier's own keys (``_src_path``,
    ``_commit``...) and ``project_name`` are skipped, because NAME names the new project.

    Args:
        path: The YAML file.

    Returns:
        Each question name mapped to its answer.

    Raises:
        InvalidInputError: The file cannot be read, is not YAML, or is not a mapping of names.
    """
    import yaml  # type: ignore[import-untyped]  # copier dependency, lazy import

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInputError(
            f"--data-file {path}: cannot read it ({error.strerror or error})"
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        detail = " ".join(str(error).split())
        raise InvalidInputError(f"--data-file {path}: not valid YAML ({detail})") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(key, str) for key in loaded):
        raise InvalidInputError(
            f"--data-file {path}: expected a mapping of question names to answers, e.g. "
            "`python_version: '3.13'`"
        )
    return {
        key: value
        for key, value in loaded.items()
        if not key.startswith("_") and key != "project_name"
    }


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
    verbose: bool = False,
) -> NewProjectResult:
    """Render a new project into ``output_dir / name`` (``output_dir`` itself for ``.``).

    Args:
        name: The project name (a lowercase slug); also the directory created. ``.`` creates
            the project in ``output_dir`` itself, named after it.
        output_dir: Where to create the project directory; defaults to the current directory.
        database: The database to target; when ``None`` the template default (or the user's
            answer, when ``ask``) is used.
        data: Further template answers, by question name.
        ask: Ask the questions not answered by ``data`` on the terminal instead of taking
            the defaults (the user's copier defaults, else the template's).
        git: Commit the project: in a new repository, or in the one the target already is.
        template: Render this template (git URL, local clone, ``.bundle`` file or plain
            directory) instead of the one shipped with gospel.
        vcs_ref: The tag, branch or commit of a git template to render.
        verbose: Let copier list the files it writes (on stderr).

    Returns:
        What was created.

    Raises:
        InvalidInputError: The name, an answer or the template source is not valid.
        TargetExistsError: The target is a file, holds another project, or holds files the
            template would overwrite.
        ToolMissingError: ``git`` is needed but not on PATH.
        RenderError: The template failed to render.
        ProjectError: ``git`` failed, or the directory cannot be written.
    """
    name, target = project_target(name, output_dir)
    _check_target(target)
    if git and shutil.which("git") is None:
        raise ToolMissingError(
            "git is not on PATH: install git, or pass --no-git to skip creating a repository"
        )
    questions = _local_questions(template)
    answers = _initial_answers(name, database, data, questions)
    _check_user_defaults(questions)
    existing_repository = git and (target / ".git").exists()
    commit: str | None = None
    identity_missing = False
    try:
        with staged(target) as (staging, placement):
            rendered = _render(
                staging, answers, ask=ask, template=template, vcs_ref=vcs_ref, verbose=verbose
            )
            if git and not existing_repository:
                commit, identity_missing = _init_git(staging)
            placement.plan(staging)
            placement.move(staging)
            if existing_repository:
                commit, identity_missing = _commit_into(target, placement.top_level)
    except OSError as error:
        raise ProjectError(f"cannot create {target}: {error.strerror or error}") from None
    return NewProjectResult(
        path=target,
        name=name,
        answers=rendered.answers,
        git_commit=commit,
        template=rendered.template,
        updatable=rendered.updatable,
        git_identity_missing=identity_missing,
        existing_repository=existing_repository,
        replaced=tuple(placement.replaced),
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
    with staged(target) as (staging, placement):
        rendered = _render(staging, data, ask=False, template=template, vcs_ref=vcs_ref)
        placement.plan(staging)
        placement.move(staging)
    return rendered.answers


def _local_questions(template: str | None) -> dict[str, dict[str, Any]] | None:
    """The template's questions when its ``copier.yml`` is on disk, else ``None``."""
    if template is None:
        return template_questions()
    try:
        return template_questions(Path(template).expanduser().resolve())
    except ProjectError:  # a URL or a bundle: copier checks the answers itself
        return None


def _check_target(target: Path) -> None:
    """Refuse, before anything is asked or written, a target that cannot take a project."""
    if target.is_symlink() and not target.is_dir():
        raise TargetExistsError(f"{target} already exists and is not a directory")
    if not target.is_dir():
        if target.exists():
            raise TargetExistsError(f"{target} already exists and is not a directory")
        return
    found = [marker for marker in _PROJECT_MARKERS if (target / marker).exists()]
    if found:
        raise TargetExistsError(
            f"{target} already holds a project ({', '.join(found)}); gospel never overwrites "
            "one: pick another NAME or --output-dir. Nothing changed"
        )


def _is_yes_or_no(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return isinstance(value, str | int) and str(value).strip().lower() in _YES | _NO


def _check_bool_answers(
    answers: Mapping[str, Any], questions: Mapping[str, Any] | None, where: str
) -> None:
    """Refuse a yes/no answer that is neither (copier reads any other word as yes)."""
    for key, value in answers.items():
        spec = (questions or {}).get(key) or {}
        if spec.get("type") == "bool" and not _is_yes_or_no(value):
            raise InvalidInputError(
                f"invalid answer {key}={value!r}{where}: {key} is a yes/no question; answer "
                "true or false (yes/no, y/n, on/off, 1/0)"
            )


def check_answers(answers: Mapping[str, Any], questions: Mapping[str, Any]) -> None:
    """Check ``--data`` answers against the template's questions.

    Args:
        answers: Each question name mapped to its answer.
        questions: The template's questions (``copier.yml``, without copier's own settings).

    Raises:
        InvalidInputError: A name is no question of the template, or a yes/no answer is neither.
    """
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        known = ", ".join(name for name, spec in questions.items() if _asked(spec))
        raise InvalidInputError(f"unknown question {unknown[0]!r} in --data; questions: {known}")
    _check_bool_answers(answers, questions, "")


def _check_user_defaults(questions: Mapping[str, Any] | None) -> None:
    """Check the user's copier defaults (``defaults:`` in copier's settings.yml) as answers."""
    if not questions:
        return
    import copier
    from copier.errors import SettingsError

    try:
        settings = copier.load_settings()
    except SettingsError as error:
        raise InvalidInputError(f"copier's user settings are invalid: {_one_line(error)}") from None
    _check_bool_answers(dict(settings.defaults), questions, " in your copier settings (defaults)")


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
        check_answers(answers, questions)
    answers["project_name"] = name
    return _with_secret(answers, questions)


def _with_secret(answers: Mapping[str, Any], questions: Mapping[str, Any] | None) -> dict[str, Any]:
    """``answers`` plus a fresh ``secret_key`` unless given, when the template may ask for it."""
    data = dict(answers)
    if questions is None or _SECRET_KEY in questions:
        data.setdefault(_SECRET_KEY, secrets.token_urlsafe(64))
    return data


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
    verbose: bool = False,
) -> _Rendered:
    from copier.errors import CopierError, CopierWarning
    from jinja2 import TemplateError

    with template_for_copy(template, vcs_ref) as source:
        try:
            with warnings.catch_warnings():
                # Copier's warnings (a dirty template, a shallow clone) would bypass the one-line
                # summary; what they mean for the project is reported through ``source``.
                warnings.simplefilter("ignore", CopierWarning)
                worker = _copy(
                    source.src_path,
                    dest,
                    data=dict(answers),
                    vcs_ref=source.vcs_ref,
                    defaults=not ask,
                    overwrite=True,
                    quiet=not verbose,
                    cleanup_on_error=False,
                )
        except KeyboardInterrupt:
            # Ctrl-C at a prompt is copier's CopierAnswersInterrupt, whose text holds every
            # answer, the secret key included: it must never be shown.
            raise KeyboardInterrupt from None
        except ValueError as error:
            if str(error).startswith("Unknown revision"):
                where = template or "the template shipped with gospel"
                raise InvalidInputError(
                    f"--vcs-ref {source.vcs_ref}: no such tag, branch or commit in {where}"
                ) from None
            # An answer failed its type, choice or validator.
            raise InvalidInputError(f"invalid answer: {_one_line(error)}") from None
        except (CopierError, TemplateError) as error:
            raise RenderError(f"the template failed to render: {_one_line(error)}") from None
        except Exception as error:  # a bug in the template; still no traceback for users
            detail = f"{type(error).__name__}: {_one_line(error)}"
            raise RenderError(f"the template failed to render: {detail}") from None
        if source.directory is not None:
            _fix_answers_source(dest, Path(source.src_path), source.directory)
    # The answers to the questions people answer: not copier's own helpers (``now``...) that
    # share the mapping, not values the template computes (``when: false``), never a secret.
    rendered = {
        str(name): worker.answers.combined[name]
        for name, spec in worker.template.questions_data.items()
        if name in worker.answers.combined and name != _SECRET_KEY and _asked(spec)
    }
    return _Rendered(answers=rendered, template=source.description, updatable=source.updatable)


def _copy(src_path: str, dest: Path, **options: Any) -> Any:
    """``copier.run_copy`` into ``dest``, a fresh folder whose files no git repository tracks.

    For every file it writes, copier runs ``git config core.fileMode`` in the destination, to
    restage the executable bit of files a repository already tracks while ignoring modes.
    gospel adds the files to git only after rendering, so there is never anything to restage:
    copier's worker is told so, which spares a git process per file (about a third of the
    time of ``gospel new``). Where copier no longer has that worker, it runs as it is.
    """
    try:
        from copier._main import Worker  # copier's own class behind run_copy
    except ImportError:
        import copier

        return copier.run_copy(src_path, str(dest), **options)

    class FreshDestination(Worker):
        def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
            return

    with FreshDestination(src_path=src_path, dst_path=dest, **options) as worker:
        worker.run_copy()
    return worker


def _asked(spec: object) -> bool:
    """Whether a question is one people answer: not secret, not computed (``when: false``)."""
    return not (isinstance(spec, dict) and (spec.get("secret") or spec.get("when") is False))


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


def _identity_missing(path: Path) -> bool:
    return not all(
        (try_git(path, "config", "--get", key) or "").strip() for key in ("user.name", "user.email")
    )


def _commit(path: Path, *paths: str) -> tuple[str, bool]:
    """Commit (only ``paths``, when given); return the commit and whether git had no identity.

    Without a git identity the commit is made as ``gospel <gospel@localhost>``, for this one
    command only: nothing is written to any git configuration.
    """
    missing = _identity_missing(path)
    git(
        path,
        "commit",
        "--quiet",
        "-m",
        f"Initial project from gospel {__version__}",
        *(["--", *paths] if paths else []),
        config=_FALLBACK_IDENTITY if missing else None,
    )
    return git(path, "rev-parse", "HEAD").strip(), missing


def _init_git(path: Path) -> tuple[str, bool]:
    git(path, "init", "--quiet", "-b", "main")
    git(path, "add", "-A")
    return _commit(path)


def _commit_into(target: Path, names: list[str]) -> tuple[str, bool]:
    """Commit the project's files in the repository ``target`` already is, and nothing else.

    The repository's index is put back as it was if this fails (or is interrupted), so the
    undone project leaves no staged entries behind.
    """
    ignored = set((try_git(target, "check-ignore", "--", *names) or "").splitlines())
    paths = [name for name in names if name not in ignored]
    index = target / git(target, "rev-parse", "--git-path", "index").strip()
    saved = index.read_bytes() if index.is_file() else None
    try:
        git(target, "add", "-A", "--", *paths)
        return _commit(target, *paths)
    except BaseException:
        if saved is None:
            index.unlink(missing_ok=True)
        else:
            index.write_bytes(saved)
        raise
