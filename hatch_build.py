"""Hatch build hook: ship the template's git history in the package as a git bundle.

Copier updates a project by re-rendering the template version it was made from and the new one,
so it needs the template's *git history*, not just its files. Every build therefore adds:

- ``gospel_scaffold/_template/template.bundle``: ``git bundle create ... HEAD --tags`` of this
  repository, so it holds every released version (``vX.Y.Z`` tags) and the built commit;
- ``gospel_scaffold/_template/template.json``: the built commit, its ``git describe`` and
  whether the template files had uncommitted changes.

An sdist carries the same two files at ``_gospel_template/`` so a wheel built from it (no git
checkout) still ships them. A shallow clone cannot make a complete bundle and fails the build:
fetch the full history and tags (``actions/checkout`` with ``fetch-depth: 0``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_SDIST_DIR = "_gospel_template"
_WHEEL_DIR = "gospel_scaffold/_template"
_BUNDLE = "template.bundle"
_METADATA = "template.json"
_TEMPLATE_PATHS = ("copier.yml", "template")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def _is_checkout(root: Path) -> bool:
    if shutil.which("git") is None or not (root / ".git").exists():
        return False
    try:
        return Path(_git(root, "rev-parse", "--show-toplevel")).resolve() == root.resolve()
    except subprocess.CalledProcessError:
        return False


def make_bundle(root: Path, out_dir: Path) -> tuple[Path, Path]:
    """Write the template bundle and its metadata for the checkout at ``root``.

    Args:
        root: The root of a full (not shallow) git checkout of gospel.
        out_dir: Where to write ``template.bundle`` and ``template.json``.

    Returns:
        The bundle and the metadata file.

    Raises:
        RuntimeError: The checkout is shallow, so the bundle would miss history.
    """
    if _git(root, "rev-parse", "--is-shallow-repository") == "true":
        raise RuntimeError(
            "gospel's wheel ships the template's git history, but this checkout is shallow; "
            "fetch the full history and tags (git fetch --unshallow --tags)"
        )
    bundle = out_dir / _BUNDLE
    subprocess.run(
        ["git", "bundle", "create", "--quiet", str(bundle), "HEAD", "--tags"],
        cwd=root,
        capture_output=True,
        check=True,
    )
    metadata = out_dir / _METADATA
    metadata.write_text(
        json.dumps(
            {
                "commit": _git(root, "rev-parse", "HEAD"),
                "describe": _git(root, "describe", "--tags", "--always", "HEAD"),
                "dirty": bool(_git(root, "status", "--porcelain", "--", *_TEMPLATE_PATHS)),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return bundle, metadata


class TemplateBundleHook(BuildHookInterface):  # type: ignore[misc]
    """Add the template bundle to wheels and sdists."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Generate (or reuse, in an sdist) the bundle and add it to the build."""
        if version == "editable":
            # A source checkout renders its working tree; only real packages need the history.
            return
        root = Path(self.root)
        target_dir = _SDIST_DIR if self.target_name == "sdist" else _WHEEL_DIR
        if _is_checkout(root):
            self._tmp = tempfile.mkdtemp(prefix="gospel-bundle-")
            files = make_bundle(root, Path(self._tmp))
        elif (root / _SDIST_DIR / _BUNDLE).is_file():
            files = (root / _SDIST_DIR / _BUNDLE, root / _SDIST_DIR / _METADATA)
        else:
            print(
                "gospel build hook: no git checkout and no bundled history; the package will "
                "create projects that `gospel update` cannot update",
                file=sys.stderr,
            )
            return
        for file in files:
            if file.is_file():
                build_data["force_include"][str(file)] = f"{target_dir}/{file.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary bundle."""
        tmp = getattr(self, "_tmp", None)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
