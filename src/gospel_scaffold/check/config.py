"""The ``[tool.gospel]`` section of a project's ``pyproject.toml``, and rule selectors.

.. code-block:: toml

    [tool.gospel]
    select = ["GOS"]            # codes or code prefixes to run (default: every rule)
    ignore = ["GOS701"]         # codes or prefixes never reported
    [tool.gospel.per-file-ignores]
    "app/legacy/*.py" = ["GOS3", "GOS501"]   # fnmatch patterns: `*` also crosses folders

    # Layout: each is discovered when not set (see gospel_scaffold.check.layout).
    package = "src/acme"                     # the application package
    application = "src/acme/main.py"         # the module creating FastAPI()
    router-aggregator = ["src/acme/api/v1/router.py"]
    model-registry = "migrations/env.py"     # whatever imports every model for Alembic
    tests = ["tests"]

A selector is a rule code (``GOS101``) or any prefix of codes (``GOS1`` for the model family,
``GOS`` for all). ``--select`` on the command line replaces ``select``; ``--ignore`` adds to
``ignore``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from gospel_scaffold.check.layout import LayoutSettings
from gospel_scaffold.check.model import RULES
from gospel_scaffold.errors import InvalidInputError, UnreadableProjectError

__all__ = ["CheckConfig", "load_config", "matches", "parse_selectors"]

_LAYOUT_KEYS = frozenset({"package", "application", "router-aggregator", "model-registry", "tests"})
_KEYS = frozenset({"select", "ignore", "per-file-ignores"}) | _LAYOUT_KEYS


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """The project's ``[tool.gospel]`` settings.

    Attributes:
        select: The selectors to run, or ``None`` for every rule.
        ignore: The selectors never reported.
        per_file_ignores: Selectors ignored in the files matching each pattern.
        layout: The layout paths set explicitly.
        pyproject: The whole parsed ``pyproject.toml`` (empty without one).
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    layout: LayoutSettings = field(default_factory=LayoutSettings)
    pyproject: Mapping[str, object] = field(default_factory=dict)

    def ignored_in(self, path: str, code: str) -> bool:
        """Whether ``code`` is ignored in the file at ``path`` by a per-file pattern."""
        return any(
            fnmatchcase(path, pattern) and matches(code, selectors)
            for pattern, selectors in self.per_file_ignores.items()
        )


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is picked by any selector (a code or a code prefix)."""
    return any(code.startswith(selector) for selector in selectors)


def parse_selectors(values: Iterable[str], *, where: str) -> tuple[str, ...]:
    """Normalise and validate selectors; comma-separated values are split.

    Args:
        values: Selectors, e.g. ``["GOS101,GOS2"]``.
        where: Where they came from, for the error message (``--select``, ``pyproject.toml``).

    Returns:
        The upper-cased selectors.

    Raises:
        InvalidInputError: a selector matches no rule.
    """
    selectors: list[str] = []
    for value in values:
        for part in str(value).split(","):
            selector = part.strip().upper()
            if not selector:
                continue
            if not any(code.startswith(selector) for code in RULES):
                known = ", ".join(RULES)
                raise InvalidInputError(
                    f"unknown rule code {part.strip()!r} in {where} (known codes: {known})"
                )
            selectors.append(selector)
    return tuple(selectors)


def _string_list(
    value: object, *, where: str, what: str = 'rule codes, e.g. ["GOS701"]'
) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise UnreadableProjectError(f"{where} must be a list of {what}")


def _layout_settings(section: Mapping[str, object], where: str) -> LayoutSettings:
    paths: dict[str, str | None] = {}
    for key in ("package", "application", "model-registry"):
        value = section.get(key)
        if value is None:
            paths[key] = None
        elif isinstance(value, str) and value.strip():
            paths[key] = value
        else:
            raise UnreadableProjectError(f'{key} in {where} must be a path, e.g. "app/main.py"')
    lists = {
        key: tuple(
            _string_list(
                section.get(key, []), where=f"{key} in {where}", what='paths, e.g. ["tests"]'
            )
        )
        for key in ("router-aggregator", "tests")
    }
    return LayoutSettings(
        package=paths["package"],
        application=paths["application"],
        router_aggregators=lists["router-aggregator"],
        model_registry=paths["model-registry"],
        tests=lists["tests"],
    )


def load_config(root: Path) -> CheckConfig:
    """Read ``[tool.gospel]`` (and the rest) from ``<root>/pyproject.toml``; defaults without.

    Args:
        root: The project directory.

    Returns:
        The settings.

    Raises:
        UnreadableProjectError: the file is not valid TOML or the section is malformed (an
            empty ``select`` included: it would turn every rule off).
    """
    path = root / "pyproject.toml"
    if not path.is_file():
        return CheckConfig()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UnreadableProjectError(f"cannot read {path.name}: {error}") from error
    tool = document.get("tool", {})
    section = tool.get("gospel") if isinstance(tool, dict) else None
    if section is None:
        return CheckConfig(pyproject=document)
    where = "[tool.gospel] in pyproject.toml"
    if not isinstance(section, dict):
        raise UnreadableProjectError(f"{where} must be a table")
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise UnreadableProjectError(
            f"unknown key {unknown[0]!r} in {where} (known: {', '.join(sorted(_KEYS))})"
        )
    try:
        select = (
            parse_selectors(_string_list(section["select"], where="select"), where=where)
            if "select" in section
            else None
        )
        if select == ():
            raise UnreadableProjectError(
                f"select in {where} names no rule: list codes or prefixes such as "
                '["GOS1"], or remove it to run every rule'
            )
        ignore = parse_selectors(
            _string_list(section.get("ignore", []), where="ignore"), where=where
        )
        per_file_raw = section.get("per-file-ignores", {})
        if not isinstance(per_file_raw, dict):
            raise UnreadableProjectError(f"per-file-ignores in {where} must be a table")
        per_file = {
            str(pattern): parse_selectors(_string_list(codes, where=pattern), where=where)
            for pattern, codes in per_file_raw.items()
        }
    except InvalidInputError as error:
        raise UnreadableProjectError(str(error)) from error
    return CheckConfig(
        select=select,
        ignore=ignore,
        per_file_ignores=per_file,
        layout=_layout_settings(section, where),
        pyproject=document,
    )
