"""Migration rules (GOS8xx): the models and the migrations agree (opt-in, ``--migrations``).

This is the only part of ``gospel check`` that runs project code, and only when asked: it starts
the project's own Python (``<project>/.venv/bin/python``, else ``uv run`` in the project), upgrades
a scratch SQLite database to ``head`` with the project's Alembic setup, and runs Alembic's
``compare_metadata`` between that database and ``Base.metadata`` from the package's
``db/database.py`` (the gospel's registry; a project without one skips the rule).
Each difference becomes a GOS801 violation, placed on the model class of its table when there
is one.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gospel_scaffold.check.codebase import Codebase, SourceFile
from gospel_scaffold.check.model import RULES, RuleSkipped, Violation
from gospel_scaffold.check.rules.models import mapped_classes, model_modules
from gospel_scaffold.errors import UnreadableProjectError

__all__ = ["CHECKS", "MIGRATIONS_PATH", "project_python"]

#: Where violations without a model class are reported.
MIGRATIONS_PATH = "migrations/versions"
_MARKER = "GOSPEL-CHECK-JSON:"
_TIMEOUT = 600

# Runs inside the project's environment, with the project root as the working directory.
_SCRIPT = r"""
import json, os, sys
from pathlib import Path

root = Path.cwd()
sys.path.insert(0, str(root / os.environ["GOSPEL_CHECK_IMPORT_ROOT"]))
scratch = Path(os.environ["GOSPEL_CHECK_SCRATCH"]) / "scratch.db"
os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{scratch}"

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

config = Config(str(root / "alembic.ini"))
config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])
command.upgrade(config, "head")

import importlib

Base = importlib.import_module(os.environ["GOSPEL_CHECK_DATABASE"]).Base


def name_of(thing):
    return getattr(thing, "name", None) or str(thing)


def describe(diff):
    if isinstance(diff, list):
        for item in diff:
            yield from describe(item)
        return
    kind = diff[0]
    table, detail, column = None, "", None
    if kind in ("add_table", "remove_table"):
        table = diff[1].name
    elif kind in ("add_column", "remove_column"):
        table, detail = diff[2], diff[3].name
        column = detail
    elif kind in ("add_index", "remove_index", "add_constraint", "remove_constraint",
                  "add_fk", "remove_fk"):
        item = diff[1]
        owner = getattr(item, "table", None)
        table = getattr(owner, "name", None)
        columns = [c.name for c in getattr(item, "columns", [])]
        detail = f"{name_of(item)} ({', '.join(columns)})" if columns else name_of(item)
        column = columns[0] if len(columns) == 1 else None
    elif kind.startswith("modify_"):
        table, column = diff[2], diff[3]
        detail = f"{diff[3]}: {diff[5]!r} -> {diff[6]!r}"
    else:
        detail = repr(diff)[:200]
    yield {"kind": kind, "table": table, "detail": str(detail), "column": column}


engine = create_engine(f"sqlite:///{scratch}")
with engine.connect() as connection:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found = [d for diff in compare_metadata(context, Base.metadata) for d in describe(diff)]
engine.dispose()
print("GOSPEL-CHECK-JSON:" + json.dumps(found))
"""

_MESSAGES = {
    "add_table": "table {table} is mapped by the models but no migration creates it",
    "remove_table": "the migrations create table {table} but no registered model maps it "
    "(autogenerate would drop it)",
    "add_column": "column {table}.{detail} is in the model but no migration adds it",
    "remove_column": "column {table}.{detail} is created by the migrations but the model has "
    "no such column",
    "add_index": "index {detail} on {table} is in the model but not in the migrations",
    "remove_index": "index {detail} on {table} is in the migrations but not in the model",
    "add_constraint": "constraint {detail} on {table} is in the model but not in the migrations",
    "remove_constraint": "constraint {detail} on {table} is in the migrations but not in the model",
    "add_fk": "foreign key {detail} on {table} is in the model but not in the migrations",
    "remove_fk": "foreign key {detail} on {table} is in the migrations but not in the model",
}


def project_python(root: Path) -> list[str]:
    """Return the command that runs Python in the project's own environment.

    Args:
        root: The project directory.

    Returns:
        ``[<root>/.venv/bin/python]`` when the project has a virtual environment, else
        ``[uv, run, --project, <root>, python]``.

    Raises:
        UnreadableProjectError: there is neither a ``.venv`` nor ``uv`` on PATH.
    """
    scripts = "Scripts" if sys.platform == "win32" else "bin"
    for name in ("python", "python.exe", "python3"):
        candidate = root / ".venv" / scripts / name
        if candidate.exists():
            return [str(candidate)]
    uv = shutil.which("uv")
    if uv is not None and (root / "pyproject.toml").is_file():
        return [uv, "run", "--project", str(root), "--frozen", "python"]
    raise UnreadableProjectError(
        f"cannot find the Python environment of {root}: it has no .venv/ and uv is not on PATH "
        "(run `uv sync` in the project, then `gospel check --migrations` again)"
    )


def _compare(codebase: Codebase, database: str) -> list[dict[str, str | None]]:
    root = codebase.root
    if not (root / "alembic.ini").is_file():
        raise UnreadableProjectError(f"cannot compare migrations: {root} has no alembic.ini")
    command = [*project_python(root), "-c", _SCRIPT]
    environment = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    with tempfile.TemporaryDirectory(prefix="gospel-check-") as scratch:
        environment["GOSPEL_CHECK_SCRATCH"] = scratch
        environment["GOSPEL_CHECK_IMPORT_ROOT"] = codebase.layout.import_root or "."
        environment["GOSPEL_CHECK_DATABASE"] = database
        try:
            completed = subprocess.run(
                command,
                cwd=root,
                env=environment,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise UnreadableProjectError(f"cannot run the project's Python: {error}") from error
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(_MARKER):
            found: list[dict[str, str | None]] = json.loads(line.removeprefix(_MARKER))
            return found
    tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-8:])
    raise UnreadableProjectError(
        "cannot compare the models with the migrations (upgrading a scratch SQLite database to "
        f"head failed, exit {completed.returncode}):\n{tail}"
    )


def _tablename(cls: ast.ClassDef) -> str | None:
    for statement in cls.body:
        target: ast.expr | None = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        elif isinstance(statement, ast.AnnAssign):
            target = statement.target
        if (
            isinstance(target, ast.Name)
            and target.id == "__tablename__"
            and isinstance(statement, ast.Assign | ast.AnnAssign)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            return statement.value.value
    return None


def _attribute(cls: ast.ClassDef, name: str | None) -> ast.stmt | None:
    """Return the class-body statement that defines attribute ``name``, if any."""
    for statement in cls.body:
        targets: list[ast.expr]
        if isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        elif isinstance(statement, ast.Assign):
            targets = statement.targets
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return statement
    return None


def _migrations_out_of_sync(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS801"]
    database = codebase.layer("db.database")
    if database not in codebase.modules:
        raise RuleSkipped(
            f"it compares the migrations with Base.metadata from {database} (the gospel's model "
            "registry), which this project does not have"
        )
    tables: dict[str, tuple[SourceFile, ast.ClassDef]] = {}
    for source in model_modules(codebase):
        for cls in mapped_classes(source):
            name = _tablename(cls)
            if name is not None:
                tables[name] = (source, cls)
    differences = _compare(codebase, database)
    whole = {d.get("table") for d in differences if d["kind"] in {"add_table", "remove_table"}}
    for difference in differences:
        if (
            difference["kind"] not in {"add_table", "remove_table"}
            and difference.get("table") in whole
        ):
            continue  # the table's own difference already says it all
        kind = str(difference["kind"])
        table = difference.get("table")
        detail = difference.get("detail") or ""
        template = _MESSAGES.get(kind, "models and migrations differ: {kind} {table} {detail}")
        message = template.format(kind=kind, table=table, detail=detail)
        if kind.startswith("modify_"):
            message = f"column {table}.{detail} differs between the model and the migrations"
        if table is not None and table in tables:
            source, cls = tables[table]
            yield rule.at(source, _attribute(cls, difference.get("column")) or cls, message)
        else:
            yield Violation(
                MIGRATIONS_PATH, 1, 1, rule.code, message, rule.fix, start_line=1, end_line=1
            )


#: The checks of this family, by rule code.
CHECKS = {"GOS801": _migrations_out_of_sync}
