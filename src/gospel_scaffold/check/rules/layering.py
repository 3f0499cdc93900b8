"""Layering rules (GOS5xx): dependencies point down, api → services → repositories → models."""

from __future__ import annotations

from collections.abc import Iterator

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import Project

__all__ = ["CHECKS", "FORBIDDEN", "WEB_FREE"]

#: For each package, the packages above it that it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "app.models": ("app.api", "app.services", "app.repositories"),
    "app.repositories": ("app.api", "app.services"),
    "app.services": ("app.api",),
    "app.schemas": ("app.api", "app.services", "app.repositories"),
    "app.db": ("app.api", "app.services", "app.repositories"),
    "app.core": ("app.api", "app.services", "app.repositories"),
}
#: Packages that must not import a web framework.
WEB_FREE = ("app.models", "app.repositories", "app.services", "app.db")
_WEB_FRAMEWORKS = ("fastapi", "starlette")
_LAYER_NAMES = {
    "app.api": "the API layer",
    "app.services": "the service layer",
    "app.repositories": "the repository layer",
}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer_import_direction(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS501"]
    for source in project.tree_under("app"):
        layer = next((p for p in FORBIDDEN if _within(source.module, p)), None)
        if layer is None:
            continue
        reported: set[int] = set()
        for ref in source.imports:
            above = next((p for p in FORBIDDEN[layer] if _within(ref.module, p)), None)
            if above is None or id(ref.node) in reported:
                continue
            reported.add(id(ref.node))
            yield rule.at(
                source,
                ref.node,
                f"{layer} imports {ref.module} ({_LAYER_NAMES[above]}); imports must point "
                "down: api → services → repositories → models",
            )


def _web_framework_outside_api(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS502"]
    for source in project.tree_under("app"):
        layer = next((p for p in WEB_FREE if _within(source.module, p)), None)
        if layer is None:
            continue
        reported: set[int] = set()
        for ref in source.imports:
            framework = next((f for f in _WEB_FRAMEWORKS if _within(ref.module, f)), None)
            if framework is None or id(ref.node) in reported:
                continue
            reported.add(id(ref.node))
            yield rule.at(
                source,
                ref.node,
                f"{layer} imports {ref.module}; HTTP belongs in app/api/ only",
            )


#: The checks of this family, by rule code.
CHECKS = {"GOS501": _layer_import_direction, "GOS502": _web_framework_outside_api}
