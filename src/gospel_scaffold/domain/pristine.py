"""The text gospel generated for a file (the base of a three-way merge), recovered offline.

The record keeps, for each generated file, the SHA-256 and the git blob id of the rendered text.
The text itself is found, in this order:

1. Rendered again from the recorded spec by the installed gospel: when its SHA-256 matches the
   record, it *is* the text written (the usual case: same gospel version). Works anywhere.
2. Read from the project's git objects by blob id. Gospel writes each rendered text into the
   object store when it writes a file (``git hash-object -w``) and keeps every such text
   reachable from the ref :data:`BASES_REF`, so ``git gc`` never prunes it; and every commit
   that holds the file untouched carries the same blob to clones. Works offline, on a fresh
   clone, from a wheel install.
3. For a version 1 record (no blob id): the file's history, searched for a version whose
   SHA-256 matches the record.
4. Otherwise the base is gone (the file was edited before it was ever committed, and this is
   another clone; or the project is not a git repository): the caller says so and falls back.

Nothing is stored in the work tree. :data:`BASES_REF` is a local ref, like a branch nobody
checks out; ``git push origin refs/gospel/bases`` shares it, and fetching it into any ref of
another clone (``git fetch origin refs/gospel/bases:refs/gospel/team``) makes its texts
available there too: a base is found by its id, wherever it came from.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from gospel_scaffold.domain.record import GeneratedFile, blob_id

__all__ = ["BASES_REF", "base_text", "store_texts"]

BASES_REF = "refs/gospel/bases"
"""The ref whose commit holds every text gospel generated in the project, one blob each."""

_IDENTITY = {
    "GIT_AUTHOR_NAME": "gospel",
    "GIT_AUTHOR_EMAIL": "gospel@localhost",
    "GIT_COMMITTER_NAME": "gospel",
    "GIT_COMMITTER_EMAIL": "gospel@localhost",
}
_HISTORY_LIMIT = 200
"""The most versions of one file searched for a version 1 record's base."""


def _git() -> str | None:
    return shutil.which("git")


def _run(root: Path, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> str:
    """Run git quietly; return its output, or ``""`` when it failed."""
    git = _git()
    if git is None:
        return ""
    done = subprocess.run(
        [git, *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        check=False,
        env={**os.environ, **env} if env else None,
    )
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else ""


def store_texts(root: Path, texts: Iterable[str]) -> None:
    """Write each text into the project's git object store and keep it under :data:`BASES_REF`.

    Best effort: without git or a repository nothing is kept, and the texts can still be
    rendered again while the installed gospel matches (see the module docstring).
    """
    pending = list(dict.fromkeys(texts))
    if _git() is None or not pending:
        return
    with tempfile.TemporaryDirectory(prefix="gospel-blobs-") as scratch:
        paths = []
        for index, text in enumerate(pending):
            path = Path(scratch) / str(index)
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        # Outside a repository git refuses (exit 128): nothing to keep the texts in.
        written = _run(
            root,
            "hash-object",
            "-w",
            "--no-filters",
            "--stdin-paths",
            stdin="\n".join(paths).encode("utf-8"),
        ).split()
    if written:
        _keep_reachable(root, written)


def _keep_reachable(root: Path, blobs: list[str]) -> None:
    """Point :data:`BASES_REF` at a commit whose tree holds ``blobs`` and every blob it held.

    A commit without parents: texts no longer wanted would only be dropped by a future
    cleanup, and a superseded commit is pruned by ``git gc`` while its blobs live on here.
    """
    old = _run(root, "rev-parse", "--verify", "--quiet", f"{BASES_REF}^{{commit}}").strip()
    names = set(blobs)
    if old:
        listing = _run(root, "ls-tree", "-z", old)
        names |= {entry.rsplit("\t", 1)[1] for entry in listing.split("\0") if "\t" in entry}
    tree = _run(
        root,
        "mktree",
        "-z",
        stdin="".join(f"100644 blob {name}\t{name}\0" for name in sorted(names)).encode(),
    ).strip()
    if not tree or (old and _run(root, "rev-parse", f"{old}^{{tree}}").strip() == tree):
        return
    commit = _run(
        root,
        "commit-tree",
        tree,
        "-m",
        "gospel: texts gospel generated, the bases of its three-way merges",
        env=_IDENTITY,
    ).strip()
    if commit:
        _run(root, "update-ref", BASES_REF, commit, *([old] if old else []))


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


def _from_history(root: Path, path: str, sha256: str) -> str | None:
    """The version of ``path`` in the repository's history whose SHA-256 is ``sha256``."""
    log = _run(root, "log", "--all", "--format=", "--raw", "--no-abbrev", "--", path)
    blobs: list[str] = []
    for line in log.splitlines():
        fields = line.split("\t", 1)[0].split()
        if line.startswith(":") and len(fields) >= 4:
            blobs += [blob for blob in fields[2:4] if blob.strip("0")]
    for blob in list(dict.fromkeys(blobs))[:_HISTORY_LIMIT]:
        text = _read_blob(root, blob)
        if text is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() == sha256:
            return text
    return None


def base_text(
    root: Path, recorded: GeneratedFile, rendered: str | None, *, path: str | None = None
) -> str | None:
    """Return the exact text gospel generated for a file, or ``None`` when it is gone.

    Args:
        root: The project root.
        recorded: What the record says was generated.
        rendered: The recorded spec rendered again by the installed gospel (if it could be).
        path: The file, to search its history when the record has no blob id (version 1).
    """
    if rendered is not None and recorded.matches(rendered):
        return rendered
    if recorded.blob:
        return _read_blob(root, recorded.blob)
    if path is not None:
        return _from_history(root, path, recorded.sha256)
    return None
