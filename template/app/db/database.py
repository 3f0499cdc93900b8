"""Engine, session factory, declarative base and the model registry."""

import asyncio
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event, func
from sqlalchemy.engine import AdaptedConnection, Connection, Dialect, make_url
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
    "SQLITE_WRITE_TIMEOUT_SECONDS",
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


# How long a write waits for SQLite's single write lock before failing with "database is locked".
SQLITE_WRITE_TIMEOUT_SECONDS = 30


def _configure_sqlite_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    # Let the events of _SQLiteWriteQueue control transactions (the driver's implicit ones
    # break SAVEPOINTs), and enforce foreign keys so ON DELETE and FK errors behave as on
    # PostgreSQL. WAL: readers never wait for the writer, nor the writer for readers.
    # synchronous stays FULL: a commit is on disk before its response (NORMAL is faster, and
    # can lose the last commits on a power cut).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Writers of other processes (more workers, a script) wait for the write lock this long.
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_WRITE_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


class _SQLiteWriteQueue:
    """Concurrent writes on SQLite wait for their turn and succeed, and reads never wait.

    SQLite has one write lock. A transaction that has read and then wants to write cannot wait
    for it: while another writer holds it, SQLite answers "database is locked" at once,
    whatever busy_timeout says. So a transaction begins nothing until its first write: its
    reads run on their own and see the latest committed data, as on PostgreSQL (READ
    COMMITTED). Its first write takes the lock for the rest of the transaction (BEGIN
    IMMEDIATE). Writers of this process take turns in arrival order on an asyncio lock, since
    SQLite's own waiting polls and starves some writers under load.
    """

    _PENDING = "sqlite_first_write_pending"
    _HOLDING = "sqlite_write_lock_held"

    def __init__(self) -> None:
        self._turn = asyncio.Lock()

    def listen(self, engine: AsyncEngine) -> None:
        """Register the events on `engine`."""
        event.listen(engine.sync_engine, "begin", self._begin)
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_execute)
        event.listen(engine.sync_engine, "commit", self._end)
        event.listen(engine.sync_engine, "rollback", self._end)
        # A connection lost in the middle of a transaction gives the lock back to the pool.
        event.listen(engine.sync_engine, "checkin", self._checkin)

    def _begin(self, connection: Connection) -> None:
        connection.info[self._PENDING] = True

    def _before_execute(
        self,
        connection: Connection,
        cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if not connection.info.get(self._PENDING) or _is_read(statement):
            return
        connection.info[self._PENDING] = False
        dbapi_connection = connection.connection.dbapi_connection
        assert isinstance(dbapi_connection, AdaptedConnection)  # aiosqlite, an asyncio driver
        dbapi_connection.run_async(lambda _driver_connection: self._wait_for_turn())
        connection.info[self._HOLDING] = True
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release(connection.info)
            raise

    async def _wait_for_turn(self) -> None:
        try:
            async with asyncio.timeout(SQLITE_WRITE_TIMEOUT_SECONDS):
                await self._turn.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None

    def _end(self, connection: Connection) -> None:
        if connection.invalidated:
            return  # its state is out of reach; checkin releases the lock
        connection.info.pop(self._PENDING, None)
        self._release(connection.info)

    def _checkin(self, _dbapi_connection: Any, connection_record: Any) -> None:
        self._release(connection_record.info)

    def _release(self, info: dict[Any, Any]) -> None:
        if info.pop(self._HOLDING, False):
            self._turn.release()


def _is_read(statement: str) -> bool:
    # Anything but a plain SELECT (INSERT, UPDATE, DELETE, SAVEPOINT, DDL, PRAGMA...) counts as
    # a write: taking the lock for a read costs a wait, missing it for a write costs an error.
    return statement.lstrip()[:6].upper() == "SELECT"


def build_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys, WAL and writes that wait their turn."""
    database = make_url(url)
    if database.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True)
    options: dict[str, Any] = {}
    if database.database not in {None, "", ":memory:"}:
        # A request waiting for the write lock keeps its connection: an unbounded pool lets
        # reads open more instead of queueing behind writers (a file handle and a thread each).
        options["max_overflow"] = -1
    engine = create_async_engine(url, echo=echo, pool_pre_ping=True, **options)
    event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
    _SQLiteWriteQueue().listen(engine)
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


# Model registry: import every model module here so Alembic and relationship() strings see
# them. Modules, not classes: a script that imports a model module first gets here while that
# module is only partly initialised, which `from app.models.user import User` cannot import.
from app.models import user  # noqa: E402, F401
