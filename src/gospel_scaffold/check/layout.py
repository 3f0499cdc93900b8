"""Where things are in a project: the layout ``gospel check`` discovers, or is told.

Discovery, each step of which ``[tool.gospel]`` can set explicitly instead:

* **package** — the application package: ``app/``; else the one package under ``src/``; else
  the package (under the project or ``src/``) whose code creates ``FastAPI()``.
* **tests** — every test folder there is: ``tests/``, ``test/``, and ``tests/`` inside the
  package. Test folders inside the package are not held to the architecture rules.
* **model registry** — whatever makes every model importable to Alembic: the ``env.py`` of the
  Alembic setup (``script_location`` in ``alembic.ini`` or ``[tool.alembic]``, else
  ``migrations/`` or ``alembic/`` at the root or in the package); without Alembic, the
  package's ``db/database.py``, else its ``models/__init__.py``.
* **python** — the grammar files are parsed with: the lowest Python ``requires-python``
  allows, when the running interpreter knows its grammar.

The application (the module creating ``FastAPI()``) and its router aggregators are found later,
by following ``include_router`` in the parsed code (:mod:`gospel_scaffold.check.routing`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gospel_scaffold._alembic import script_locations
from gospel_scaffold.check.codebase import SKIP_DIRS, python_files
from gospel_scaffold.errors import NotAProjectError, UnreadableProjectError

__all__ = ["Layout", "LayoutSettings", "discover_layout", "minimum_python"]

#: The oldest grammar :func:`ast.parse` accepts as ``feature_version``.
_OLDEST_GRAMMAR = (3, 7)
#: Top-level folders that are never the application package.
_NOT_PACKAGES = frozenset(
    {"tests", "test", "docs", "migrations", "alembic", "scripts", "benchmarks", "examples"}
)
_FASTAPI_APP = re.compile(r"\bFastAPI\s*\(")


@dataclass(frozen=True, slots=True)
class LayoutSettings:
    """The layout paths set in ``[tool.gospel]`` (``None``/empty: discover it).

    Attributes:
        package: The application package folder (``app``, ``src/acme``).
        application: The module that creates the ``FastAPI`` application.
        router_aggregators: Modules whose ``include_router`` calls plug routers in.
        model_registry: The module that imports every model (``migrations/env.py``).
        tests: The test folders.
    """

    package: str | None = None
    application: str | None = None
    router_aggregators: tuple[str, ...] = ()
    model_registry: str | None = None
    tests: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the parts of a project are.

    Attributes:
        root: The project directory.
        package_dir: The application package folder, relative (``app``, ``src/acme``).
        tests: The test folders, relative.
        registry: The model registry file, relative, if one was found.
        application: The module creating the application, when set in ``[tool.gospel]``.
        router_aggregators: Router aggregator modules set in ``[tool.gospel]``.
        excluded: Folders inside the package that are not application code (test folders,
            Alembic's folder).
        requires_python: The project's ``requires-python``, verbatim.
        minimum_python: The lowest Python it allows, if known.
        python: The grammar the files are parsed with.
        configured: The layout settings that came from ``[tool.gospel]`` (their names).
    """

    root: Path
    package_dir: str
    tests: tuple[str, ...] = ()
    registry: str | None = None
    application: str | None = None
    router_aggregators: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    requires_python: str | None = None
    minimum_python: tuple[int, int] | None = None
    python: tuple[int, int] = field(default_factory=lambda: sys.version_info[:2])
    configured: frozenset[str] = frozenset()

    @property
    def package(self) -> str:
        """The package's import name (``acme`` for ``src/acme``)."""
        return self.package_dir.rsplit("/", 1)[-1]

    @property
    def import_root(self) -> str:
        """The folder modules are imported from (``""`` for the project, ``src``)."""
        return self.package_dir.rpartition("/")[0]

    def origin(self, setting: str) -> str:
        """Say where a setting came from: ``[tool.gospel]`` or ``found``."""
        return "[tool.gospel]" if setting in self.configured else "found"


def minimum_python(requires: str) -> tuple[int, int] | None:
    """Return the lowest ``major.minor`` a ``requires-python`` specifier allows.

    Args:
        requires: A PEP 440 specifier set such as ``>=3.11`` or ``~=3.12,<4``.

    Returns:
        The lowest version (``(3, 11)``), or ``None`` when no clause sets a lower bound.
    """
    lowest: tuple[int, int] | None = None
    for clause in requires.split(","):
        found = re.fullmatch(r"\s*(>=|~=|==|>)\s*(\d+)\.(\d+)[\w.*+!-]*\s*", clause)
        if found is None:
            continue
        version = (int(found.group(2)), int(found.group(3)))
        lowest = version if lowest is None else max(lowest, version)
    return lowest


def _has_python(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.py"))


def _creates_app(root: Path, folder: str) -> bool:
    for relative in python_files(root, folder):
        try:
            text = (root / relative).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if _FASTAPI_APP.search(text):
            return True
    return False


def _packages_in(root: Path, folder: str) -> list[str]:
    """Packages directly in ``folder``: with an ``__init__.py`` (under ``src/``, any Python)."""
    base = root / folder if folder else root
    if not base.is_dir():
        return []
    prefix = f"{folder}/" if folder else ""
    return [
        f"{prefix}{child.name}"
        for child in sorted(base.iterdir())
        if child.is_dir()
        and ((child / "__init__.py").is_file() or (folder == "src" and _has_python(child)))
        and child.name not in _NOT_PACKAGES
        and child.name not in SKIP_DIRS
        and not child.name.startswith(".")
    ]


def _find_package(root: Path) -> str:
    if _has_python(root / "app"):
        return "app"
    in_src = _packages_in(root, "src")
    if len(in_src) == 1:
        return in_src[0]
    candidates = in_src or _packages_in(root, "")
    creating = [package for package in candidates if _creates_app(root, package)]
    if len(creating) == 1:
        return creating[0]
    if len(creating) > 1:
        raise UnreadableProjectError(
            f"{root} holds several packages that create a FastAPI application "
            f'({", ".join(creating)}): set package = "..." in [tool.gospel]'
        )
    nested = sorted(
        child.name
        for child in (root.iterdir() if root.is_dir() else ())
        if child.is_dir() and (child / "pyproject.toml").is_file()
    )
    hint = f"; is it in {nested[0]}/ (gospel check -C {nested[0]})?" if len(nested) == 1 else ""
    raise NotAProjectError(
        root,
        "no FastAPI application package: looked for app/, a package under src/ and a package "
        f'creating FastAPI(), or set package = "..." in [tool.gospel]{hint}',
    )


def _test_folders(root: Path, package_dir: str) -> tuple[str, ...]:
    candidates = ("tests", "test", f"{package_dir}/tests", f"{package_dir}/test")
    return tuple(folder for folder in candidates if (root / folder).is_dir())


def _find_registry(root: Path, package_dir: str, pyproject: Mapping[str, object]) -> str | None:
    folders = [
        *script_locations(root, pyproject),
        "migrations",
        "alembic",
        f"{package_dir}/alembic",
        f"{package_dir}/migrations",
    ]
    for folder in folders:
        if (root / folder / "env.py").is_file():
            return f"{folder}/env.py"
    for candidate in (f"{package_dir}/db/database.py", f"{package_dir}/models/__init__.py"):
        if (root / candidate).is_file():
            return candidate
    return None


def _excluded(root: Path, package_dir: str, tests: tuple[str, ...]) -> tuple[str, ...]:
    """Folders inside the package that hold tests or Alembic migrations, not application code."""
    inside = [folder for folder in tests if folder.startswith(package_dir + "/")]
    base = root / package_dir
    for env in base.rglob("env.py"):
        if (env.parent / "versions").is_dir():
            inside.append(env.parent.relative_to(root).as_posix())
    return tuple(sorted(set(inside)))


def _relative_file(root: Path, value: str, setting: str) -> str:
    cleaned = value.strip().removeprefix("./").rstrip("/")
    if not (root / cleaned).is_file():
        raise UnreadableProjectError(f"{setting} = {value!r} in [tool.gospel]: no such file")
    return cleaned


def _relative_dir(root: Path, value: str, setting: str) -> str:
    cleaned = value.strip().removeprefix("./").rstrip("/")
    if not cleaned or not (root / cleaned).is_dir():
        raise UnreadableProjectError(f"{setting} = {value!r} in [tool.gospel]: no such folder")
    return cleaned


def discover_layout(
    root: Path,
    settings: LayoutSettings,
    pyproject: Mapping[str, object],
) -> Layout:
    """Find the package, tests, model registry and grammar of the project at ``root``.

    Args:
        root: The project directory.
        settings: The paths ``[tool.gospel]`` sets (they win over discovery).
        pyproject: The parsed ``pyproject.toml`` (empty when there is none).

    Returns:
        The layout.

    Raises:
        UnreadableProjectError: no application package is found, or a configured path does
            not exist.
    """
    configured: set[str] = set()
    if settings.package is not None:
        package_dir = _relative_dir(root, settings.package, "package")
        configured.add("package")
    else:
        package_dir = _find_package(root)
    if settings.tests:
        tests = tuple(_relative_dir(root, folder, "tests") for folder in settings.tests)
        configured.add("tests")
    else:
        tests = _test_folders(root, package_dir)
    if settings.model_registry is not None:
        registry: str | None = _relative_file(root, settings.model_registry, "model-registry")
        configured.add("model_registry")
    else:
        registry = _find_registry(root, package_dir, pyproject)
    application = None
    if settings.application is not None:
        application = _relative_file(root, settings.application, "application")
        configured.add("application")
    aggregators = tuple(
        _relative_file(root, path, "router-aggregator") for path in settings.router_aggregators
    )
    if aggregators:
        configured.add("router_aggregators")
    project = pyproject.get("project")
    requires = project.get("requires-python") if isinstance(project, dict) else None
    requires = requires if isinstance(requires, str) else None
    lowest = minimum_python(requires) if requires else None
    running = sys.version_info[:2]
    grammar = max(min(lowest or running, running), _OLDEST_GRAMMAR)
    return Layout(
        root=root,
        package_dir=package_dir,
        tests=tests,
        registry=registry,
        application=application,
        router_aggregators=aggregators,
        excluded=_excluded(root, package_dir, tests),
        requires_python=requires,
        minimum_python=lowest,
        python=grammar,
        configured=frozenset(configured),
    )
