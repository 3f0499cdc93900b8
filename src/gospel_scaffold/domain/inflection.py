"""inflect's engine, imported without its run-time type checking (1.7 s of start-up otherwise).

inflect decorates its engine with typeguard's ``@typechecked``, which re-parses and recompiles
every method's source when the module is imported: about 1.7 s on every gospel command that
names a domain, for checks gospel does not need (it passes plain ``str`` values, checked by mypy).
typeguard documents the decorator as a no-op under ``python -O``; gospel gets the same effect
for inflect alone by importing it while ``typeguard.typechecked`` is the identity. The nouns,
plurals and articles are inflect's own: nothing here knows English.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import Any

__all__ = ["engine"]


def _identity(target: Any = None, **_options: Any) -> Any:
    # Both forms of the decorator: @typechecked and @typechecked(...).
    return target if target is not None else _identity


def _import_inflect() -> types.ModuleType:
    if "inflect" in sys.modules:
        return sys.modules["inflect"]
    saved = sys.modules.get("typeguard")
    stub = types.ModuleType("typeguard")
    stub.typechecked = _identity  # type: ignore[attr-defined]
    # A stand-in module, so typeguard itself (and what it imports) is not loaded either.
    sys.modules["typeguard"] = stub
    try:
        return importlib.import_module("inflect")
    finally:
        if saved is not None:
            sys.modules["typeguard"] = saved
        else:
            sys.modules.pop("typeguard", None)


@functools.cache
def engine() -> Any:
    """Return the shared ``inflect.engine()``."""
    return _import_inflect().engine()
