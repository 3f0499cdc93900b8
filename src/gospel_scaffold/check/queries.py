"""Recognise database work in syntax trees: queries, writes and hand-made sessions.

Shared by the model, router and session rules. Recognition is syntactic and deliberately
conservative: a method such as ``add`` or ``delete`` only counts when it is called on something
that looks like a session (a parameter typed as a session, or a name such as ``session``/``db``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.project import SourceFile, call_name

__all__ = [
    "HTTP_METHODS",
    "db_calls",
    "is_route_handler",
    "session_creations",
    "session_parameters",
]

#: SQLAlchemy statement constructors (only when imported from ``sqlalchemy``).
_STATEMENTS = frozenset({"select", "insert", "update", "delete", "text", "exists"})
#: Session methods that query or write.
_SESSION_METHODS = frozenset(
    {
        "add",
        "add_all",
        "commit",
        "delete",
        "execute",
        "flush",
        "get",
        "merge",
        "query",
        "refresh",
        "rollback",
        "scalar",
        "scalars",
        "stream",
        "stream_scalars",
    }
)
#: Receiver names that are sessions by convention.
_SESSION_NAMES = frozenset({"db", "session", "db_session", "conn", "connection"})
#: Calls that reach a session from a mapped object.
_SESSION_LOOKUPS = frozenset({"object_session", "async_object_session"})
#: Decorator methods of ``APIRouter``/``FastAPI`` that declare a route.
HTTP_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"}
)


def is_route_handler(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Call | None:
    """Return the ``@router.<method>(...)`` decorator that makes ``function`` a route, if any."""
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in HTTP_METHODS
        ):
            return decorator
    return None


def session_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Return the names of ``function``'s parameters that receive a database session.

    A parameter is a session when its annotation mentions ``Session`` (``AsyncSession``,
    ``SessionDep``, ``Annotated[AsyncSession, Depends(get_db)]``) or its default is
    ``Depends(get_db)``/``Depends(get_session)``.
    """
    arguments = function.args
    params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    defaults: dict[str, ast.expr] = {}
    positional = [*arguments.posonlyargs, *arguments.args]
    for param, default in zip(positional[::-1], arguments.defaults[::-1], strict=False):
        defaults[param.arg] = default
    for param, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if kw_default is not None:
            defaults[param.arg] = kw_default
    names: set[str] = set()
    for param in params:
        hint = ast.unparse(param.annotation) if param.annotation is not None else ""
        given = ast.unparse(defaults[param.arg]) if param.arg in defaults else ""
        if "Session" in hint or "get_db" in given or "get_session" in given:
            names.add(param.arg)
    return frozenset(names)


def _looks_like_session(receiver: ast.expr, sessions: frozenset[str]) -> bool:
    if isinstance(receiver, ast.Name):
        return receiver.id in sessions or receiver.id in _SESSION_NAMES
    if isinstance(receiver, ast.Attribute):
        # self.session, self.db, but not Starlette's request.session (a dict).
        if isinstance(receiver.value, ast.Name) and receiver.value.id in {"request", "websocket"}:
            return False
        return receiver.attr in _SESSION_NAMES or "session" in receiver.attr.lower()
    return False


def db_calls(
    source: SourceFile, node: ast.AST, sessions: frozenset[str] = frozenset()
) -> Iterator[tuple[ast.Call, str]]:
    """Yield each call inside ``node`` that queries or writes the database, with a label.

    Args:
        source: The file ``node`` comes from (to know what is imported from SQLAlchemy).
        node: The function (or any subtree) to search.
        sessions: Extra names known to hold a session (see :func:`session_parameters`).

    Yields:
        ``(call, label)`` pairs such as ``(<Call>, "session.execute()")`` or
        ``(<Call>, "select()")``.
    """
    for child in source.calls_in(node):
        func = child.func
        if isinstance(func, ast.Name):
            is_statement = func.id in _STATEMENTS and source.imported_from(func.id, "sqlalchemy")
            if is_statement or func.id in _SESSION_LOOKUPS:
                yield child, f"{func.id}()"
        elif isinstance(func, ast.Attribute):
            if func.attr in _SESSION_METHODS and _looks_like_session(func.value, sessions):
                yield child, f"{ast.unparse(func.value)}.{func.attr}()"
            elif func.attr in _STATEMENTS and _is_sqlalchemy_module(source, func.value):
                yield child, f"{ast.unparse(func)}()"


def _is_sqlalchemy_module(source: SourceFile, value: ast.expr) -> bool:
    return isinstance(value, ast.Name) and source.imported_from(value.id, "sqlalchemy")


def session_creations(source: SourceFile, node: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Yield each call inside ``node`` that creates a session or a session factory by hand.

    Recognised: ``AsyncSessionLocal()``/``SessionLocal()`` (any name ending in
    ``SessionLocal``), ``sessionmaker(...)``/``async_sessionmaker(...)``, and ``Session(...)``/
    ``AsyncSession(...)`` imported from SQLAlchemy.
    """
    if not source.mentions("SessionLocal", "sessionmaker", "Session("):
        return
    for child in source.calls_in(node):
        name = call_name(child)
        if not name:
            continue
        if _creates_session(source, child, name):
            yield child, f"{name}()"


def _creates_session(source: SourceFile, call: ast.Call, name: str) -> bool:
    if name.endswith("SessionLocal") or name in {"sessionmaker", "async_sessionmaker"}:
        return True
    if name not in {"Session", "AsyncSession"}:
        return False
    if isinstance(call.func, ast.Attribute):
        return _is_sqlalchemy_module(source, call.func.value)
    return source.imported_from(name, "sqlalchemy")
