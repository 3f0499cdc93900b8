"""Schema rules (GOS6xx): separate shapes for create, update and read.

A *schema* is a Pydantic model class of the project: a class deriving from ``BaseModel``
(pydantic) or ``SQLModel``, directly or through other project classes, wherever it is defined
(``app/schemas/``, a ``models.py`` of SQLModel classes, ...). Precisely, within one module
declaring routes:

* GOS601: a schema is the request body of a handler (a parameter annotated with it, directly
  or as ``Annotated[Schema, ...]``, that is not a dependency) and also a response of a handler
  in the same module (named in ``response_model=`` or in the return annotation).
* GOS602: a schema is the request body of a ``POST`` handler and of a ``PATCH`` handler
  (``PUT`` replaces the whole resource, so sharing the create shape there is allowed).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.codebase import Codebase, SourceFile
from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.routing import RouteHandler, routing

__all__ = ["CHECKS", "is_schema"]

_BASES = {"BaseModel": ("pydantic",), "SQLModel": ("sqlmodel",)}
#: FastAPI parameter markers that make a parameter something other than the body.
_NOT_BODY = frozenset(
    {"Depends", "Security", "Query", "Path", "Header", "Cookie", "File", "Form", "UploadFile"}
)


def _schema_cache(_codebase: Codebase) -> dict[tuple[str, str], bool]:
    return {}


def is_schema(source: SourceFile, name: str, depth: int = 0) -> bool:
    """Whether ``name``, as seen from ``source``, is a Pydantic model class of the project."""
    cache = source.codebase.memo(_schema_cache)
    key = (source.path, name)
    if key not in cache:
        cache[key] = _derives_from_a_model(source, name, depth)
    return cache[key]


def _derives_from_a_model(source: SourceFile, name: str, depth: int) -> bool:
    found = source.codebase.definition(source, name)
    if found is None or depth > 8:
        return False
    where, defined = found
    cls = where.classes.get(defined)
    if cls is None:
        return False
    for base in cls.bases:
        if isinstance(base, ast.Subscript):
            base = base.value
        if isinstance(base, ast.Attribute):
            if base.attr in _BASES:
                return True
            continue
        if not isinstance(base, ast.Name):
            continue
        original = where.original_name(base.id)
        if original in _BASES and where.imported_from(base.id, *_BASES[original]):
            return True
        if is_schema(where, base.id, depth + 1):
            return True
    return False


def _body_schema(source: SourceFile, annotation: ast.expr | None) -> str | None:
    """Return the schema a parameter receives as its request body, if it does."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).endswith(
        "Annotated"
    ):
        inner = annotation.slice
        parts = inner.elts if isinstance(inner, ast.Tuple) and inner.elts else [inner]
        for marker in parts[1:]:
            called = marker.func if isinstance(marker, ast.Call) else marker
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in _NOT_BODY:
                return None
        annotation = parts[0]
    return _schema_named(source, annotation)


def _schema_named(source: SourceFile, expression: ast.expr) -> str | None:
    """Return how ``expression`` spells a schema (``ItemRead``, ``schemas.ItemRead``), if one."""
    if isinstance(expression, ast.Name):
        return expression.id if is_schema(source, expression.id) else None
    if isinstance(expression, ast.Attribute):
        module = source.codebase.module_named(source, expression.value)
        target = source.codebase.modules.get(module) if module else None
        if target is not None and is_schema(target, expression.attr):
            return ast.unparse(expression)
    return None


def _body_parameters(source: SourceFile, handler: RouteHandler) -> Iterator[tuple[str, ast.arg]]:
    arguments = handler.function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: dict[str, ast.expr] = dict(
        zip([p.arg for p in positional][::-1], arguments.defaults[::-1], strict=False)
    )
    for param, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if default is not None:
            defaults[param.arg] = default
    for param in [*positional, *arguments.kwonlyargs]:
        default = defaults.get(param.arg)
        if isinstance(default, ast.Call) and ast.unparse(default.func).split(".")[-1] in _NOT_BODY:
            continue
        name = _body_schema(source, param.annotation)
        if name is not None:
            yield name, param


def _response_schemas(source: SourceFile, handler: RouteHandler) -> set[str]:
    decorator = handler.decorator
    expressions: list[ast.expr] = [k.value for k in decorator.keywords if k.arg == "response_model"]
    if handler.function.returns is not None:
        expressions.append(handler.function.returns)
    named = (
        _schema_named(source, node)
        for expression in expressions
        for node in ast.walk(expression)
        if isinstance(node, ast.Name | ast.Attribute)
    )
    return {name for name in named if name is not None}


def _handlers_by_file(codebase: Codebase) -> Iterator[tuple[SourceFile, list[RouteHandler]]]:
    found = routing(codebase)
    for path in sorted(found.handlers):
        handlers = found.handlers[path]
        yield handlers[0].source, handlers


def _schema_request_and_response(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS601"]
    for source, handlers in _handlers_by_file(codebase):
        responses: dict[str, str] = {}
        for handler in handlers:
            for name in _response_schemas(source, handler):
                responses.setdefault(name, handler.function.name)
        reported: set[str] = set()
        for handler in handlers:
            function = handler.function
            for name, param in _body_parameters(source, handler):
                if name in responses and name not in reported:
                    reported.add(name)
                    yield rule.at(
                        source,
                        param,
                        f"schema {name} is the request body of {function.name}() and the "
                        f"response of {responses[name]}(); one schema is doing two jobs",
                        fix=f"Give {function.name}() its own input schema (e.g. "
                        f"{name.removesuffix('Read')}Create) and keep {name} for responses.",
                    )


def _schema_create_and_update(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS602"]
    for source, handlers in _handlers_by_file(codebase):
        creates: dict[str, str] = {}
        updates: list[tuple[str, ast.arg, str]] = []
        for handler in handlers:
            for name, param in _body_parameters(source, handler):
                if handler.method == "post":
                    creates.setdefault(name, handler.function.name)
                elif handler.method == "patch":
                    updates.append((name, param, handler.function.name))
        for name, param, handler_name in updates:
            if name in creates:
                yield rule.at(
                    source,
                    param,
                    f"schema {name} is the body of both {creates[name]}() (POST) and "
                    f"{handler_name}() (PATCH); an update needs its own all-optional shape",
                )


#: The checks of this family, by rule code.
CHECKS = {"GOS601": _schema_request_and_response, "GOS602": _schema_create_and_update}
