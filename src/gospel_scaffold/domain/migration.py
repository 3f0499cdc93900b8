"""Alembic migrations written from the field spec: no database and no autogenerate needed.

The operations match what ``alembic revision --autogenerate`` would write for the generated
model under the project's naming convention, so ``alembic check`` finds no drift.
"""

from __future__ import annotations

import hashlib
import json
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
    "render_columns_migration",
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


def _association_create(names: DomainNames, view: FieldView) -> str:
    """The body lines that create the association table of a ``refs`` field."""
    assert view.target is not None
    table, own, link = view.association, view.own_column, view.link_column
    lines = [
        f'sa.Column("{own}", sa.Integer(), nullable=False)',
        f'sa.Column("{link}", sa.Integer(), nullable=False)',
    ]
    for column, other in sorted([(own, names.table), (link, view.target.names.table)]):
        lines.append(
            f'sa.ForeignKeyConstraint(["{column}"], ["{other}.id"], '
            f'name=op.f("fk_{table}_{column}_{other}"), ondelete="CASCADE")'
        )
    lines.append(f'sa.PrimaryKeyConstraint("{own}", "{link}", name=op.f("pk_{table}"))')
    columns = "".join(f"        {line},\n" for line in lines)
    return (
        f'    op.create_table(\n        "{table}",\n{columns}    )\n'
        f'    with op.batch_alter_table("{table}") as batch_op:\n'
        f'        batch_op.create_index(batch_op.f("{_index_name(table, link)}"), ["{link}"], '
        "unique=False)\n"
    )


def _association_drop(view: FieldView) -> str:
    """The body lines that drop the association table of a ``refs`` field."""
    table = view.association
    return (
        f'    with op.batch_alter_table("{table}") as batch_op:\n'
        f'        batch_op.drop_index(batch_op.f("{_index_name(table, view.link_column)}"))\n'
        f'    op.drop_table("{table}")\n'
    )


def _columns(names: DomainNames, views: list[FieldView], owner: bool) -> list[str]:
    views = [view for view in views if not view.many]
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
    """Return the body lines that create the table, its indexes and association tables."""
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
    text += "".join(_association_create(names, view) for view in views if view.many)
    return text.rstrip("\n")


def drop_block(names: DomainNames, views: list[FieldView], owner: bool) -> str:
    """Return the body lines that drop the association tables, the table and its indexes."""
    text = "".join(_association_drop(view) for view in reversed(views) if view.many)
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
        if view.many and view.target is not None:
            table = view.association
            identifiers += [
                f"pk_{table}",
                f"fk_{table}_{view.own_column}_{names.table}",
                f"fk_{table}_{view.link_column}_{view.target.names.table}",
                _index_name(table, view.link_column),
            ]
            continue
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
    create, drop_table = create_block(names, views, owner), drop_block(names, views, owner)
    text = _migration_text(
        f"{verb.capitalize()} {names.table} table",
        revision,
        down_revision,
        create_date,
        upgrade=drop_table if drop else create,
        downgrade=create if drop else drop_table,
    )
    path = f"migrations/versions/{revision}_{verb}_{names.table}_table.py"
    return MigrationFile(path, revision, down_revision, create_date, text)


def _migration_text(
    message: str,
    revision: str,
    down_revision: str | None,
    create_date: str,
    *,
    upgrade: str,
    downgrade: str,
) -> str:
    """An Alembic migration file: its header, then the two function bodies."""
    return render_template(
        "migration.py.jinja",
        {
            "message": message,
            "revision": revision,
            "down_revision": down_revision,
            "create_date": create_date,
            "upgrade": upgrade,
            "downgrade": downgrade,
        },
    )


_ZERO = {
    "str": '""',
    "text": '""',
    "int": '"0"',
    "bigint": '"0"',
    "float": '"0"',
    "decimal": '"0"',
    "date": '"1970-01-01"',
    "datetime": '"1970-01-01 00:00:00+00:00"',
    "uuid": '"00000000-0000-0000-0000-000000000000"',
    "json": '"{}"',
}


def _server_default(view: FieldView, *, restoring: bool) -> str | None:
    """The value existing rows get for a new non-null column (``None``: nullable, no need).

    A new field must have a default (add-field refuses one without); a column restored by a
    downgrade gets its default, or a zero value of its type (the dropped values are gone).
    """
    item = view.field
    if item.nullable or view.kind == "ref":
        return None
    if item.has_default:
        value = item.default
        if isinstance(value, bool):
            return "sa.true()" if value else "sa.false()"
        return json.dumps(str(value))
    if not restoring:
        return None
    if view.kind == "bool":
        return "sa.false()"
    if view.kind == "enum":
        return f'"{item.choices[0]}"'
    return _ZERO.get(view.kind)


def _add_columns(names: DomainNames, all_views: list[FieldView], *, restoring: bool) -> str:
    table = names.table
    views = [view for view in all_views if not view.many]
    associations = "".join(_association_create(names, view) for view in all_views if view.many)
    if not views:
        return associations.rstrip("\n")
    lines: list[str] = []
    defaults: list[str] = []
    for view in views:
        # A restored reference comes back nullable: the rows it pointed at cannot be known.
        nullable = view.nullable or (restoring and view.kind == "ref")
        default = _server_default(view, restoring=restoring)
        extra = ""
        if default is not None:
            extra = f", server_default={default}"
            defaults.append(view.column)
        lines.append(
            f'batch_op.add_column(sa.Column("{view.column}", {view.sa_type}, '
            f"nullable={nullable}{extra}))"
        )
    for view in views:
        if view.field.index:
            lines.append(
                f'batch_op.create_index(batch_op.f("{_index_name(table, view.column)}"), '
                f'["{view.column}"], unique={view.unique})'
            )
        elif view.unique:
            lines.append(
                f'batch_op.create_unique_constraint(batch_op.f("uq_{table}_{view.column}"), '
                f'["{view.column}"])'
            )
    for view in views:
        if view.kind == "ref" and view.target is not None:
            other = view.target.names.table
            ondelete = "SET NULL" if view.nullable or restoring else "RESTRICT"
            lines.append(
                f'batch_op.create_foreign_key(batch_op.f("fk_{table}_{view.column}_{other}"), '
                f'"{other}", ["{view.column}"], ["id"], ondelete="{ondelete}")'
            )
    text = f'    with op.batch_alter_table("{table}") as batch_op:\n'
    text += "".join(f"        {line}\n" for line in lines)
    if defaults:
        # The default filled the existing rows; the model sets values itself from now on.
        text += f'    with op.batch_alter_table("{table}") as batch_op:\n'
        text += "".join(
            f'        batch_op.alter_column("{column}", server_default=None)\n'
            for column in defaults
        )
    return (text + associations).rstrip("\n")


def _drop_columns(names: DomainNames, all_views: list[FieldView]) -> str:
    table = names.table
    views = [view for view in all_views if not view.many]
    text = "".join(_association_drop(view) for view in reversed(all_views) if view.many)
    if not views:
        return text.rstrip("\n")
    lines: list[str] = []
    for view in views:
        if view.kind == "ref" and view.target is not None:
            other = view.target.names.table
            lines.append(
                f'batch_op.drop_constraint(batch_op.f("fk_{table}_{view.column}_{other}"), '
                'type_="foreignkey")'
            )
    for view in views:
        if view.field.index:
            lines.append(f'batch_op.drop_index(batch_op.f("{_index_name(table, view.column)}"))')
        elif view.unique:
            lines.append(
                f'batch_op.drop_constraint(batch_op.f("uq_{table}_{view.column}"), type_="unique")'
            )
    lines.extend(f'batch_op.drop_column("{view.column}")' for view in views)
    text += f'    with op.batch_alter_table("{table}") as batch_op:\n'
    text += "".join(f"        {line}\n" for line in lines)
    return text.rstrip("\n")


def render_columns_migration(
    names: DomainNames,
    views: list[FieldView],
    *,
    revision: str,
    down_revision: str | None,
    create_date: str,
    drop: bool = False,
) -> MigrationFile:
    """Render the migration that adds (or, with ``drop``, drops) columns of an existing table.

    Written in batch mode, so it runs on SQLite (table copy) and PostgreSQL (``ALTER``) alike.

    Args:
        names: The domain's names.
        views: The fields added or dropped.
        revision: The new revision id.
        down_revision: The current head.
        create_date: The creation timestamp to write.
        drop: Drop the columns (the downgrade restores them).

    Returns:
        The migration file.
    """
    table = names.table
    parts = [view.association if view.many else view.column for view in views]
    columns = ", ".join(parts)
    verb = "drop" if drop else "add"
    message = f"{verb.capitalize()} {columns} {'from' if drop else 'to'} {table}"
    if drop:
        upgrade, downgrade = _drop_columns(names, views), _add_columns(names, views, restoring=True)
    else:
        upgrade, downgrade = (
            _add_columns(names, views, restoring=False),
            _drop_columns(names, views),
        )
    text = _migration_text(
        message, revision, down_revision, create_date, upgrade=upgrade, downgrade=downgrade
    )
    slug = "_".join(parts)
    if len(slug) > 40:
        slug = f"{len(views)}_fields"
    path = f"migrations/versions/{revision}_{verb}_{slug}_{'from' if drop else 'to'}_{table}.py"
    return MigrationFile(path, revision, down_revision, create_date, text)
