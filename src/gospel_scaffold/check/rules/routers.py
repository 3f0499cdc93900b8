"""Router rules (GOS3xx): thin route handlers that call services.

A route handler here is a function declared with ``@<router>.get/post/...`` on an
``APIRouter``, wherever its module lives (:mod:`gospel_scaffold.check.routing`). Endpoints
declared on the ``FastAPI`` application itself (``@app.get("/health/ready")`` in ``main.py``)
are the application's infrastructure, not a router's, and are not checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.codebase import Codebase
from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.queries import db_calls
from gospel_scaffold.check.routing import routing

__all__ = ["CHECKS"]


def _handler_uses_database(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS301"]
    found = routing(codebase)
    for source in found.route_modules():
        for handler in found.route_handlers(source, routers_only=True):
            function = handler.function
            by_line: dict[int, tuple[ast.Call, list[str]]] = {}
            for call, label in db_calls(source, function):
                _, labels = by_line.setdefault(call.lineno, (call, []))
                labels.append(label)
            for call, labels in by_line.values():
                yield rule.at(
                    source,
                    call,
                    f"route handler {function.name}() works with the database itself "
                    f"({', '.join(labels)}); routers stay thin and call a service",
                )


#: The checks of this family, by rule code.
CHECKS = {"GOS301": _handler_uses_database}
