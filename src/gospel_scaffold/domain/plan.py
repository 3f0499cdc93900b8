"""A plan: every file write, edit and deletion decided before anything touches the disk.

The plan is what ``--dry-run`` prints as unified diffs and ``--json`` prints for scripts. Its
JSON shape (``schema_version`` 1) is documented in ``docs/add-domain.md``::

    {
      "schema_version": 1,
      "operation": "add-domain" | "remove-domain",
      "domain": "payments",
      "project": "/abs/path",
      "applied": false,
      "changed": true,
      "changes": [
        {"path": "app/models/payments.py", "action": "create" | "update" | "delete" | "unchanged"
         | "keep", "step": "model", "summary": "...", "sha256": "..." | null}
      ],
      "checklist": [{"step": "model", "text": "...", "done": true}],
      "notes": ["..."]
    }
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "SCHEMA_VERSION",
    "Action",
    "ChecklistItem",
    "FileChange",
    "Plan",
    "sha256_text",
]

SCHEMA_VERSION = 1

Action = Literal["create", "update", "delete", "unchanged", "keep"]
"""What a plan does to one file: ``keep`` is a deletion refused (a file the user modified)."""


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FileChange:
    """One planned change of one file.

    Attributes:
        path: Path relative to the project root, with forward slashes.
        action: What happens to the file.
        step: The checklist step the change belongs to (``model``, ``router``...).
        summary: One line for people ("Create app/models/payments.py").
        before: The current text (``None`` when the file does not exist).
        after: The planned text (``None`` for a deletion).
    """

    path: str
    action: Action
    step: str
    summary: str
    before: str | None = None
    after: str | None = None

    @property
    def changes_disk(self) -> bool:
        """Whether applying the change writes or deletes anything."""
        return self.action in ("create", "update", "delete")

    def diff(self) -> str:
        """Return the change as a unified diff (empty when nothing changes)."""
        if not self.changes_disk:
            return ""
        before = (self.before or "").splitlines(keepends=True)
        after = (self.after or "").splitlines(keepends=True)
        old = "/dev/null" if self.action == "create" else f"a/{self.path}"
        new = "/dev/null" if self.action == "delete" else f"b/{self.path}"
        lines = list(difflib.unified_diff(before, after, old, new))
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

    def to_json(self) -> dict[str, Any]:
        """Return the change in the documented JSON shape."""
        return {
            "path": self.path,
            "action": self.action,
            "step": self.step,
            "summary": self.summary,
            "sha256": sha256_text(self.after) if self.after is not None else None,
        }


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the gospel's checklist.

    Attributes:
        step: The step key.
        text: The line as printed.
        done: Whether the command does it (false for steps left to the user).
    """

    step: str
    text: str
    done: bool = True


@dataclass
class Plan:
    """Everything one command will change in a project.

    Attributes:
        operation: ``add-domain`` or ``remove-domain``.
        domain: The domain's plural name.
        root: The project root.
        changes: Planned file changes, in the order they are applied.
        checklist: The gospel checklist lines this run covers.
        notes: Extra lines worth telling the user.
        names: The derived names to check (``class Payment, table payments, URL prefix
            /payments``), printed in the headers.
        pristine: Every text gospel generated in this run, kept in the project's git objects
            when the plan is applied (the base of later three-way merges).
    """

    operation: str
    domain: str
    root: Path
    names: str = ""
    changes: list[FileChange] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pristine: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether applying the plan changes any file."""
        return any(change.changes_disk for change in self.changes)

    def diff(self) -> str:
        """Return the whole plan as unified diffs."""
        return "".join(change.diff() for change in self.changes)

    def to_json(self, *, applied: bool) -> dict[str, Any]:
        """Return the plan in the documented JSON shape.

        Args:
            applied: Whether the plan was applied (false for ``--dry-run``).
        """
        return {
            "schema_version": SCHEMA_VERSION,
            "operation": self.operation,
            "domain": self.domain,
            "project": str(self.root),
            "applied": applied,
            "changed": self.changed,
            "changes": [change.to_json() for change in self.changes],
            "checklist": [
                {"step": item.step, "text": item.text, "done": item.done} for item in self.checklist
            ],
            "notes": list(self.notes),
        }
