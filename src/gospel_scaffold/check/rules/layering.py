"""Layering rules (GOS5xx): dependencies point down, api → services → repositories → models.

The layers are the application package's subpackages (or modules) of those names, whatever the
package is called: ``app.api``, ``acme.services``, ... A layer the project does not have is
simply not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from gospel_scaffold.check.codebase import (
    Codebase,
    ImportRef,
    SourceFile,
    one_per_statement,
    within,
)
from gospel_scaffold.check.model import RULES, Violation

__all__ = ["CHECKS", "FORBIDDEN", "WEB_FREE"]

#: For each layer, the layers above it that it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "models": ("api", "services", "repositories"),
    "repositories": ("api", "services"),
    "services": ("api",),
    "schemas": ("api", "services", "repositories"),
    "db": ("api", "services", "repositories"),
    "core": ("api", "services", "repositories"),
}
#: Layers that must not import a web framework.
WEB_FREE = ("models", "repositories", "services", "db")
_WEB_FRAMEWORKS = ("fastapi", "starlette")
_LAYER_NAMES = {
    "api": "the API layer",
    "services": "the service layer",
    "repositories": "the repository layer",
}


def _enclosing(module: str, packages: Iterable[str]) -> str | None:
    """Return the first of ``packages`` that ``module`` belongs to, if any."""
    return next((package for package in packages if within(module, package)), None)


def _offending_imports(
    codebase: Codebase, banned: Mapping[str, Iterable[str]]
) -> Iterator[tuple[SourceFile, str, ImportRef]]:
    """Yield each import, one per statement, from a package in ``banned`` of a package it bans.

    Yields:
        ``(source, layer, ref)``: the file, its layer (a key of ``banned``) and the import.
    """
    for source in codebase.sources:
        layer = _enclosing(source.module, banned)
        if layer is None:
            continue
        offending = (ref for ref in source.imports if _enclosing(ref.module, banned[layer]))
        for ref in one_per_statement(offending):
            yield source, layer, ref


def _layer_import_direction(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS501"]
    layer = codebase.layer
    banned = {layer(low): tuple(layer(high) for high in above) for low, above in FORBIDDEN.items()}
    names = {layer(name): label for name, label in _LAYER_NAMES.items()}
    for source, package, ref in _offending_imports(codebase, banned):
        above = next(label for name, label in names.items() if within(ref.module, name))
        yield rule.at(
            source,
            ref.node,
            f"{package} imports {ref.module} ({above}); imports must point "
            "down: api → services → repositories → models",
        )


def _web_framework_outside_api(codebase: Codebase) -> Iterator[Violation]:
    rule = RULES["GOS502"]
    banned = {codebase.layer(name): _WEB_FRAMEWORKS for name in WEB_FREE}
    api = f"{codebase.layout.package_dir}/api/"
    errors = codebase.layer("core.exceptions")
    for source, package, ref in _offending_imports(codebase, banned):
        yield rule.at(
            source,
            ref.node,
            f"{package} imports {ref.module}; HTTP belongs in {api} only",
            fix=f"Keep HTTP in {api}: raise an application error (a {errors}.AppError "
            "subclass in a gospel project) and let one exception handler turn it into a "
            "response.",
        )


#: The checks of this family, by rule code.
CHECKS = {"GOS501": _layer_import_direction, "GOS502": _web_framework_outside_api}
