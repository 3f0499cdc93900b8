"""The template's tagged git history, shipped inside the package as a git bundle.

Copier can only update a project from a *git* template: it re-renders the version the project
was made from (``_commit`` in ``.copier-answers.yml``) and the new one, then replays the user's
diff. A wheel holds the template as plain files, which is enough to create a project but not to
update it. So the build (``hatch_build.py``) also ships ``_template/template.bundle``: the
repository's tagged history as a git bundle, and ``_template/template.json``: the commit the
wheel was built from.

A project created from the bundle records the portable source :data:`BUNDLED_SOURCE`
(``gospel://template.git``) in ``_src_path``. That name exists on no network: while gospel runs
copier it points git at the installed bundle with a ``url.<bundle>.insteadOf`` setting passed
through the environment (:func:`bundle_redirect`), so copy and update read the local file and
nothing else. Upgrading gospel upgrades the bundle, and the bundle of a newer gospel holds every
older tag, so ``gospel update`` finds both the version a project was made from and the new one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gospel_scaffold.errors import ProjectError

__all__ = [
    "BUNDLED_SOURCE",
    "BUNDLE_ENV",
    "BundledTemplate",
    "bundle_redirect",
    "bundled_template",
    "redirect_environment",
]

BUNDLED_SOURCE = "gospel://template.git"
"""The ``_src_path`` of projects made from the template shipped with gospel."""

BUNDLE_ENV = "GOSPEL_TEMPLATE_BUNDLE"
"""Environment variable naming another bundle to use instead of the packaged one."""

_BUNDLE_NAME = "template.bundle"
_METADATA_NAME = "template.json"


@dataclass(frozen=True)
class BundledTemplate:
    """The git bundle of the template that this gospel installation ships.

    Attributes:
        bundle: The ``.bundle`` file.
        commit: The full commit id the installation was built from; ``None`` when unknown (a
            bundle given through ``GOSPEL_TEMPLATE_BUNDLE`` without metadata), in which case
            copier picks the latest version tag.
        describe: ``git describe --tags --always`` of that commit (``v1.2.0`` on a release).
        dirty: The template files had uncommitted changes when the wheel was built, so the
            packaged files differ from ``commit``.
    """

    bundle: Path
    commit: str | None
    describe: str | None
    dirty: bool


def _package_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def bundled_template() -> BundledTemplate | None:
    """Find the bundled template history of this installation.

    Returns:
        The bundle named by ``$GOSPEL_TEMPLATE_BUNDLE`` when set, else the one packaged in the
        wheel (``gospel_scaffold/_template/template.bundle``), else ``None`` (a source checkout
        or an editable install, which ship no bundle).

    Raises:
        ProjectError: ``$GOSPEL_TEMPLATE_BUNDLE`` names a file that does not exist.
    """
    override = os.environ.get(BUNDLE_ENV)
    if override:
        bundle = Path(override).expanduser().resolve()
        if not bundle.is_file():
            raise ProjectError(f"{BUNDLE_ENV}={override} is not a file")
    else:
        bundle = _package_dir() / "_template" / _BUNDLE_NAME
        if not bundle.is_file():
            return None
    metadata: dict[str, object] = {}
    metadata_file = bundle.with_suffix(".json") if override else bundle.with_name(_METADATA_NAME)
    if metadata_file.is_file():
        loaded = json.loads(metadata_file.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            metadata = loaded
    commit = metadata.get("commit")
    describe = metadata.get("describe")
    return BundledTemplate(
        bundle=bundle,
        commit=commit if isinstance(commit, str) and commit else None,
        describe=describe if isinstance(describe, str) and describe else None,
        dirty=bool(metadata.get("dirty", False)),
    )


def redirect_environment(bundle: Path, cache_dir: Path) -> dict[str, str]:
    """Return the environment that makes git read :data:`BUNDLED_SOURCE` from ``bundle``.

    Args:
        bundle: The git bundle to serve.
        cache_dir: A throw-away directory for copier's clone cache, so that no mirror of an
            older bundle is ever reused.

    Returns:
        Variables to add to the environment of copier and its git processes.
    """
    count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    return {
        "GIT_CONFIG_COUNT": str(count + 1),
        f"GIT_CONFIG_KEY_{count}": f"url.{bundle.as_posix()}.insteadOf",
        f"GIT_CONFIG_VALUE_{count}": BUNDLED_SOURCE,
        "COPIER_CACHE_DIR": str(cache_dir),
    }


@contextmanager
def bundle_redirect(bundle: Path) -> Iterator[None]:
    """Serve :data:`BUNDLED_SOURCE` from ``bundle`` to copier while the context is open.

    Copier runs git through plumbum, whose environment is a copy taken at import time, so both
    ``os.environ`` and ``plumbum.local.env`` are set, and both are restored on exit.

    Args:
        bundle: The git bundle to serve.

    Yields:
        Nothing; copier calls inside the block see the redirect.
    """
    from plumbum import local  # copier's own dependency; lazy like copier itself

    with tempfile.TemporaryDirectory(prefix="gospel-copier-cache-") as cache:
        extra = redirect_environment(bundle, Path(cache))
        saved = {key: os.environ.get(key) for key in extra}
        os.environ.update(extra)
        try:
            with local.env(**extra):
                yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
