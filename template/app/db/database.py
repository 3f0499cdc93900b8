"""Engine, session factory, declarative base and the model registry."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event, func
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.core.config import settings

__all__ = [
    "NAMING_CONVENTION",
    "AsyncSessionLocal",
    "Base",
    "TimestampMixin",
    "UTCDateTime",
    "build_engine",
    "engine",
]

# Deterministic constraint names, so migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _configure_sqlite_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (the driver's implicit transactions break SAVEPOINTs)
    # and enforce foreign keys, so ON DELETE and FK errors behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def build_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys and real transactions."""
    engine = create_async_engine(url, echo=echo, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        event.listen(engine.sync_engine, "begin", _begin_sqlite_transaction)
    return engine


engine = build_engine(settings.DATABASE_URL, echo=settings.DB_ECHO)
# expire_on_commit=False: objects stay readable after the commit, without lazy IO.
AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite drops the zone, so it is restored on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TimestampMixin:
    """`created_at` and `updated_at`, set in Python so they never need a reload after a flush."""

    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=_utcnow, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=_utcnow, onupdate=_utcnow, server_default=func.now()
    )


# Model registry: import every model here so Alembic and relationship() strings see it.
from app.models.user import User  # noqa: E402, F401
