"""``gospel new``: create a FastAPI project from the gospel template."""

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from gospel_scaffold.errors import AbortedError
from gospel_scaffold.new_project import Database, NewProjectResult, create_project, parse_data

__all__ = ["command", "next_steps"]


def command(
    name: Annotated[
        str,
        typer.Argument(
            help="Project name and directory: lowercase letters, digits and hyphens (my-api).",
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
    defaults: Annotated[
        bool,
        typer.Option(
            "--defaults",
            help="Take the default answer for every question not given (implied without a "
            "terminal).",
        ),
    ] = False,
    git: Annotated[
        bool,
        typer.Option("--git/--no-git", help="Create a git repository with an initial commit."),
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
) -> None:
    """Create a new FastAPI project in NAME.

    On a terminal the template questions not answered by options are asked; otherwise (and with
    --defaults) their defaults are taken.
    """
    answers = parse_data(data or [])
    ask = not defaults and sys.stdin.isatty() and sys.stdout.isatty()
    try:
        result = create_project(
            name,
            output_dir=output_dir,
            database=database,
            data=answers,
            ask=ask,
            git=git,
            template=template,
            vcs_ref=vcs_ref,
        )
    except KeyboardInterrupt:
        raise AbortedError("interrupted; nothing was created") from None
    _print_summary(result)


def next_steps(result: NewProjectResult) -> list[str]:
    """Return the commands that take a fresh project to a running, tested server.

    Args:
        result: The project :func:`~gospel_scaffold.new_project.create_project` made.

    Returns:
        Shell commands, in order.
    """
    steps = [f"cd {shlex.quote(_relative(result.path))}", "uv sync"]
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


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _print_summary(result: NewProjectResult) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    console.print(f"[bold green]Created[/] {escape(result.name)} in {escape(str(result.path))}")
    details = [f"database: {result.database}"]
    if result.python_version:
        details.append(f"python: {result.python_version}")
    if "include_manifest" in result.answers:
        details.append(f"manifest: {'yes' if result.answers['include_manifest'] else 'no'}")
    details.append(
        f"git: initial commit {result.git_commit[:7]}" if result.git_commit else "git: not created"
    )
    console.print("  " + ", ".join(details))
    if result.template and not result.updatable:
        console.print(f"  [yellow]template:[/] {escape(result.template)}")
    console.print("\n[bold]Next steps:[/]")
    for step in next_steps(result):
        console.print(f"  {step}", markup=False)
