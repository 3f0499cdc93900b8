"""Router rules (GOS3xx): thin route handlers that call services."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import Project, SourceFile
from gospel_scaffold.check.queries import db_calls, is_route_handler, session_parameters

__all__ = ["CHECKS", "route_handlers", "route_modules"]

Handler = ast.FunctionDef | ast.AsyncFunctionDef


def route_modules(project: Project) -> list[SourceFile]:
    """Return every module below ``app/api/routes/`` (the switchboard included)."""
    return project.tree_under("app/api/routes")


def route_handlers(source: SourceFile) -> Iterator[tuple[Handler, ast.Call]]:
    """Yield each route handler of ``source`` with its ``@router.<method>(...)`` decorator."""
    for node in source.functions:
        decorator = is_route_handler(node)
        if decorator is not None:
            yield node, decorator


def _handler_uses_database(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS301"]
    for source in route_modules(project):
        for handler, _ in route_handlers(source):
            by_line: dict[int, tuple[ast.Call, list[str]]] = {}
            for call, label in db_calls(source, handler, session_parameters(handler)):
                _, labels = by_line.setdefault(call.lineno, (call, []))
                labels.append(label)
            for call, labels in by_line.values():
                yield rule.at(
                    source,
                    call,
                    f"route handler {handler.name}() works with the database itself "
                    f"({', '.join(labels)}); routers stay thin and call a service",
                )


#: The checks of this family, by rule code.
CHECKS = {"GOS301": _handler_uses_database}
