"""Alembic environment: runs migrations through the app's async driver and metadata."""

import asyncio
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import settings
from app.db.database import Base, UTCDateTime  # also registers every model

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata

# Several `alembic upgrade head` may start at once (one per replica at a rollout): on PostgreSQL
# the first to take this advisory lock migrates, the others wait, then find nothing to do.
MIGRATION_LOCK = "alembic migrations"


def _render_item(type_: str, obj: object, _autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations store plain DateTime columns; the UTC handling lives in the model.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        # Batch mode turns ALTERs into table copies on SQLite; other databases ALTER in place.
        render_as_batch=True,
        render_item=_render_item,
        **options,
    )


def run_migrations_offline() -> None:
    """Emit the SQL without connecting (`alembic upgrade head --sql`)."""
    _configure(url=settings.DATABASE_URL, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_migrations(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    """Connect with the app's async driver and run the migrations."""
    # A plain engine, not the app's: SQLite must keep foreign keys off while batch mode copies
    # tables, or dropping the old copy would cascade deletes.
    engine = create_async_engine(settings.DATABASE_URL, poolclass=NullPool)
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # A session lock: held across the migrations' commits, released with the connection.
            await connection.execute(
                text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": MIGRATION_LOCK}
            )
            await connection.commit()
        await connection.run_sync(_run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
