"""Registration rules (GOS2xx): the model registry (Rule 1) and the router switchboard."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import Project, SourceFile, call_name, within
from gospel_scaffold.check.rules.models import MODELS, mapped_classes, model_modules

__all__ = [
    "CHECKS",
    "DATABASE",
    "ROUTES_INIT",
    "Inclusion",
    "inclusions",
    "router_assignment",
    "router_modules",
]

#: The model registry.
DATABASE = "app/db/database.py"
#: The router switchboard.
ROUTES_INIT = "app/api/routes/__init__.py"


def _registered_modules(project: Project) -> set[str] | None:
    """Return the model modules that importing ``app/db/database.py`` loads (None: no file)."""
    database = project.get(DATABASE)
    if database is None:
        return None
    registered: set[str] = set()
    touches_models = False
    for ref in database.imports:
        if ref.type_checking or not within(ref.module, MODELS):
            continue
        touches_models = True
        registered.add(ref.module)
        if ref.name is not None:
            registered.add(f"{ref.module}.{ref.name}")
    package = project.modules.get(MODELS)
    if touches_models and package is not None and package.is_package:
        # Importing any app.models.* module first runs app/models/__init__.py.
        registered.update(ref.module for ref in package.imports if not ref.type_checking)
        for name in {ref.name for ref in database.imports if ref.module == MODELS and ref.name}:
            bound = package.bindings.get(name)
            if bound is not None:
                registered.add(bound.module)
    return registered


def _model_not_registered(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS201"]
    registered = _registered_modules(project)
    for source in model_modules(project):
        if registered is not None and source.module in registered:
            continue
        for cls in mapped_classes(source):
            line = f"from {source.module} import {cls.name}  # noqa: E402, F401"
            reason = (
                f"{DATABASE} does not exist"
                if registered is None
                else f"it is not imported in {DATABASE}"
            )
            yield rule.at(
                source,
                cls,
                f"model {cls.name} is not registered: {reason}, so Alembic does not see its "
                "table and autogenerate would drop it",
                fix=f"Add `{line}` to the model registry at the bottom of {DATABASE}.",
            )


def router_modules(project: Project) -> list[SourceFile]:
    """Return the router modules: the files directly in ``app/api/routes/`` but ``__init__``."""
    return project.under("app/api/routes")


def router_assignment(source: SourceFile) -> tuple[ast.Assign, str] | None:
    """Return the module-level ``<name> = APIRouter(...)`` of a router module and its name."""
    for node in source.tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and call_name(node.value) == "APIRouter"
            and isinstance(node.targets[0], ast.Name)
        ):
            return node, node.targets[0].id
    return None


@dataclass(frozen=True, slots=True)
class Inclusion:
    """One ``api_router.include_router(...)`` call of the switchboard.

    Attributes:
        module: The router's module (``app.api.routes.payments``).
        attribute: The router's name in that module (``router``).
        prefix: The ``prefix=`` given, when it is a string literal.
        call: The call.
    """

    module: str
    attribute: str
    prefix: str | None
    call: ast.Call


def inclusions(project: Project) -> list[Inclusion] | None:
    """Return the routers ``app/api/routes/__init__.py`` includes (None: no such file)."""
    switchboard = project.get(ROUTES_INIT)
    if switchboard is None:
        return None
    found: list[Inclusion] = []
    for node in switchboard.calls:
        if not (call_name(node) == "include_router" and node.args):
            continue
        target = _resolve_router(switchboard, node.args[0])
        if target is None:
            continue
        prefix = next(
            (
                k.value.value
                for k in node.keywords
                if k.arg == "prefix"
                and isinstance(k.value, ast.Constant)
                and isinstance(k.value.value, str)
            ),
            None,
        )
        found.append(Inclusion(target[0], target[1], prefix, node))
    return found


def _resolve_router(switchboard: SourceFile, argument: ast.expr) -> tuple[str, str] | None:
    if isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name):
        ref = switchboard.bindings.get(argument.value.id)
        if ref is None:
            return None
        module = f"{ref.module}.{ref.name}" if ref.name else ref.module
        return module, argument.attr
    if isinstance(argument, ast.Name):
        ref = switchboard.bindings.get(argument.id)
        if ref is None or ref.name is None:
            return None
        return ref.module, ref.name
    return None


def _router_not_included(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS202"]
    included = inclusions(project)
    targets = {(i.module, i.attribute) for i in included or ()}
    for source in router_modules(project):
        found = router_assignment(source)
        if found is None:
            continue
        assignment, name = found
        if (source.module, name) in targets:
            continue
        reason = f"{ROUTES_INIT} does not exist" if included is None else f"not in {ROUTES_INIT}"
        yield rule.at(
            source,
            assignment,
            f"router {source.stem}.{name} is never included ({reason}), so its routes do not "
            "exist in the app",
            fix=f"In {ROUTES_INIT}: import {source.stem} and add `api_router.include_router("
            f'{source.stem}.{name}, prefix="/{source.stem.replace("_", "-")}", '
            f'tags=["{source.stem.replace("_", " ").title()}"])`.',
        )


def _router_included_twice(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS203"]
    switchboard = project.get(ROUTES_INIT)
    if switchboard is None:
        return
    seen: dict[tuple[str, str], int] = {}
    for inclusion in sorted(inclusions(project) or (), key=lambda i: i.call.lineno):
        key = (inclusion.module, inclusion.attribute)
        if key in seen:
            short = f"{inclusion.module.rsplit('.', 1)[-1]}.{inclusion.attribute}"
            yield rule.at(
                switchboard,
                inclusion.call,
                f"router {short} is included again (first on line {seen[key]}); its routes are "
                "registered twice",
            )
        else:
            seen[key] = inclusion.call.lineno


#: The checks of this family, by rule code.
CHECKS = {
    "GOS201": _model_not_registered,
    "GOS202": _router_not_included,
    "GOS203": _router_included_twice,
}
