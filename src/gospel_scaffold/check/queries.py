"""Recognise database work in syntax trees: queries, writes and hand-made sessions.

Shared by the model, router and session rules. Recognition is syntactic and deliberately
conservative: a method such as ``add`` or ``delete`` only counts when it is called on a
session — a parameter whose type is a SQLAlchemy or SQLModel session (``AsyncSession``,
``Session``, or a project alias of one such as ``SessionDep``), or, when nothing says what it
is, a name such as ``session`` or ``db``. Statement constructors (``select``, ``delete``, ...)
count when imported from SQLAlchemy or SQLModel, under any alias (``select as sa_select``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.codebase import Codebase, SourceFile, call_name, within
from gospel_scaffold.check.routing import Handler

__all__ = [
    "DATABASE_PACKAGES",
    "db_calls",
    "is_session_type",
    "session_creations",
    "session_parameters",
]

#: Where statement constructors and sessions come from.
DATABASE_PACKAGES = ("sqlalchemy", "sqlmodel")
#: SQLAlchemy/SQLModel statement constructors.
_STATEMENTS = frozenset({"select", "insert", "update", "delete", "text", "exists"})
#: Session methods that query or write.
_SESSION_METHODS = frozenset(
    {
        "add",
        "add_all",
        "begin",
        "begin_nested",
        "commit",
        "delete",
        "exec",
        "execute",
        "flush",
        "get",
        "get_one",
        "merge",
        "query",
        "refresh",
        "rollback",
        "run_sync",
        "scalar",
        "scalars",
        "stream",
        "stream_scalars",
    }
)
#: Session classes, by the name SQLAlchemy and SQLModel give them.
_SESSION_TYPES = frozenset({"Session", "AsyncSession", "scoped_session", "async_scoped_session"})
#: Receiver names that are sessions by convention, when no annotation says otherwise.
_SESSION_NAMES = frozenset({"db", "session", "db_session", "conn", "connection"})
#: Calls that reach a session from a mapped object.
_SESSION_LOOKUPS = frozenset({"object_session", "async_object_session"})
#: ``typing`` wrappers whose arguments are the real types.
_WRAPPERS = frozenset({"Annotated", "Optional", "Union"})


def _is_database_module(source: SourceFile, name: str) -> bool:
    return source.imported_from(name, *DATABASE_PACKAGES)


def is_session_type(source: SourceFile, annotation: ast.expr, depth: int = 0) -> bool | None:
    """Whether an annotation is a database session type.

    Args:
        source: The file the annotation is in.
        annotation: The annotation.
        depth: How many aliases were followed (a guard against cycles).

    Returns:
        ``True`` for a SQLAlchemy/SQLModel session (directly, in ``Annotated``/``Optional``/a
        union, or through a project alias or subclass), ``False`` for any other known type,
        ``None`` when the annotation cannot be followed.
    """
    if depth > 8:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            parsed = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
        return is_session_type(source, parsed, depth + 1)
    if isinstance(annotation, ast.BinOp):  # Session | None
        sides = [
            is_session_type(source, side, depth + 1) for side in (annotation.left, annotation.right)
        ]
        return True if True in sides else (None if None in sides else False)
    if isinstance(annotation, ast.Subscript):
        wrapper = annotation.value
        name = wrapper.attr if isinstance(wrapper, ast.Attribute) else getattr(wrapper, "id", "")
        if isinstance(wrapper, ast.Name):
            name = source.original_name(name)
        if name not in _WRAPPERS:
            return False
        inner = annotation.slice
        members = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if name == "Annotated":
            members = members[:1]
        results = [is_session_type(source, member, depth + 1) for member in members]
        return True if True in results else (None if None in results else False)
    if isinstance(annotation, ast.Attribute):  # orm.Session, sqlmodel.Session
        root: ast.expr = annotation
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and _is_database_module(source, root.id):
            return annotation.attr in _SESSION_TYPES
        return None
    if isinstance(annotation, ast.Name):
        return _named_session_type(source, annotation.id, depth)
    return False


def _session_type_cache(_codebase: Codebase) -> dict[tuple[str, str], bool | None]:
    return {}


def _named_session_type(source: SourceFile, name: str, depth: int) -> bool | None:
    cache = source.codebase.memo(_session_type_cache)
    key = (source.path, name)
    if key not in cache:
        cache[key] = _follow_session_type(source, name, depth)
    return cache[key]


def _follow_session_type(source: SourceFile, name: str, depth: int) -> bool | None:
    ref = source.bindings.get(name)
    if ref is not None and any(within(ref.module, p) for p in DATABASE_PACKAGES):
        return (ref.name or "") in _SESSION_TYPES
    found = source.codebase.definition(source, name)
    if found is not None:
        where, defined = found
        if defined in where.classes:
            bases = where.classes[defined].bases
            results = [is_session_type(where, base, depth + 1) for base in bases]
            return True in results
        return is_session_type(where, where.assignments[defined], depth + 1)
    if ref is not None and ref.module not in source.codebase.modules:
        return False  # a third-party type (aiohttp's ClientSession is no database session)
    return None


def session_parameters(
    source: SourceFile, function: Handler
) -> tuple[frozenset[str], frozenset[str]]:
    """Return which of ``function``'s parameters are database sessions, and which are not.

    A parameter is a session when its annotation is a session type (see
    :func:`is_session_type`), when the annotation cannot be followed but mentions ``Session``
    (``SessionDep`` from a module gospel cannot see), or when its default is
    ``Depends(get_db)``/``Depends(get_session)``. It is known *not* to be one when its
    annotation is any other type: then a name such as ``session`` does not make it one.

    Args:
        source: The file the function is in (to follow its annotations).
        function: The function.

    Returns:
        The names of the session parameters, and of the parameters typed as something else.
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
    sessions: set[str] = set()
    others: set[str] = set()
    for param in params:
        given = ast.unparse(defaults[param.arg]) if param.arg in defaults else ""
        if "get_db" in given or "get_session" in given:
            sessions.add(param.arg)
            continue
        if param.annotation is None:
            continue
        typed = is_session_type(source, param.annotation)
        if typed is None:
            typed = "Session" in ast.unparse(param.annotation)
        (sessions if typed else others).add(param.arg)
    return frozenset(sessions), frozenset(others)


def _looks_like_session(
    receiver: ast.expr, sessions: frozenset[str], others: frozenset[str]
) -> bool:
    if isinstance(receiver, ast.Name):
        if receiver.id in sessions:
            return True
        return receiver.id not in others and receiver.id in _SESSION_NAMES
    if isinstance(receiver, ast.Attribute):
        # self.session, self.db, but not Starlette's request.session (a dict).
        if isinstance(receiver.value, ast.Name) and receiver.value.id in {"request", "websocket"}:
            return False
        return receiver.attr in _SESSION_NAMES or "session" in receiver.attr.lower()
    return False


def db_calls(source: SourceFile, node: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Yield each call inside ``node`` that queries or writes the database, with a label.

    Args:
        source: The file ``node`` comes from (to know what is imported from SQLAlchemy).
        node: The function (or any subtree) to search; a function's parameters typed as
            sessions (or as anything else) are taken into account.

    Yields:
        ``(call, label)`` pairs such as ``(<Call>, "session.execute()")`` or
        ``(<Call>, "select()")``.
    """
    sessions: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        sessions, others = session_parameters(source, node)
    for child in source.calls_in(node):
        func = child.func
        if isinstance(func, ast.Name):
            is_statement = source.original_name(func.id) in _STATEMENTS and _is_database_module(
                source, func.id
            )
            if is_statement or func.id in _SESSION_LOOKUPS:
                yield child, f"{func.id}()"
        elif isinstance(func, ast.Attribute):
            if func.attr in _SESSION_METHODS and _looks_like_session(func.value, sessions, others):
                yield child, f"{ast.unparse(func.value)}.{func.attr}()"
            elif func.attr in _STATEMENTS and _names_database_module(source, func.value):
                yield child, f"{ast.unparse(func)}()"


def _names_database_module(source: SourceFile, value: ast.expr) -> bool:
    """Whether ``value`` is a name bound to the SQLAlchemy/SQLModel module (``sa``)."""
    if not isinstance(value, ast.Name):
        return False
    return _is_database_module(source, value.id)


def session_creations(source: SourceFile, node: ast.AST) -> Iterator[tuple[ast.Call, str]]:
    """Yield each call inside ``node`` that creates a session or a session factory by hand.

    Recognised: ``AsyncSessionLocal()``/``SessionLocal()`` (any name ending in
    ``SessionLocal``), ``sessionmaker(...)``/``async_sessionmaker(...)``, and ``Session(...)``/
    ``AsyncSession(...)`` imported from SQLAlchemy or SQLModel.
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
    if name.endswith("SessionLocal"):
        return True
    original = source.original_name(name) if isinstance(call.func, ast.Name) else name
    if original in {"sessionmaker", "async_sessionmaker"}:
        return True
    if original not in {"Session", "AsyncSession"}:
        return False
    if isinstance(call.func, ast.Attribute):
        return _names_database_module(source, call.func.value)
    return _is_database_module(source, name)
