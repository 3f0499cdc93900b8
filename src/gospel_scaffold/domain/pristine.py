"""The text gospel generated for a file (the base of a three-way merge), recovered offline.

The record keeps, for each generated file, the SHA-256 and the git blob id of the rendered text.
The text itself is found, in this order:

1. Rendered again from the recorded spec by the installed gospel: when its SHA-256 matches the
   record, it *is* the text written (the usual case: same gospel version). Works anywhere.
2. Read from the project's git objects by blob id: gospel writes each rendered text into the
   object store when it applies a plan (``git hash-object -w``), and every commit that holds the
   file untouched carries it to clones. Works offline, on a fresh clone, from a wheel install.
3. Otherwise the base is gone (the file was edited before it was ever committed, and the clone
   is fresh; or the project is not a git repository): the caller refuses to merge that one file
   and says what to do.

Nothing is stored in the work tree.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from gospel_scaffold.domain.record import GeneratedFile, blob_id

__all__ = ["base_text", "store_texts"]


def _git() -> str | None:
    return shutil.which("git")


def store_texts(root: Path, texts: Iterable[str]) -> None:
    """Write each text into the project's git object store, if it is a git repository.

    One ``git hash-object -w --stdin-paths`` for all of them. Best effort: without git or a
    repository, the texts can still be rendered again while the installed gospel matches (see
    the module docstring).
    """
    git = _git()
    pending = list(dict.fromkeys(texts))
    if git is None or not pending:
        return
    with tempfile.TemporaryDirectory(prefix="gospel-blobs-") as scratch:
        paths = []
        for index, text in enumerate(pending):
            path = Path(scratch) / str(index)
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        # Outside a repository git refuses (exit 128): nothing to keep the texts in.
        subprocess.run(
            [git, "hash-object", "-w", "--no-filters", "--stdin-paths"],
            cwd=root,
            input="\n".join(paths).encode("utf-8"),
            capture_output=True,
            check=False,
        )


def _read_blob(root: Path, blob: str) -> str | None:
    git = _git()
    if git is None:
        return None
    done = subprocess.run(
        [git, "cat-file", "blob", blob], cwd=root, capture_output=True, check=False
    )
    if done.returncode != 0:
        return None
    text = done.stdout.decode("utf-8", errors="replace")
    return text if blob_id(text) == blob else None


def base_text(root: Path, recorded: GeneratedFile, rendered: str | None) -> str | None:
    """Return the exact text gospel generated for a file, or ``None`` when it is gone.

    Args:
        root: The project root.
        recorded: What the record says was generated.
        rendered: The recorded spec rendered again by the installed gospel (if it could be).
    """
    if rendered is not None and recorded.matches(rendered):
        return rendered
    if recorded.blob:
        return _read_blob(root, recorded.blob)
    return None
