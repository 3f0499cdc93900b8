"""The record of a generated domain: ``.gospel/domains/<plural>.json`` in the project.

The record is the truth of a domain's spec and of what gospel wrote for it. Version 2::

    {
      "version": 2,
      "generator": "0.4.0",
      "domain": "payments", "singular": "payment", "plural": "payments", "owner": true,
      "fields": ["amount:decimal:12,2", "customer:ref:customers"],
      "files": {"app/models/payments.py": {"sha256": "...", "blob": "..."}},
      "edits": [{"path": "app/db/database.py", "kind": "model_registry", "detail": {...}}],
      "migrations": [
        {"operation": "create-table", "path": "migrations/versions/ab12_create_payments_table.py",
         "revision": "ab12...", "down_revision": "3f9c...", "create_date": "...", "sha256": "..."}
      ]
    }

- ``generator`` is the gospel version that rendered the files (``null`` when unknown).
- ``files`` holds, for each generated file, the SHA-256 and the git blob id of the text gospel
  rendered for it, *before* any edit of other domains or of the user: the base of a three-way
  merge. :mod:`~gospel_scaffold.domain.pristine` recovers that text.
- ``migrations`` lists every migration gospel wrote for the domain, oldest first; they are never
  rewritten, only followed by new ones.

Version 1 records (``files`` as bare SHA-256 strings, one ``migration`` object) are read and
migrated on load; the next command that changes the domain writes version 2.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gospel_scaffold.errors import InvalidInputError, ProjectError

__all__ = [
    "RECORD_DIR",
    "RECORD_VERSION",
    "DomainRecord",
    "Edit",
    "GeneratedFile",
    "MigrationRecord",
    "blob_id",
    "find_record",
    "load_record",
    "load_records",
    "record_path",
]

RECORD_DIR = ".gospel/domains"
RECORD_VERSION = 2
"""The version :meth:`DomainRecord.to_text` writes."""


def record_path(plural: str) -> str:
    """Return the record's path relative to the project root."""
    return f"{RECORD_DIR}/{plural}.json"


def blob_id(text: str) -> str:
    """Return the git blob id of ``text`` (what ``git hash-object`` prints), without git."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Edit:
    """One edit of a shared file.

    Attributes:
        path: The edited file.
        kind: ``router``, ``model_registry``, ``back_populates`` or ``api_table`` (the rows
            of the README's API table).
        detail: What exactly was added (class, attribute, import...).
    """

    path: str
    kind: str
    detail: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the edit as a JSON-ready mapping."""
        return {"path": self.path, "kind": self.kind, "detail": dict(self.detail)}


@dataclass(frozen=True)
class GeneratedFile:
    """The text gospel rendered for one generated file, by hash.

    Attributes:
        sha256: SHA-256 of the rendered text.
        blob: Its git blob id (``None`` in records migrated from version 1 whose text is gone).
    """

    sha256: str
    blob: str | None = None

    @classmethod
    def of(cls, text: str) -> GeneratedFile:
        """Describe ``text``."""
        return cls(hashlib.sha256(text.encode("utf-8")).hexdigest(), blob_id(text))

    def matches(self, text: str | None) -> bool:
        """Whether ``text`` is exactly the rendered text."""
        return text is not None and hashlib.sha256(text.encode("utf-8")).hexdigest() == self.sha256


@dataclass(frozen=True)
class MigrationRecord:
    """One migration gospel wrote for the domain.

    Attributes:
        operation: ``create-table``, ``add-columns`` or ``drop-columns``.
        path: Its file.
        revision: Its revision id.
        down_revision: The revision it follows (empty for none).
        create_date: Its creation timestamp as written in the file.
        sha256: SHA-256 of the text written.
    """

    operation: str
    path: str
    revision: str
    down_revision: str
    create_date: str
    sha256: str = ""

    def to_json(self) -> dict[str, str]:
        """Return the migration as a JSON-ready mapping."""
        return {
            "operation": self.operation,
            "path": self.path,
            "revision": self.revision,
            "down_revision": self.down_revision,
            "create_date": self.create_date,
            "sha256": self.sha256,
        }


@dataclass
class DomainRecord:
    """What gospel generated for one domain.

    Attributes:
        domain: The plural name (the record's key).
        singular: The singular name.
        plural: The plural name.
        owner: Whether rows belong to users.
        fields: The field specs, in order.
        files: Generated file path to what gospel rendered for it.
        edits: The shared-file edits.
        migrations: Every migration written for the domain, oldest first.
        generator: The gospel version that rendered ``files`` (``None`` when unknown).
    """

    domain: str
    singular: str
    plural: str
    owner: bool
    fields: list[str]
    files: dict[str, GeneratedFile] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    migrations: list[MigrationRecord] = field(default_factory=list)
    generator: str | None = None

    @property
    def migration(self) -> dict[str, str]:
        """The migration that created the table (empty when none is recorded)."""
        return self.migrations[0].to_json() if self.migrations else {}

    def migration_paths(self) -> set[str]:
        """Paths of every migration written for the domain."""
        return {migration.path for migration in self.migrations}

    def to_text(self) -> str:
        """Return the record as stable, pretty JSON text (always the current version)."""
        data = {
            "version": RECORD_VERSION,
            "generator": self.generator,
            "domain": self.domain,
            "singular": self.singular,
            "plural": self.plural,
            "owner": self.owner,
            "fields": self.fields,
            "files": {
                path: {"sha256": item.sha256, "blob": item.blob}
                for path, item in sorted(self.files.items())
            },
            "edits": [edit.to_json() for edit in self.edits],
            "migrations": [migration.to_json() for migration in self.migrations],
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_text(cls, text: str, *, source: str) -> DomainRecord:
        """Parse a record, migrating a version 1 record to the current shape.

        Args:
            text: The JSON text.
            source: Where it came from, for messages.

        Raises:
            ProjectError: The record is not valid, or newer than this gospel.
        """
        try:
            data = json.loads(text)
            version = int(data.get("version", 1))
            if version > RECORD_VERSION:
                raise ProjectError(
                    f"{source} was written by a newer gospel (record version {version}); "
                    "upgrade gospel to work on this domain"
                )
            if version == 1:
                data = _migrate_v1(data)
            return cls(
                domain=str(data["domain"]),
                singular=str(data["singular"]),
                plural=str(data["plural"]),
                owner=bool(data["owner"]),
                fields=[str(spec) for spec in data["fields"]],
                files={
                    str(path): GeneratedFile(str(item["sha256"]), item.get("blob"))
                    for path, item in data["files"].items()
                },
                edits=[
                    Edit(str(e["path"]), str(e["kind"]), {**e.get("detail", {})})
                    for e in data["edits"]
                ],
                migrations=[
                    MigrationRecord(**{k: str(v) for k, v in m.items()}) for m in data["migrations"]
                ],
                generator=data.get("generator"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ProjectError(f"{source} is not a valid gospel record ({error})") from None


def _migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept ``files`` as bare SHA-256 strings (the migration among them)."""
    migration = {str(k): str(v) for k, v in data.get("migration", {}).items()}
    files = {str(path): str(digest) for path, digest in data["files"].items()}
    migrations = []
    if migration.get("path"):
        migrations.append(
            {
                "operation": "create-table",
                "path": migration["path"],
                "revision": migration.get("revision", ""),
                "down_revision": migration.get("down_revision", ""),
                "create_date": migration.get("create_date", ""),
                "sha256": files.pop(migration["path"], ""),
            }
        )
    return {
        **data,
        "generator": None,
        "files": {path: {"sha256": digest, "blob": None} for path, digest in files.items()},
        "migrations": migrations,
    }


def find_record(records: dict[str, DomainRecord], name: str) -> DomainRecord:
    """Return the record of the domain called ``name`` (singular or plural).

    Raises:
        InvalidInputError: No domain of that name was added with gospel.
    """
    for record in records.values():
        if name in (record.plural, record.singular):
            return record
    known = ", ".join(sorted(records)) or "none"
    raise InvalidInputError(
        f"No domain {name!r} was added with gospel add-domain in this project "
        f"(its domains: {known})"
    )


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
