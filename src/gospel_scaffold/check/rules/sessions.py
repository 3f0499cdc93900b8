"""Session rules (GOS4xx): sessions come from the session dependency, never by hand.

A session may be created:

* in the database layer: any module with ``db``, ``database`` or ``session`` in its dotted
  name (``app/db/database.py``, ``app/core/db.py``);
* in the request dependencies: modules named ``dependencies`` or ``deps`` (or in such a
  package), and any generator function that yields the very session it opens (the
  ``get_db`` dependency, wherever it lives);
* outside any request: stand-alone scripts (modules with an ``if __name__ == "__main__":``
  block, the gospel's first-superuser script ``initial_data``) and the entry points of
  command lines and workers (modules or packages named ``cli``, ``commands``, ``scripts``,
  ``worker``, ``workers``, ``jobs`` or ``tasks``);
* in the module that creates the ``FastAPI`` application (``main.py``): its lifespan and probes
  are the application's wiring, not a request's work.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.codebase import Codebase, SourceFile, walk
from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.queries import session_creations
from gospel_scaffold.check.routing import routing

__all__ = ["CHECKS", "may_create_sessions"]

#: Module name parts of the database layer, the request dependencies, and the entry points
#: that run outside any request.
_ALLOWED_PARTS = frozenset(
    {
        *("db", "database", "session", "sessions"),
        *("dependencies", "deps"),
        *("initial_data", "cli", "commands", "scripts", "worker", "workers", "jobs", "tasks"),
    }
)


def _is_script(source: SourceFile) -> bool:
    return any(
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
        for node in source.tree.body
    )


def may_create_sessions(source: SourceFile) -> bool:
    """Whether ``source`` is a place where sessions are made: the db layer, deps or a script."""
    parts = set(source.module.split(".")[1:])
    return bool(parts & _ALLOWED_PARTS) or _is_script(source)


def _dependency_creations(source: SourceFile) -> set[int]:
    """The session creations whose session a generator function yields (``get_db``)."""
    found: set[int] = set()
    for function in source.functions:
        nodes = walk(function)
        yielded = {
            node.value.id
            for node in nodes
            if isinstance(node, ast.Yield) and isinstance(node.value, ast.Name)
        }
        if not yielded:
            continue
        for node in nodes:
            bound: list[tuple[ast.expr | None, ast.expr]] = []
            if isinstance(node, ast.With | ast.AsyncWith):
                bound = [(item.optional_vars, item.context_expr) for item in node.items]
            elif isinstance(node, ast.Assign):
                bound = [(target, node.value) for target in node.targets]
            for name, value in bound:
                if isinstance(name, ast.Name) and name.id in yielded:
                    found.update(id(call) for call, _ in session_creations(source, value))
    return found


def _manual_session(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS401"]
    applications = {app.source.path for app in routing(codebase).applications}
    for source in codebase.sources:
        if may_create_sessions(source) or source.path in applications:
            continue
        creations = list(session_creations(source, source.tree))
        if not creations:
            continue
        dependencies = _dependency_creations(source)
        for call, label in creations:
            if id(call) in dependencies:
                continue
            yield rule.at(
                source,
                call,
                f"{label} creates a database session by hand; sessions come from the request's "
                "session dependency (get_db), which commits or rolls back at the request boundary",
            )


#: The checks of this family, by rule code.
CHECKS = {"GOS401": _manual_session}
