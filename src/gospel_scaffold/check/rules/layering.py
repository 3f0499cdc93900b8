"""Layering rules (GOS5xx): dependencies point down, api → services → repositories → models."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from gospel_scaffold.check.model import RULES, Violation
from gospel_scaffold.check.project import (
    ImportRef,
    Project,
    SourceFile,
    one_per_statement,
    within,
)

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


def _enclosing(module: str, packages: Iterable[str]) -> str | None:
    """Return the first of ``packages`` that ``module`` belongs to, if any."""
    return next((package for package in packages if within(module, package)), None)


def _offending_imports(
    project: Project, banned: Mapping[str, Iterable[str]]
) -> Iterator[tuple[SourceFile, str, ImportRef]]:
    """Yield each import, one per statement, from a package in ``banned`` of a package it bans.

    Yields:
        ``(source, layer, ref)``: the file, its layer (a key of ``banned``) and the import.
    """
    for source in project.tree_under("app"):
        layer = _enclosing(source.module, banned)
        if layer is None:
            continue
        offending = (ref for ref in source.imports if _enclosing(ref.module, banned[layer]))
        for ref in one_per_statement(offending):
            yield source, layer, ref


def _layer_import_direction(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS501"]
    for source, layer, ref in _offending_imports(project, FORBIDDEN):
        above = next(name for package, name in _LAYER_NAMES.items() if within(ref.module, package))
        yield rule.at(
            source,
            ref.node,
            f"{layer} imports {ref.module} ({above}); imports must point "
            "down: api → services → repositories → models",
        )


def _web_framework_outside_api(project: Project) -> Iterator[Violation]:
    rule = RULES["GOS502"]
    banned = dict.fromkeys(WEB_FREE, _WEB_FRAMEWORKS)
    for source, layer, ref in _offending_imports(project, banned):
        yield rule.at(
            source, ref.node, f"{layer} imports {ref.module}; HTTP belongs in app/api/ only"
        )


#: The checks of this family, by rule code.
CHECKS = {"GOS501": _layer_import_direction, "GOS502": _web_framework_outside_api}
