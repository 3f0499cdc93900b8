"""Test rules (GOS7xx): every domain has tests.

A *domain* is a module ``app/api/routes/<name>.py`` or ``app/models/<name>.py``; a model and a
router whose names are the singular and plural of each other (``user``/``users``) are one
domain. A domain is *tested* when some module under ``tests/``:

* imports its route module (``app.api.routes.<name>``), its service (``app.services.<name>``
  or ``app.services.<name>_service``) or its repository (``app.repositories.<name>_repository``),
  or — for a domain with a model but no router — its model module; or
* contains a string holding the router's prefix (``"/payments"``, ``f"{API}/payments/{id}"``)
  as given in ``app/api/routes/__init__.py`` (``/<name>`` when no prefix is found; the route
  paths themselves when the router is included without a prefix).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import Project, SourceFile
from gospel_scaffold.check.rules.models import mapped_classes
from gospel_scaffold.check.rules.registration import inclusions, router_assignment
from gospel_scaffold.check.rules.routers import route_handlers

__all__ = ["CHECKS", "name_variants"]


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
    names: set[str]
    router: SourceFile | None = None
    model: SourceFile | None = None
    paths: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        source = self.router or self.model
        return source.stem if source is not None else "?"


def _domains(project: Project) -> list[_Domain]:
    domains: list[_Domain] = []
    prefixes = {i.module: i.prefix for i in inclusions(project) or ()}
    for source in project.under("app/api/routes"):
        if router_assignment(source) is None:
            continue
        domain = _Domain(set(name_variants(source.stem)), router=source)
        prefix = prefixes.get(source.module)
        if prefix:
            domain.paths.add(prefix.rstrip("/"))
        elif prefix == "":
            domain.paths.update(_route_paths(source))
        else:
            domain.paths.add(f"/{source.stem}")
        domains.append(domain)
    for source in project.under("app/models"):
        if not mapped_classes(source):
            continue
        match = next((d for d in domains if source.stem in d.names and d.model is None), None)
        if match is None:
            domains.append(_Domain(set(name_variants(source.stem)), model=source))
        else:
            match.model = source
            match.names |= name_variants(source.stem)
    return domains


def _route_paths(source: SourceFile) -> set[str]:
    paths: set[str] = set()
    for _, decorator in route_handlers(source):
        first = decorator.args[0] if decorator.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            path = first.value.split("{", 1)[0].rstrip("/")
            if path:
                paths.add(path)
    return paths


@dataclass
class _TestEvidence:
    modules: set[str] = field(default_factory=set)
    strings: list[str] = field(default_factory=list)


def _evidence(project: Project) -> _TestEvidence:
    evidence = _TestEvidence()
    for source in project.tree_under("tests"):
        for ref in source.imports:
            evidence.modules.add(ref.module)
            if ref.name:
                evidence.modules.add(f"{ref.module}.{ref.name}")
        evidence.strings.extend(
            node.value
            for node in source.nodes
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "/" in node.value
        )
    return evidence


def _mentions_path(strings: list[str], path: str) -> bool:
    for text in strings:
        start = text.find(path)
        while start != -1:
            end = start + len(path)
            if end == len(text) or text[end] in "/?#\"'":
                return True
            start = text.find(path, start + 1)
    return False


def _is_tested(domain: _Domain, evidence: _TestEvidence) -> bool:
    wanted: set[str] = set()
    for name in domain.names:
        wanted |= {
            f"app.api.routes.{name}",
            f"app.services.{name}",
            f"app.services.{name}_service",
            f"app.repositories.{name}_repository",
        }
    if domain.router is None and domain.model is not None:
        wanted.add(domain.model.module)
    if wanted & evidence.modules:
        return True
    return any(_mentions_path(evidence.strings, path) for path in domain.paths)


def _domain_without_tests(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS701"]
    evidence = _evidence(project)
    for domain in _domains(project):
        if _is_tested(domain, evidence):
            continue
        message, fix = _untested(domain)
        node: ast.AST | None
        if domain.router is not None:
            source = domain.router
            found = router_assignment(source)
            node = found[0] if found else None
        else:
            assert domain.model is not None
            source = domain.model
            node = mapped_classes(source)[0]
        yield rule.at(source, node, message, fix=fix)


def _untested(domain: _Domain) -> tuple[str, str]:
    """Return the message and the fix for an untested domain, worded for what it has."""
    label = domain.label
    service_test = f"tests/unit/test_{label}_service.py"
    if domain.router is None:
        assert domain.model is not None
        return (
            f"domain {label} has no tests: nothing under tests/ imports its model module "
            f"{domain.model.module}, its service or its repository",
            f"Add {service_test} exercising its service (or any test importing "
            f"{domain.model.module}).",
        )
    routes_test = f"tests/integration/test_{label}_routes.py"
    calls = (
        f"calls its routes ({', '.join(sorted(domain.paths))}) or imports"
        if domain.paths
        else "imports"
    )
    return (
        f"domain {label} has no tests: nothing under tests/ {calls} its route module, its "
        "service or its repository",
        f"Add {routes_test} exercising its routes and {service_test} for its service.",
    )


#: The checks of this family, by rule code.
CHECKS = {"GOS701": _domain_without_tests}
