"""The record of a generated domain: ``.gospel/domains/<plural>.json`` in the project.

It keeps what ``remove-domain`` needs for an exact undo: the field specs, the names, a SHA-256
of every generated file, the shared-file edits and the migration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gospel_scaffold.errors import ProjectError

__all__ = [
    "RECORD_DIR",
    "DomainRecord",
    "Edit",
    "load_record",
    "load_records",
    "record_path",
]

RECORD_DIR = ".gospel/domains"
_VERSION = 1


def record_path(plural: str) -> str:
    """Return the record's path relative to the project root."""
    return f"{RECORD_DIR}/{plural}.json"


@dataclass(frozen=True)
class Edit:
    """One edit of a shared file.

    Attributes:
        path: The edited file.
        kind: ``router``, ``model_registry`` or ``back_populates``.
        detail: What exactly was added (class, attribute, import...).
    """

    path: str
    kind: str
    detail: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the edit as a JSON-ready mapping."""
        return {"path": self.path, "kind": self.kind, "detail": dict(self.detail)}


@dataclass
class DomainRecord:
    """What ``add-domain`` generated for one domain.

    Attributes:
        domain: The plural name (the record's key).
        singular: The singular name.
        plural: The plural name.
        owner: Whether rows belong to users.
        fields: The field specs as given.
        files: Generated file path to SHA-256 of its generated text.
        edits: The shared-file edits.
        migration: ``path``, ``revision``, ``down_revision`` and ``create_date`` of the migration.
    """

    domain: str
    singular: str
    plural: str
    owner: bool
    fields: list[str]
    files: dict[str, str] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    migration: dict[str, str] = field(default_factory=dict)

    def to_text(self) -> str:
        """Return the record as stable, pretty JSON text."""
        data = {
            "version": _VERSION,
            "domain": self.domain,
            "singular": self.singular,
            "plural": self.plural,
            "owner": self.owner,
            "fields": self.fields,
            "files": dict(sorted(self.files.items())),
            "edits": [edit.to_json() for edit in self.edits],
            "migration": self.migration,
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_text(cls, text: str, *, source: str) -> DomainRecord:
        """Parse a record.

        Args:
            text: The JSON text.
            source: Where it came from, for messages.

        Raises:
            ProjectError: The record is not valid.
        """
        try:
            data = json.loads(text)
            return cls(
                domain=str(data["domain"]),
                singular=str(data["singular"]),
                plural=str(data["plural"]),
                owner=bool(data["owner"]),
                fields=[str(spec) for spec in data["fields"]],
                files={str(k): str(v) for k, v in data["files"].items()},
                edits=[
                    Edit(str(e["path"]), str(e["kind"]), {**e.get("detail", {})})
                    for e in data["edits"]
                ],
                migration={str(k): str(v) for k, v in data.get("migration", {}).items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ProjectError(f"{source} is not a valid gospel record ({error})") from None


def load_record(root: Path, plural: str) -> DomainRecord | None:
    """Return the record of ``plural`` in the project at ``root``, or ``None``."""
    path = root / record_path(plural)
    if not path.is_file():
        return None
    return DomainRecord.from_text(path.read_text(encoding="utf-8"), source=record_path(plural))


def load_records(root: Path) -> dict[str, DomainRecord]:
    """Return every record of the project, by plural name."""
    records: dict[str, DomainRecord] = {}
    directory = root / RECORD_DIR
    if directory.is_dir():
        for path in sorted(directory.glob("*.json")):
            record = DomainRecord.from_text(
                path.read_text(encoding="utf-8"), source=f"{RECORD_DIR}/{path.name}"
            )
            records[record.plural] = record
    return records
