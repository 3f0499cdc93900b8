"""Schema rules (GOS6xx): separate shapes for create, update and read.

Precisely, within one module of ``app/api/routes/``, for schema classes imported from
``app.schemas``:

* GOS601: a class is the request body of a handler (a parameter annotated with it, directly
  or as ``Annotated[Schema, ...]``) and also a response of a handler in the same module
  (named in ``response_model=`` or in the return annotation).
* GOS602: a class is the request body of a ``POST`` handler and of a ``PATCH`` handler
  (``PUT`` replaces the whole resource, so sharing the create shape there is allowed).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import Project, SourceFile
from gospel_scaffold.check.rules.routers import Handler, route_handlers, route_modules

__all__ = ["CHECKS"]

_SCHEMAS = "app.schemas"


def _schema_name(source: SourceFile, annotation: ast.expr | None) -> str | None:
    """Return the schema class a body parameter is annotated with, if any."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value).endswith(
        "Annotated"
    ):
        inner = annotation.slice
        annotation = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
    if isinstance(annotation, ast.Name) and source.imported_from(annotation.id, _SCHEMAS):
        return annotation.id
    return None


def _body_parameters(source: SourceFile, handler: Handler) -> Iterator[tuple[str, ast.arg]]:
    arguments = handler.args
    for param in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        name = _schema_name(source, param.annotation)
        if name is not None:
            yield name, param


def _response_schemas(source: SourceFile, handler: Handler, decorator: ast.Call) -> set[str]:
    expressions: list[ast.expr] = [k.value for k in decorator.keywords if k.arg == "response_model"]
    if handler.returns is not None:
        expressions.append(handler.returns)
    return {
        node.id
        for expression in expressions
        for node in ast.walk(expression)
        if isinstance(node, ast.Name) and source.imported_from(node.id, _SCHEMAS)
    }


def _method(decorator: ast.Call) -> str:
    return decorator.func.attr if isinstance(decorator.func, ast.Attribute) else ""


def _schema_request_and_response(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS601"]
    for source in route_modules(project):
        handlers = list(route_handlers(source))
        responses: dict[str, str] = {}
        for handler, decorator in handlers:
            for name in _response_schemas(source, handler, decorator):
                responses.setdefault(name, handler.name)
        reported: set[str] = set()
        for handler, _ in handlers:
            for name, param in _body_parameters(source, handler):
                if name in responses and name not in reported:
                    reported.add(name)
                    yield rule.at(
                        source,
                        param,
                        f"schema {name} is the request body of {handler.name}() and the "
                        f"response of {responses[name]}(); one schema is doing two jobs",
                        fix=f"Give {handler.name}() its own input schema (e.g. "
                        f"{name.removesuffix('Read')}Create) and keep {name} for responses.",
                    )


def _schema_create_and_update(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS602"]
    for source in route_modules(project):
        creates: dict[str, str] = {}
        updates: list[tuple[str, ast.arg, str]] = []
        for handler, decorator in route_handlers(source):
            method = _method(decorator)
            for name, param in _body_parameters(source, handler):
                if method == "post":
                    creates.setdefault(name, handler.name)
                elif method == "patch":
                    updates.append((name, param, handler.name))
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
