"""``gospel new``: create a FastAPI project from the gospel template."""

import json
import shlex
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from gospel_scaffold.commands._output import (
    QuietOption,
    VerboseOption,
    console,
    progress,
    verbosity,
)
from gospel_scaffold.errors import AbortedError
from gospel_scaffold.new_project import (
    CURRENT_DIRECTORY,
    Database,
    NewProjectResult,
    create_project,
    parse_data,
    read_data_file,
)

__all__ = ["EXAMPLES", "command", "git_identity_hint", "next_steps", "to_json"]

EXAMPLES = """\
gospel new shop-api
gospel new shop-api --database postgres -d python_version=3.13 -d include_manifest=false
gospel new shop-api --database postgres -d deploy=kubernetes    # plus deploy/kubernetes/
gospel new shop-api -o ~/src --defaults --no-git
gospel new . --defaults                       # here: an empty folder or a fresh clone
gospel new billing --data-file ../shop-api/.copier-answers.yml    # same answers as shop-api
"""


def command(
    name: Annotated[
        str,
        typer.Argument(
            help="Project name and directory, in lowercase letters, digits and hyphens, like "
            "shop-api; `.` creates the project in the current folder (or --output-dir), named "
            "after it.",
            metavar="NAME",
            show_default=False,
        ),
    ],
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            help="Create the project in DIR/NAME.  [default: current directory]",
            metavar="DIR",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    database: Annotated[
        Database | None,
        typer.Option(
            "--database",
            help="Database the project targets.  [default: sqlite]",
            metavar="sqlite|postgres",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="Answer a template question, e.g. python_version=3.13 (repeatable).",
            metavar="KEY=VALUE",
            show_default=False,
        ),
    ] = None,
    data_file: Annotated[
        Path | None,
        typer.Option(
            "--data-file",
            help="Answer template questions from a YAML file (another project's "
            ".copier-answers.yml works); --data wins over it.",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Take the default answer for every question not given: yours from copier's "
            "settings.yml, else the template's (implied without a terminal, and by --json).",
        ),
    ] = False,
    git: Annotated[
        bool,
        typer.Option(
            "--git/--no-git",
            help="Commit the project: in a new repository, or in the one the folder already is.",
        ),
    ] = True,
    template: Annotated[
        str | None,
        typer.Option(
            "--template",
            help="Render another template: a git URL, a local clone, a .bundle file or a "
            "directory.  [default: the template shipped with gospel]",
            metavar="SRC",
            show_default=False,
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref",
            help="Tag, branch or commit of a git template to render.",
            metavar="REF",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print what was created as JSON (for scripts); asks nothing."),
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Create a new FastAPI project in NAME.

    On a terminal the template questions not answered by options are asked; otherwise (and with
    --defaults or --json) their defaults are taken. NAME may be an existing empty folder, or a
    fresh clone (see docs/cli.md).
    """
    answers: dict[str, Any] = read_data_file(data_file) if data_file is not None else {}
    answers.update(parse_data(data or []))
    ask = not (defaults or as_json) and sys.stdin.isatty() and sys.stdout.isatty()
    where = f"Creating {name if name != CURRENT_DIRECTORY else 'the project'}"
    try:
        # Questions own the terminal; the spinner is only for a run that asks nothing.
        with progress(where) if not ask else nullcontext():
            result = create_project(
                name,
                output_dir=output_dir,
                database=database,
                data=answers,
                ask=ask,
                git=git,
                template=template,
                vcs_ref=vcs_ref,
                verbose=verbosity().verbose,
            )
    except KeyboardInterrupt:
        raise AbortedError("interrupted; nothing was created") from None
    if as_json:
        typer.echo(json.dumps(to_json(result), indent=2))
    else:
        _print_summary(result)


def next_steps(result: NewProjectResult) -> list[str]:
    """Return the commands that take a fresh project to a running, tested server.

    Each works when pasted into a shell in the folder ``gospel new`` ran in.

    Args:
        result: The project :func:`~gospel_scaffold.new_project.create_project` made.

    Returns:
        Shell commands, in order.
    """
    location = _relative(result.path)
    steps = [] if location == "." else [f"cd {shlex.quote(location)}"]
    steps.append("uv sync")
    if result.git_commit is not None:
        # gospel update needs a clean tree, and a committed lock gives every install the same set.
        steps[-1] += ' && git add uv.lock && git commit -m "Lock dependencies"'
    if result.database == Database.POSTGRES.value:
        steps.append("docker compose up -d db  # or point DATABASE_URL in .env at your server")
    steps += [
        "uv run alembic upgrade head",
        "uv run fastapi dev app/main.py  # http://127.0.0.1:8000/docs",
        "uv run pytest",
    ]
    return steps


def git_identity_hint() -> list[str]:
    """The commands that give git an identity, so the user's own commits work."""
    return [
        'git config --global user.name "Your Name"',
        "git config --global user.email you@example.com",
    ]


def to_json(result: NewProjectResult) -> dict[str, Any]:
    """The ``gospel new --json`` document.

    Keys: ``path``, ``name``, ``answers`` (without secrets), ``git_commit`` (or ``null``),
    ``existing_repository``, ``replaced``, ``template``, ``updatable``, ``warnings`` and
    ``next_steps``.
    """
    warnings = []
    if result.git_identity_missing:
        warnings.append(
            "git has no user.name/user.email: the initial commit was made as "
            "gospel <gospel@localhost>; set yours: " + " && ".join(git_identity_hint())
        )
    return {
        "path": str(result.path),
        "name": result.name,
        "answers": dict(result.answers),
        "git_commit": result.git_commit,
        "existing_repository": result.existing_repository,
        "replaced": list(result.replaced),
        "template": result.template,
        "updatable": result.updatable,
        "warnings": warnings,
        "next_steps": next_steps(result),
    }


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().absolute()))
    except ValueError:
        return str(path)


def _print_summary(result: NewProjectResult) -> None:
    from rich.markup import escape

    out = console()
    out.print(f"[bold green]Created[/] {escape(result.name)} in {escape(str(result.path))}")
    details = [f"database: {result.database}"]
    if result.python_version:
        details.append(f"python: {result.python_version}")
    if "include_manifest" in result.answers:
        details.append(f"manifest: {'yes' if result.answers['include_manifest'] else 'no'}")
    if "deploy" in result.answers:
        details.append(f"deploy: {result.answers['deploy']}")
    if result.git_commit is None:
        details.append("git: not created")
    elif result.existing_repository:
        details.append(f"git: committed {result.git_commit[:7]} in the existing repository")
    else:
        details.append(f"git: initial commit {result.git_commit[:7]}")
    out.print("  " + ", ".join(details))
    if result.replaced:
        out.print(
            f"  [yellow]replaced:[/] {escape(', '.join(result.replaced))} (the previous "
            "versions are in git history)"
        )
    if result.template and not result.updatable:
        out.print(f"  [yellow]template:[/] {escape(result.template)}")
    if result.git_identity_missing:
        out.print(
            "\n[bold yellow]Warning:[/] git has no user.name/user.email, so the initial commit "
            "was made as gospel <gospel@localhost>. Set yours before you commit:"
        )
        for line in git_identity_hint():
            out.print(f"  {line}", markup=False)
    out.print("\n[bold]Next steps:[/]")
    for step in next_steps(result):
        out.print(f"  {step}", markup=False)
