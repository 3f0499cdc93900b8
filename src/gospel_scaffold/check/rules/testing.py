"""Test rules (GOS7xx): every domain has tests.

A *domain* is a module declaring routes on an ``APIRouter`` (``app/api/routes/<name>.py``,
``app/api/v1/endpoints/<name>.py``, ...) or a mapped model class; a model and a router whose
names are the singular and plural of each other (``User``/``users``) are one domain. A domain is
*tested* when the text of some module in the test folders:

* imports its route module, its service (``<package>.services.<name>`` or
  ``<package>.services.<name>_service``) or its repository
  (``<package>.repositories.<name>_repository``), or — for a domain with a model but no router —
  its model (the module, or the class from a module holding several models); or
* holds one of its route paths as the application serves it (``"/payments"``,
  ``f"{API}/payments/{id}"``): the literal prefixes met from the ``FastAPI`` application down to
  the route (a prefix from a variable such as ``settings.API_V1_STR`` is left out); or
* names one of its routes in ``url_path_for("<route name>")`` or ``url_for(...)``.

Test modules are read as text, not parsed: a mention in a comment counts too, so the rule may
miss a domain tested only in words, but never reports a tested one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from gospel_scaffold.check.codebase import Codebase, SourceFile
from gospel_scaffold.check.model import RULES, RuleSkipped, Violation
from gospel_scaffold.check.routing import RouteHandler, RouterKey, routing
from gospel_scaffold.check.rules.models import mapped_classes, model_modules

__all__ = ["CHECKS", "name_variants"]

_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.MULTILINE
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_URL_FOR = re.compile(r"url(?:_path)?_for\(\s*[\"']([^\"']+)[\"']")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: A URL path in a test's text; it ends at anything else (a quote, `?`, `#`, `{`, a space).
_PATH = re.compile(r"/[\w.~%/-]*")


def name_variants(name: str) -> frozenset[str]:
    """Return ``name`` with its likely singular and plural forms (``user`` ↔ ``users``)."""
    variants = {name, f"{name}s", f"{name}es"}
    if name.endswith("y"):
        variants.add(f"{name[:-1]}ies")
    if name.endswith("ies"):
        variants.add(f"{name[:-3]}y")
    if name.endswith("es"):
        variants.add(name[:-2])
    if name.endswith("s"):
        variants.add(name[:-1])
    return frozenset(variants)


@dataclass
class _Domain:
    label: str
    names: set[str]
    source: SourceFile
    node: ast.AST
    router: bool = False
    model: str | None = None
    modules: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    route_names: set[str] = field(default_factory=set)


def _route_domains(codebase: Codebase) -> list[_Domain]:
    found = routing(codebase)
    local = found.local_prefixes()
    full = found.prefixes()
    domains: list[_Domain] = []
    for source in found.route_modules():
        handlers = found.route_handlers(source, routers_only=True)
        own = [r for r in found.routers.values() if r.source is source and r.module_level]
        node = own[0].node if own else handlers[0].function
        domain = _Domain(source.stem, set(name_variants(source.stem)), source, node, router=True)
        domain.modules.add(source.module)
        for handler in handlers:
            domain.route_names |= handler.names
        # The path under the prefix its parent gives it; else the whole known path.
        for prefixes in (local, full):
            domain.paths = _paths(handlers, prefixes)
            if domain.paths:
                break
        domains.append(domain)
    return domains


def _paths(handlers: list[RouteHandler], prefixes: dict[RouterKey, set[str]]) -> set[str]:
    """The handlers' route paths under ``prefixes``, up to the first path parameter."""
    paths: set[str] = set()
    for handler in handlers:
        if handler.path is None:
            continue
        for prefix in prefixes.get(handler.router.key, ()):
            path = (prefix + handler.path).split("{", 1)[0].rstrip("/")
            if path:
                paths.add(path)
    return paths


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _domains(codebase: Codebase) -> list[_Domain]:
    domains = _route_domains(codebase)
    by_name: dict[str, _Domain] = {}
    for domain in reversed(domains):  # the first router of a name wins
        by_name.update(dict.fromkeys(domain.names, domain))
    for source in model_modules(codebase):
        classes = mapped_classes(source)
        for cls in classes:
            names = set(name_variants(_snake(cls.name)))
            if len(classes) == 1:
                names |= name_variants(source.stem)
            match = next((by_name[name] for name in sorted(names) if name in by_name), None)
            if match is not None:
                match.names |= names
                continue
            alone = len(classes) == 1
            label = source.stem if alone else _snake(cls.name)
            model = source.module if alone else f"{source.module}.{cls.name}"
            domain = _Domain(label, names, source, cls, model=model)
            domain.modules.add(model)
            domains.append(domain)
    package = codebase.package
    for domain in domains:
        for name in domain.names:
            domain.modules |= {
                f"{package}.services.{name}",
                f"{package}.services.{name}_service",
                f"{package}.repositories.{name}_repository",
            }
    return domains


@dataclass
class _TestEvidence:
    """What the test modules mention: modules, route names, and URL paths.

    ``paths`` holds every run of whole segments of every path in the tests' text:
    ``"/api/v1/payments/3"`` gives ``/api``, ``/api/v1``, ..., ``/payments``, ``/payments/3``
    and ``/3``, so a route's path is looked up once, however many tests there are.
    ``/payments-archive`` gives no ``/payments``.
    """

    modules: set[str] = field(default_factory=set)
    route_names: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)

    def add_paths(self, text: str) -> None:
        for found in set(_PATH.findall(text)):
            parts = [part for part in found.split("/") if part]
            for start in range(len(parts)):
                for end in range(start + 1, len(parts) + 1):
                    self.paths.add("/" + "/".join(parts[start:end]))


def _imported_names(names: str) -> Iterator[str]:
    for part in names.strip().strip("()").replace("\\\n", " ").split(","):
        name = part.split()[0] if part.split() else ""
        if name and name != "*":
            yield name


def _evidence(codebase: Codebase) -> _TestEvidence:
    evidence = _TestEvidence()
    text = "\n".join(test.text for test in codebase.tests)
    evidence.add_paths(text)
    for module, names in _FROM_IMPORT.findall(text):
        evidence.modules.add(module)
        evidence.modules.update(f"{module}.{name}" for name in _imported_names(names))
    for names in _IMPORT.findall(text):
        evidence.modules.update(_imported_names(names))
    evidence.route_names.update(_URL_FOR.findall(text))
    return evidence


def _is_tested(domain: _Domain, evidence: _TestEvidence) -> bool:
    if domain.modules & evidence.modules or domain.route_names & evidence.route_names:
        return True
    return not domain.paths.isdisjoint(evidence.paths)


def _domain_without_tests(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS701"]
    tests = codebase.layout.tests
    if not tests:
        raise RuleSkipped(
            "no test folder found (tests/, test/ or one in the package); set "
            'tests = ["..."] in [tool.gospel]'
        )
    evidence = _evidence(codebase)
    folders = ", ".join(f"{folder}/" for folder in tests)
    for domain in _domains(codebase):
        if _is_tested(domain, evidence):
            continue
        if domain.router and not domain.paths:
            codebase.notes.append(
                f"GOS701 did not check domain {domain.label} ({domain.source.path}): its routes' "
                "paths are not literals, so whether tests call them cannot be told"
            )
            continue
        message, fix = _untested(domain, folders, tests[0])
        yield rule.at(domain.source, domain.node, message, fix=fix)


def _untested(domain: _Domain, folders: str, tests: str) -> tuple[str, str]:
    """Return the message and the fix for an untested domain, worded for what it has."""
    label = domain.label
    service_test = f"{tests}/unit/test_{label}_service.py"
    if domain.model is not None and not domain.router:
        what = "model module" if domain.model == domain.source.module else "model"
        return (
            f"domain {label} has no tests: nothing under {folders} imports its {what} "
            f"{domain.model}, its service or its repository",
            f"Add {service_test} exercising its service (or any test importing {domain.model}).",
        )
    routes_test = f"{tests}/integration/test_{label}_routes.py"
    paths = sorted(domain.paths)
    shown = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
    calls = f"calls its routes ({shown}) or imports" if paths else "imports"
    return (
        f"domain {label} has no tests: nothing under {folders} {calls} its route module, its "
        "service or its repository",
        f"Add {routes_test} exercising its routes and {service_test} for its service.",
    )


#: The checks of this family, by rule code.
CHECKS = {"GOS701": _domain_without_tests}
