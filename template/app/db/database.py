"""Engine, session factory, declarative base and the model registry."""

import asyncio
import re
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event, func
from sqlalchemy.engine import AdaptedConnection, Connection, Dialect, make_url
from sqlalchemy.exc import InvalidatePoolError
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
    "POOL_PING_AFTER_IDLE_SECONDS",
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


POOL_PING_AFTER_IDLE_SECONDS = 1.0
"""A pooled connection idle for longer than this is pinged before a request uses it."""


class _PingAfterIdle:
    """A connection the server dropped (a restart, an idle timeout) is replaced before use.

    SQLAlchemy's pool_pre_ping does so with a round trip before every request; this pings only
    connections that sat idle in the pool, so a busy app pays nothing: a connection used a
    moment ago was alive then, and one the server drops while it is in use fails either way.
    """

    _IDLE_SINCE = "idle_since"

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.sync_engine

    def listen(self) -> None:
        """Register the events on the engine."""
        event.listen(self._engine, "checkin", self._checkin)
        event.listen(self._engine, "checkout", self._checkout)

    def _checkin(self, _dbapi_connection: Any, connection_record: Any) -> None:
        connection_record.info[self._IDLE_SINCE] = time.monotonic()

    def _checkout(self, dbapi_connection: Any, connection_record: Any, _proxy: Any) -> None:
        idle_since = connection_record.info.pop(self._IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < POOL_PING_AFTER_IDLE_SECONDS:
            return
        try:
            self._engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool replaces this connection and every one pooled before it, then retries.
            raise InvalidatePoolError(str(error)) from error


class _BeginAtFirstWrite:
    """PostgreSQL: a transaction begins at its first write; a request that only reads begins none.

    A read-only request then costs no BEGIN and no COMMIT, two round trips of its three or four.
    Reads before the first write see the latest committed data, as each statement of a
    transaction does under PostgreSQL's default READ COMMITTED; a locking read (FOR UPDATE)
    counts as a write. The connection stays in the driver's autocommit mode until a write turns
    it off, and goes back to it when the transaction ends.
    """

    def listen(self, engine: AsyncEngine) -> None:
        """Register the events on `engine`."""
        event.listen(engine.sync_engine, "connect", self._autocommit)
        event.listen(engine.sync_engine, "before_cursor_execute", self._before_execute)
        # Before the driver's own commit or rollback, which end the transaction it began.
        event.listen(engine.sync_engine, "commit", self._end)
        event.listen(engine.sync_engine, "rollback", self._end)
        event.listen(engine.sync_engine, "checkin", self._autocommit)

    @staticmethod
    def _autocommit(dbapi_connection: Any, _connection_record: Any) -> None:
        if dbapi_connection is not None:  # None: invalidated, and discarded
            dbapi_connection.autocommit = True

    @staticmethod
    def _before_execute(
        connection: Connection,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if connection.in_transaction() and not _is_read(statement, locking_reads=True):
            # The driver begins a transaction at its next statement: this one.
            connection.connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]

    @staticmethod
    def _end(connection: Connection) -> None:
        if not connection.invalidated:
            connection.connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]


_LOCKING_READ = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


def _is_read(statement: str, *, locking_reads: bool = False) -> bool:
    # Anything but a plain SELECT (INSERT, UPDATE, DELETE, SAVEPOINT, DDL, PRAGMA...) counts as
    # a write: taking the lock for a read costs a wait, missing it for a write costs an error.
    if statement.lstrip()[:6].upper() != "SELECT":
        return False
    return not (locking_reads and _LOCKING_READ.search(statement))


def build_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create an async engine; SQLite gets foreign keys, WAL and writes that wait their turn."""
    database = make_url(url)
    if database.get_backend_name() != "sqlite":
        # 15 connections, all kept: a pool that opened extra ones under load and closed them
        # when they came back would pay a new connection for most requests of a busy worker.
        engine = create_async_engine(url, echo=echo, pool_size=15, max_overflow=0)
        _PingAfterIdle(engine).listen()
        if database.get_driver_name() == "asyncpg":
            _BeginAtFirstWrite().listen(engine)
        return engine
    options: dict[str, Any] = {}
    if database.database not in {None, "", ":memory:"}:
        # A request waiting for the write lock keeps its connection: an unbounded pool lets
        # reads open more instead of queueing behind writers (a file handle and a thread each),
        # and keeps 32 of them, so a busy worker does not reopen one for each request.
        options["max_overflow"] = -1
        options["pool_size"] = 32
    # No pool_pre_ping: a file cannot go away between two requests as a server can.
    engine = create_async_engine(url, echo=echo, **options)
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
