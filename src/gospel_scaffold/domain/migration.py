"""Alembic migrations written from the field spec: no database and no autogenerate needed.

The operations match what ``alembic revision --autogenerate`` would write for the generated
model under the project's naming convention, so ``alembic check`` finds no drift.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from gospel_scaffold.domain.naming import DomainNames
from gospel_scaffold.domain.render import FieldView, render_template
from gospel_scaffold.errors import InvalidInputError, MigrationError

__all__ = [
    "MAX_IDENTIFIER",
    "MigrationFile",
    "check_identifier_lengths",
    "new_revision",
    "render_migration",
    "single_head",
]

MAX_IDENTIFIER = 63
"""PostgreSQL truncates longer identifiers, which would make constraint names drift."""


@dataclass(frozen=True)
class MigrationFile:
    """A migration to write.

    Attributes:
        path: Its path relative to the project root.
        revision: Its revision id.
        down_revision: The revision it follows.
        create_date: Its creation timestamp, as written in the file.
        text: Its content.
    """

    path: str
    revision: str
    down_revision: str | None
    create_date: str
    text: str


def new_revision(operation: str, domain: str, down_revision: str | None) -> tuple[str, str]:
    """Return the revision id and creation date of a new migration.

    The id is derived from what the migration does and where it goes in the history, so
    ``--dry-run`` shows the very file name the real run writes.

    Args:
        operation: ``add-domain`` or ``remove-domain``.
        domain: The domain's plural name.
        down_revision: The revision the migration follows (``None`` for the first one).
    """
    seed = f"gospel:{operation}:{domain}:{down_revision or ''}"
    revision = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]
    return revision, datetime.now(UTC).isoformat(sep=" ", timespec="seconds")


def single_head(heads: list[str]) -> str | None:
    """Return the only head (``None`` for an empty history).

    Raises:
        MigrationError: The project has several heads.
    """
    if len(heads) > 1:
        raise MigrationError(
            f"The project's migrations have several heads ({', '.join(heads)}); merge them first "
            "with `alembic merge heads -m 'merge heads'` and run the command again"
        )
    return heads[0] if heads else None


def _index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}"


def _columns(names: DomainNames, views: list[FieldView], owner: bool) -> list[str]:
    lines = ['sa.Column("id", sa.Integer(), nullable=False)']
    for view in views:
        lines.append(f'sa.Column("{view.column}", {view.sa_type}, nullable={view.nullable})')
    if owner:
        lines.append('sa.Column("owner_id", sa.Integer(), nullable=False)')
    for stamp in ("created_at", "updated_at"):
        lines.append(
            f'sa.Column("{stamp}", sa.DateTime(timezone=True), '
            "server_default=sa.func.now(), nullable=False)"
        )
    foreign: list[tuple[str, str, str]] = []
    for view in views:
        if view.kind == "ref" and view.target is not None:
            ondelete = "SET NULL" if view.nullable else "RESTRICT"
            foreign.append((view.column, view.target.names.table, ondelete))
    if owner:
        foreign.append(("owner_id", "users", "CASCADE"))
    for column, table, ondelete in sorted(foreign):
        lines.append(
            f'sa.ForeignKeyConstraint(["{column}"], ["{table}.id"], '
            f'name=op.f("fk_{names.table}_{column}_{table}"), ondelete="{ondelete}")'
        )
    lines.append(f'sa.PrimaryKeyConstraint("id", name=op.f("pk_{names.table}"))')
    for view in views:
        if view.unique_per_owner:
            lines.append(
                f'sa.UniqueConstraint("owner_id", "{view.column}", '
                f'name=op.f("{view.owner_unique_constraint}"))'
            )
        elif view.unique and not view.field.index:
            lines.append(
                f'sa.UniqueConstraint("{view.column}", name=op.f("uq_{names.table}_{view.column}"))'
            )
    return lines


def _indexes(names: DomainNames, views: list[FieldView], owner: bool) -> list[tuple[str, bool]]:
    # A per-owner unique field keeps a plain index; its uniqueness is the two-column constraint.
    indexes = [
        (view.column, view.unique and not view.unique_per_owner)
        for view in views
        if view.field.index
    ]
    if owner:
        indexes.append(("owner_id", False))
    return sorted(indexes)


def create_block(names: DomainNames, views: list[FieldView], owner: bool) -> str:
    """Return the body lines that create the table and its indexes."""
    columns = "".join(f"        {line},\n" for line in _columns(names, views, owner))
    text = f'    op.create_table(\n        "{names.table}",\n{columns}    )\n'
    indexes = _indexes(names, views, owner)
    if indexes:
        text += f'    with op.batch_alter_table("{names.table}") as batch_op:\n'
        for column, unique in indexes:
            text += (
                f'        batch_op.create_index(batch_op.f("{_index_name(names.table, column)}"), '
                f'["{column}"], unique={unique})\n'
            )
    return text.rstrip("\n")


def drop_block(names: DomainNames, views: list[FieldView], owner: bool) -> str:
    """Return the body lines that drop the table and its indexes."""
    text = ""
    indexes = _indexes(names, views, owner)
    if indexes:
        text += f'    with op.batch_alter_table("{names.table}") as batch_op:\n'
        for column, _ in reversed(indexes):
            text += (
                f'        batch_op.drop_index(batch_op.f("{_index_name(names.table, column)}"))\n'
            )
    text += f'    op.drop_table("{names.table}")\n'
    return text.rstrip("\n")


def check_identifier_lengths(names: DomainNames, views: list[FieldView], owner: bool) -> None:
    """Refuse constraint and index names PostgreSQL would truncate.

    Raises:
        InvalidInputError: A generated identifier is longer than 63 characters.
    """
    identifiers = [_index_name(names.table, column) for column, _ in _indexes(names, views, owner)]
    for view in views:
        identifiers.append(f"uq_{names.table}_{view.column}")
        if view.unique_per_owner:
            identifiers.append(view.owner_unique_constraint)
        if view.kind == "ref" and view.target is not None:
            identifiers.append(f"fk_{names.table}_{view.column}_{view.target.names.table}")
    for identifier in identifiers:
        if len(identifier) > MAX_IDENTIFIER:
            raise InvalidInputError(
                f"The constraint name {identifier!r} would be longer than {MAX_IDENTIFIER} "
                "characters (PostgreSQL's limit); use shorter domain or field names"
            )


def render_migration(
    names: DomainNames,
    views: list[FieldView],
    *,
    owner: bool,
    revision: str,
    down_revision: str | None,
    create_date: str,
    drop: bool = False,
) -> MigrationFile:
    """Render the migration that creates (or, with ``drop``, drops) the domain's table.

    Args:
        names: The domain's names.
        views: Its fields.
        owner: Whether it has ``owner_id``.
        revision: The new revision id.
        down_revision: The current head.
        create_date: The creation timestamp to write.
        drop: Write a drop migration (its downgrade recreates the table).

    Returns:
        The migration file.
    """
    verb = "drop" if drop else "create"
    message = f"{verb.capitalize()} {names.table} table"
    text = render_template(
        "migration.py.jinja",
        {
            "message": message,
            "revision": revision,
            "down_revision": down_revision,
            "create_date": create_date,
            "drop": drop,
            "create_block": create_block(names, views, owner),
            "drop_block": drop_block(names, views, owner),
        },
    )
    path = f"migrations/versions/{revision}_{verb}_{names.table}_table.py"
    return MigrationFile(path, revision, down_revision, create_date, text)
