"""Locate the copier template gospel renders, and hand copier a snapshot of it.

The template ships in two shapes:

* inside an installed wheel, as ``gospel_scaffold/_template/{copier.yml,template/}``
  (``pyproject.toml`` force-includes it);
* in a source checkout or an editable install, as ``copier.yml`` + ``template/`` at the
  repository root (:func:`template_checkout`).

Copier renders a local git repository at a commit (its latest tag by default), never its plain
working tree, and it only sees a template as plain files when no git repository holds it. So a
template that must be rendered as files (``$GOSPEL_TEMPLATE_DIR``, or a checkout whose template
files have uncommitted changes) is first copied by :func:`template_snapshot` into a temporary,
non-git directory. The ``GOSPEL_TEMPLATE_DIR`` environment variable points gospel at another
template directory (for template development and tests).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gospel_scaffold.errors import ProjectError

__all__ = [
    "ANSWERS_FILE",
    "TEMPLATE_DIR_ENV",
    "template_checkout",
    "template_questions",
    "template_snapshot",
    "template_source",
]

#: Where a rendered project records its answers, template source and template commit.
ANSWERS_FILE = ".copier-answers.yml"
TEMPLATE_DIR_ENV = "GOSPEL_TEMPLATE_DIR"

_CONFIG_NAMES = ("copier.yml", "copier.yaml")
_IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.py[cod]", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git"
)


def _config_file(directory: Path) -> Path | None:
    for name in _CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def _required_config(directory: Path) -> Path:
    config = _config_file(directory)
    if config is None:
        raise ProjectError(f"{directory} holds no copier.yml")
    return config


def template_source() -> Path:
    """Return the directory holding the template's ``copier.yml``.

    Returns:
        ``$GOSPEL_TEMPLATE_DIR`` when set, else the template packaged with the installed wheel,
        else the root of the source checkout gospel runs from.

    Raises:
        ProjectError: No template can be found (a broken installation).
    """
    override = os.environ.get(TEMPLATE_DIR_ENV)
    if override:
        directory = Path(override).expanduser().resolve()
        if _config_file(directory) is None:
            raise ProjectError(f"{TEMPLATE_DIR_ENV}={override} holds no copier.yml")
        return directory
    packaged = Path(__file__).resolve().parent / "_template"
    if _config_file(packaged) is not None:
        return packaged
    checkout = template_checkout()
    if checkout is not None:
        return checkout
    raise ProjectError("gospel's project template is missing; reinstall gospel-scaffold")


def template_checkout() -> Path | None:
    """Return the root of the source checkout gospel runs from, when it holds the template.

    Returns:
        The directory holding ``copier.yml`` and ``template/`` two levels above this package
        (an editable install, or ``python -m`` from a clone), else ``None`` (a wheel).
    """
    checkout = Path(__file__).resolve().parents[2]
    if _config_file(checkout) is not None and (checkout / "template").is_dir():
        return checkout
    return None


@contextmanager
def template_snapshot(source: Path | None = None) -> Iterator[Path]:
    """Copy the template into a temporary, non-git directory for copier to render.

    Args:
        source: The template directory; defaults to :func:`template_source`.

    Yields:
        The snapshot directory; it is deleted when the context ends.
    """
    source = source or template_source()
    config = _required_config(source)
    subdirectory = _load_config(config).get("_subdirectory")
    with tempfile.TemporaryDirectory(prefix="gospel-template-") as tmp:
        snapshot = Path(tmp)
        if isinstance(subdirectory, str) and subdirectory.strip("./") and "{" not in subdirectory:
            shutil.copy2(config, snapshot / config.name)
            shutil.copytree(source / subdirectory, snapshot / subdirectory, ignore=_IGNORED)
        else:
            shutil.copytree(source, snapshot, ignore=_IGNORED, dirs_exist_ok=True)
        yield snapshot


def _load_config(config: Path) -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped]  # copier dependency, lazy import

    loaded = yaml.safe_load(config.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ProjectError(f"{config} is not a copier configuration")
    return loaded


def template_questions(source: Path | None = None) -> dict[str, dict[str, Any]]:
    """Read the questions of the template's ``copier.yml``.

    Args:
        source: The template directory; defaults to :func:`template_source`.

    Returns:
        Each question name mapped to its settings (a bare default becomes ``{"default": ...}``);
        copier settings (keys starting with ``_``) are left out.
    """
    loaded = _load_config(_required_config(source or template_source()))
    questions: dict[str, dict[str, Any]] = {}
    for name, spec in loaded.items():
        if str(name).startswith("_"):
            continue
        questions[str(name)] = spec if isinstance(spec, dict) else {"default": spec}
    return questions
