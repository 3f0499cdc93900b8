"""The application's routers: which exist, which are plugged in, and their routes' paths.

Read from the parsed code, never by importing it:

* a **router** is a name assigned an ``APIRouter(...)`` (or any ``*Router(...)``) call, an
  **application** a name assigned ``FastAPI(...)``, at module level or inside a function (an
  app factory);
* an **inclusion** is ``<parent>.include_router(<router>, prefix=...)``, or
  ``<app>.mount(path, <sub-application>)``. The router argument is followed through imports,
  aliases and re-exports (``from app.api.routes import items`` → ``items.router``), and through
  a ``for`` loop over a literal list of routers. An argument that cannot be followed is kept
  as *unfollowed*: the routers it may plug in are unknown;
* a **route handler** is a function decorated with ``@<router or app>.get/post/...(...)``.

The applications (and the modules ``[tool.gospel]`` names as the application or as router
aggregators) are the roots: a router they reach through inclusions is served, under the path
prefixes met on the way (those written as string literals; a prefix from a variable, such as
``settings.API_V1_STR``, is unknown and starts the known part afresh).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from gospel_scaffold.check.codebase import Codebase, SourceFile, call_name

__all__ = [
    "HTTP_METHODS",
    "Handler",
    "Inclusion",
    "RouteHandler",
    "Router",
    "RouterKey",
    "Routing",
    "routing",
]

Handler = ast.FunctionDef | ast.AsyncFunctionDef
#: A router's identity: its module and the name it is bound to there.
RouterKey = tuple[str, str]

#: Decorator methods of ``APIRouter``/``FastAPI`` that declare a route.
HTTP_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"}
)
#: Words a file must contain to define, include or decorate with a router.
_ROUTING_WORDS = ("Router", "FastAPI", "include_router", ".mount(")


@dataclass(frozen=True, slots=True)
class Router:
    """An ``APIRouter``, or a ``FastAPI`` application.

    Attributes:
        source: The file that creates it.
        name: The name it is bound to.
        node: The assignment.
        call: The ``APIRouter(...)``/``FastAPI(...)`` call.
        application: Whether it is a ``FastAPI`` application.
        module_level: Whether it is assigned at module level (not inside a factory function).
    """

    source: SourceFile
    name: str
    node: ast.stmt
    call: ast.Call
    application: bool
    module_level: bool

    @property
    def key(self) -> RouterKey:
        """The router's identity."""
        return self.source.module, self.name

    @property
    def label(self) -> str:
        """A short name for messages: ``items.router``."""
        return f"{self.source.stem}.{self.name}"

    @property
    def prefix(self) -> str | None:
        """Its own ``prefix=``: the literal, ``""`` without one, ``None`` when not a literal."""
        return _literal_keyword(self.call, "prefix")


@dataclass(frozen=True, slots=True)
class Inclusion:
    """One ``include_router``/``mount`` call.

    Attributes:
        source: The file holding the call.
        call: The call.
        parent: The router or application it plugs into, when known.
        target: The router plugged in; ``None`` when the argument cannot be followed.
        prefix: The ``prefix=`` literal, ``""`` without one, ``None`` when not a literal.
    """

    source: SourceFile
    call: ast.Call
    parent: RouterKey | None
    target: RouterKey | None
    prefix: str | None


@dataclass(frozen=True, slots=True)
class RouteHandler:
    """A function declared as a route.

    Attributes:
        source: The file declaring it.
        function: The function.
        decorator: The ``@<router>.<method>(...)`` call.
        router: The router (or application) the route is declared on.
    """

    source: SourceFile
    function: Handler
    decorator: ast.Call
    router: Router

    @property
    def method(self) -> str:
        """The decorator method (``get``, ``post``, ...)."""
        return self.decorator.func.attr if isinstance(self.decorator.func, ast.Attribute) else ""

    @property
    def path(self) -> str | None:
        """The route path, when a string literal."""
        first = self.decorator.args[0] if self.decorator.args else None
        if first is None:
            first = next((k.value for k in self.decorator.keywords if k.arg == "path"), None)
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
        return None

    @property
    def names(self) -> set[str]:
        """The names ``url_path_for`` knows the route by: the function's and any ``name=``."""
        names = {self.function.name}
        given = _literal_keyword(self.decorator, "name")
        if given:
            names.add(given)
        return names


@dataclass
class Routing:
    """Every router, inclusion and route handler of a codebase.

    Attributes:
        routers: Every router and application, by key.
        inclusions: Every inclusion whose argument could be followed.
        unfollowed: Every inclusion whose argument could not.
        handlers: The route handlers of each file, by path.
        roots: The applications, and the routers of configured aggregator modules.
    """

    routers: dict[RouterKey, Router] = field(default_factory=dict)
    inclusions: list[Inclusion] = field(default_factory=list)
    unfollowed: list[Inclusion] = field(default_factory=list)
    handlers: dict[str, list[RouteHandler]] = field(default_factory=dict)
    roots: set[RouterKey] = field(default_factory=set)

    @property
    def applications(self) -> list[Router]:
        """The ``FastAPI`` applications."""
        return [router for router in self.routers.values() if router.application]

    def included(self) -> set[RouterKey]:
        """The routers some inclusion plugs in (whether or not the application reaches it)."""
        return {i.target for i in self.inclusions if i.target is not None}

    def prefixes(self) -> dict[RouterKey, set[str]]:
        """The known path prefixes of each router the roots reach.

        A router reached along several paths has several prefixes. A prefix that is not a
        literal makes the known part start again, so ``"/items"`` under
        ``prefix=settings.API_V1_STR`` is ``/items``.
        """
        children: dict[RouterKey, list[Inclusion]] = {}
        for inclusion in self.inclusions:
            if inclusion.parent is not None:
                children.setdefault(inclusion.parent, []).append(inclusion)
        found: dict[RouterKey, set[str]] = {}
        queue: list[tuple[RouterKey, str]] = []
        for key in sorted(self.roots):
            own = self.routers[key].prefix if key in self.routers else ""
            queue.append((key, own or ""))
        while queue:
            key, path = queue.pop()
            known = found.setdefault(key, set())
            if path in known or len(known) > 20:
                continue
            known.add(path)
            for inclusion in children.get(key, ()):
                assert inclusion.target is not None
                child = self.routers.get(inclusion.target)
                step = path + inclusion.prefix if inclusion.prefix is not None else ""
                own = child.prefix if child is not None else ""
                queue.append((inclusion.target, step + own if own is not None else ""))
        return found

    def local_prefixes(self) -> dict[RouterKey, set[str]]:
        """Each router's prefix as its parent includes it, its own ``prefix=`` appended.

        The path a test most likely spells out: ``/payments`` for
        ``api_router.include_router(payments.router, prefix="/payments")``, whatever prefix the
        application puts in front of ``api_router``. A router no inclusion takes has its own
        prefix only; a prefix that is not a literal counts as empty.
        """
        found: dict[RouterKey, set[str]] = {}
        for inclusion in self.inclusions:
            assert inclusion.target is not None
            router = self.routers.get(inclusion.target)
            own = (router.prefix if router is not None else "") or ""
            found.setdefault(inclusion.target, set()).add((inclusion.prefix or "") + own)
        for key, router in self.routers.items():
            found.setdefault(key, {router.prefix or ""})
        return found

    def aggregators(self) -> list[str]:
        """The files whose routers plug other routers in (the applications' files aside)."""
        applications = {router.source.path for router in self.applications}
        return sorted(
            {
                i.source.path
                for i in self.inclusions
                if i.parent is not None
                and i.parent in self.routers
                and not self.routers[i.parent].application
                and i.source.path not in applications
            }
        )

    def route_handlers(self, source: SourceFile, *, routers_only: bool) -> list[RouteHandler]:
        """Return the route handlers of ``source``; only ``APIRouter`` ones if ``routers_only``."""
        found = self.handlers.get(source.path, [])
        return [h for h in found if not (routers_only and h.router.application)]

    def route_modules(self) -> list[SourceFile]:
        """The files declaring routes on an ``APIRouter``, in path order."""
        return [
            handlers[0].source
            for _, handlers in sorted(self.handlers.items())
            if any(not h.router.application for h in handlers)
        ]


def _literal_keyword(call: ast.Call, name: str) -> str | None:
    """A keyword's string literal; ``""`` when absent; ``None`` when not a literal."""
    for keyword in call.keywords:
        if keyword.arg == name:
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
            return None
    return ""


def _router_kind(source: SourceFile, value: ast.expr) -> bool | None:
    """``True`` for ``FastAPI(...)``, ``False`` for ``*Router(...)``, ``None`` for neither."""
    if not isinstance(value, ast.Call):
        return None
    name = call_name(value)
    if isinstance(value.func, ast.Name):
        name = source.original_name(name)
    if name == "FastAPI":
        return True
    if name.endswith("Router") and name[:1].isupper():
        return False
    return None


def _definitions(source: SourceFile) -> Iterator[Router]:
    module_level = {id(node) for node in source.tree.body}
    for node in source.statements:
        targets: list[ast.expr]
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        kind = _router_kind(source, value)
        if kind is None:
            continue
        assert isinstance(value, ast.Call)
        for target in targets:
            if isinstance(target, ast.Name):
                yield Router(source, target.id, node, value, kind, id(node) in module_level)


def _loop_items(source: SourceFile) -> dict[str, list[ast.expr]]:
    """Each ``for`` loop variable bound to the items of a literal list (or a name of one)."""
    items: dict[str, list[ast.expr]] = {}
    for node in source.statements:
        if not (isinstance(node, ast.For) and isinstance(node.target, ast.Name)):
            continue
        iterable = node.iter
        if isinstance(iterable, ast.Name):
            iterable = source.assignments.get(iterable.id, iterable)
        if isinstance(iterable, ast.List | ast.Tuple | ast.Set):
            items.setdefault(node.target.id, []).extend(iterable.elts)
    return items


class _Builder:
    def __init__(self, codebase: Codebase) -> None:
        self.codebase = codebase
        self.routing = Routing()
        self.sources = [s for s in codebase.sources if s.mentions(*_ROUTING_WORDS)]

    def build(self) -> Routing:
        for source in self.sources:
            for router in _definitions(source):
                self.routing.routers.setdefault(router.key, router)
        for source in self.sources:
            self._inclusions(source)
            self._handlers(source)
        self._roots()
        return self.routing

    def resolve(self, source: SourceFile, expression: ast.expr) -> RouterKey | None:
        """Follow an expression to the router it names, if it names one."""
        if isinstance(expression, ast.Name):
            return self._resolve_name(source, expression.id)
        if isinstance(expression, ast.Attribute):
            module = self.codebase.module_named(source, expression.value)
            target = self.codebase.modules.get(module) if module else None
            if target is not None:
                return self._resolve_name(target, expression.attr)
        return None

    def _resolve_name(self, source: SourceFile, name: str) -> RouterKey | None:
        routers = self.routing.routers
        if (source.module, name) in routers:
            return source.module, name
        found = self.codebase.definition(source, name)
        if found is not None and (found[0].module, found[1]) in routers:
            return found[0].module, found[1]
        return None

    def _inclusions(self, source: SourceFile) -> None:
        if not source.mentions("include_router", ".mount("):
            return
        loops: dict[str, list[ast.expr]] | None = None
        for call in source.calls:
            name = call_name(call)
            if name not in {"include_router", "mount"} or not isinstance(call.func, ast.Attribute):
                continue
            position, keyword = (0, "router") if name == "include_router" else (1, "app")
            argument = call.args[position] if len(call.args) > position else None
            argument = argument or next((k.value for k in call.keywords if k.arg == keyword), None)
            if argument is None:
                continue
            parent = self.resolve(source, call.func.value)
            prefix = _literal_keyword(call, "prefix") if name == "include_router" else None
            path = call.args[0] if name == "mount" and call.args else None
            if isinstance(path, ast.Constant) and isinstance(path.value, str):
                prefix = path.value
            arguments = [argument]
            if isinstance(argument, ast.Name) and self.resolve(source, argument) is None:
                loops = _loop_items(source) if loops is None else loops
                arguments = loops.get(argument.id, arguments)
            for item in arguments:
                target = self.resolve(source, item)
                inclusion = Inclusion(source, call, parent, target, prefix)
                if target is not None:
                    self.routing.inclusions.append(inclusion)
                elif name == "include_router":
                    # A mounted ASGI app that is not a FastAPI one (StaticFiles) routes nothing.
                    self.routing.unfollowed.append(inclusion)

    def _handlers(self, source: SourceFile) -> None:
        found: list[RouteHandler] = []
        for function in source.functions:
            for decorator in function.decorator_list:
                if not (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in HTTP_METHODS
                ):
                    continue
                key = self.resolve(source, decorator.func.value)
                if key is not None:
                    router = self.routing.routers[key]
                    found.append(RouteHandler(source, function, decorator, router))
                    break
        if found:
            self.routing.handlers[source.path] = found

    def _roots(self) -> None:
        layout = self.codebase.layout
        roots = self.routing.roots
        roots.update(router.key for router in self.routing.applications)
        named = {layout.application, *layout.router_aggregators} - {None}
        for inclusion in self.routing.inclusions:
            if inclusion.source.path in named and inclusion.parent is not None:
                roots.add(inclusion.parent)
        for router in self.routing.routers.values():
            if router.source.path == layout.application:
                roots.add(router.key)


def routing(codebase: Codebase) -> Routing:
    """Return the codebase's routing (computed once per codebase)."""
    return codebase.memo(_build)


def _build(codebase: Codebase) -> Routing:
    return _Builder(codebase).build()
