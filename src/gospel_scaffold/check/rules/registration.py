"""Registration rules (GOS2xx): every model registered (Rule 1), every router plugged in once.

* GOS201 follows what running the **model registry** imports: Alembic's ``env.py`` (or, without
  Alembic, the package's ``db/database.py`` or ``models/__init__.py``), then every module that
  imports at runtime, transitively (parent packages included, since importing a module runs
  its packages' ``__init__``). A model module outside that set is not registered.
* GOS202 and GOS203 follow ``include_router`` from the ``FastAPI`` application
  (:mod:`gospel_scaffold.check.routing`), wherever the routers and aggregators live.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from gospel_scaffold.check.codebase import Codebase, SourceFile, call_name
from gospel_scaffold.check.model import RULES, RuleSkipped, Violation
from gospel_scaffold.check.routing import routing
from gospel_scaffold.check.rules.models import mapped_classes, model_modules

__all__ = ["CHECKS", "Registry", "model_registry"]

#: Calls that import modules gospel cannot follow.
_DYNAMIC_IMPORTS = frozenset({"import_module", "__import__", "walk_packages", "iter_modules"})


@dataclass(frozen=True, slots=True)
class Registry:
    """What running the model registry imports.

    Attributes:
        file: The registry file (``migrations/env.py``).
        loaded: The modules it imports, directly or not (itself included).
        models: The model modules among them.
        register: The module that imports the most model modules itself (``app/db/database.py``
            for a gospel project): where a missing model should be added.
        dynamic: Where it imports modules by name at runtime (``file:line``), if it does.
    """

    file: SourceFile
    loaded: frozenset[str]
    models: frozenset[str]
    register: SourceFile
    dynamic: str | None

    @property
    def alembic(self) -> bool:
        """Whether the registry is Alembic's ``env.py``."""
        return self.file.path.endswith("env.py")


def _imported_modules(codebase: Codebase, source: SourceFile) -> Iterator[str]:
    """The codebase modules importing ``source`` runs, parent packages included."""
    for ref in source.imports:
        if ref.type_checking:
            continue
        candidates = [ref.module]
        if ref.name == "*":
            candidates.extend(_star_submodules(codebase, ref.module))
        elif ref.name is not None:
            candidates.append(f"{ref.module}.{ref.name}")
        for candidate in candidates:
            parts = candidate.split(".")
            for end in range(1, len(parts) + 1):
                module = ".".join(parts[:end])
                if module in codebase.modules:
                    yield module


def _star_submodules(codebase: Codebase, package: str) -> list[str]:
    """The submodules ``from package import *`` imports: those its ``__all__`` lists."""
    source = codebase.modules.get(package)
    listed = source.assignments.get("__all__") if source is not None else None
    if not isinstance(listed, ast.List | ast.Tuple):
        return []
    return [
        f"{package}.{item.value}"
        for item in listed.elts
        if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]


def _dynamic_import(source: SourceFile) -> str | None:
    if not source.mentions(*_DYNAMIC_IMPORTS):
        return None
    for call in source.calls:
        if call_name(call) in _DYNAMIC_IMPORTS:
            return f"{source.path}:{call.lineno}"
    return None


def model_registry(codebase: Codebase) -> Registry | None:
    """Return what the model registry imports (computed once), or ``None`` without one."""
    return codebase.memo(_model_registry)


def _model_registry(codebase: Codebase) -> Registry | None:
    path = codebase.layout.registry
    start = codebase.get(path) if path is not None else None
    if start is None:
        return None
    loaded = {start.module}
    queue = [start]
    while queue:
        for module in _imported_modules(codebase, queue.pop()):
            if module not in loaded:
                loaded.add(module)
                queue.append(codebase.modules[module])
    models = {source.module for source in model_modules(codebase)}
    sources = [codebase.modules[m] for m in sorted(loaded) if m in codebase.modules]
    dynamic = next(filter(None, map(_dynamic_import, sources)), None)

    def direct_models(source: SourceFile) -> int:
        return len(set(_imported_modules(codebase, source)) & models)

    register = max(sources, key=direct_models)
    if direct_models(register) == 0:
        register = start
    return Registry(start, frozenset(loaded), frozenset(loaded & models), register, dynamic)


def _model_not_registered(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS201"]
    modules = model_modules(codebase)
    if not modules:
        return
    registry = model_registry(codebase)
    if registry is None:
        raise RuleSkipped(
            "no model registry found (no Alembic env.py, no "
            f"{codebase.layout.package_dir}/db/database.py or models/__init__.py); set "
            'model-registry = "..." in [tool.gospel]'
        )
    if registry.dynamic is not None:
        raise RuleSkipped(
            f"the model registry {registry.file.path} imports modules by name at runtime "
            f"({registry.dynamic}), which gospel cannot follow"
        )
    if not registry.models:
        raise RuleSkipped(
            f"{registry.file.path} imports no model module, so it does not register models; "
            'set model-registry = "..." in [tool.gospel] to the module that does'
        )
    consequence = (
        "so Alembic does not see its table and autogenerate would drop it"
        if registry.alembic
        else "so the metadata misses its table"
    )
    for source in modules:
        if source.module in registry.loaded:
            continue
        for cls in mapped_classes(source):
            package, _, name = source.module.rpartition(".")
            statement = f"from {package} import {name}" if package else f"import {name}"
            line = f"{statement}  # noqa: E402, F401"
            yield rule.at(
                source,
                cls,
                f"model {cls.name} is not registered: running {registry.file.path} never "
                f"imports {source.module}, {consequence}",
                fix=f"Add `{line}` to {registry.register.path}, the module that imports every "
                "model.",
            )


def _router_not_included(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS202"]
    found = routing(codebase)
    if not found.roots:
        raise RuleSkipped(
            f"no FastAPI() application found in {codebase.layout.package_dir}/, so what is "
            'served is unknown; set application = "..." in [tool.gospel]'
        )
    if found.unfollowed:
        first = found.unfollowed[0]
        raise RuleSkipped(
            f"{first.source.path}:{first.call.lineno} includes a router gospel cannot follow "
            f"({ast.unparse(first.call)[:60]}), so any router may be included there"
        )
    included = found.included()
    aggregators = found.aggregators()
    roots = sorted(found.routers[key].source.path for key in found.roots if key in found.routers)
    where = aggregators[0] if aggregators else roots[0]
    parent = next(
        (i.parent[1] for i in found.inclusions if i.source.path == where and i.parent),
        "api_router",
    )
    for router in found.routers.values():
        if router.application or not router.module_level:
            continue
        if router.key in included or router.key in found.roots:
            continue
        stem = router.source.stem
        yield rule.at(
            router.source,
            router.node,
            f"router {router.label} is never included: no include_router() call takes it, so "
            "its routes are not served",
            fix=f"In {where}: import {router.source.module} and include it, e.g. "
            f'`{parent}.include_router({stem}.{router.name}, prefix="/'
            f'{stem.replace("_", "-")}", tags=["{stem.replace("_", " ").title()}"])`.',
        )


def _router_included_twice(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS203"]
    found = routing(codebase)
    seen: dict[tuple[object, object], tuple[str, int]] = {}
    for inclusion in sorted(
        found.inclusions, key=lambda i: (i.source.path, i.call.lineno, i.call.col_offset)
    ):
        if inclusion.parent is None or call_name(inclusion.call) != "include_router":
            continue
        key = (inclusion.parent, inclusion.target)
        here = (inclusion.source.path, inclusion.call.lineno)
        first = seen.setdefault(key, here)
        if first == here:
            continue  # the first inclusion, or one call in a loop
        place = f"line {first[1]}" if first[0] == here[0] else f"{first[0]}:{first[1]}"
        router = found.routers[inclusion.target] if inclusion.target else None
        label = router.label if router is not None else "?"
        yield rule.at(
            inclusion.source,
            inclusion.call,
            f"router {label} is included again into the same router (first on {place}); "
            "its routes are registered twice",
        )


#: The checks of this family, by rule code.
CHECKS = {
    "GOS201": _model_not_registered,
    "GOS202": _router_not_included,
    "GOS203": _router_included_twice,
}
