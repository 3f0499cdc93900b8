import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from app.db import database
from app.db.database import build_engine
from app.models.user import User


async def test_timestamps_read_back_timezone_aware(session: AsyncSession, user: User) -> None:
    await session.refresh(user)

    assert user.created_at.tzinfo is not None
    assert user.updated_at.tzinfo is not None
    assert user.updated_at >= user.created_at


async def test_updated_at_moves_on_update(session: AsyncSession, user: User) -> None:
    created_at, updated_at = user.created_at, user.updated_at

    user.full_name = "Renamed"
    await session.flush()

    assert user.created_at == created_at
    assert user.updated_at > updated_at


@pytest.fixture
async def postgres_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An engine of its own on the PostgreSQL test database, as the served app has."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL connection handling")
    own = build_engine(engine.url.render_as_string(hide_password=False))
    yield own
    await own.dispose()


async def _backend_state(engine: AsyncEngine, pid: int) -> str | None:
    # Asked on a connection of its own: pg_stat_activity shows every other backend's state.
    async with engine.connect() as connection:
        query = text("SELECT state FROM pg_stat_activity WHERE pid = :pid")
        state: str | None = await connection.scalar(query, {"pid": pid})
        return state


async def test_a_transaction_that_only_reads_holds_none_open_on_postgresql(
    postgres_engine: AsyncEngine,
) -> None:
    async with async_sessionmaker(postgres_engine).begin() as session:
        pid = await session.scalar(text("SELECT pg_backend_pid()"))
        await session.scalar(select(User).limit(1))

        assert await _backend_state(postgres_engine, pid) == "idle"


async def test_a_write_after_reads_begins_a_transaction_that_rolls_back_whole(
    postgres_engine: AsyncEngine,
) -> None:
    email = "rolled-back@example.com"
    sessions = async_sessionmaker(postgres_engine)

    states: list[str | None] = []

    async def request_that_fails_after_its_write() -> None:
        async with sessions.begin() as session:
            pid = await session.scalar(text("SELECT pg_backend_pid()"))
            await session.scalar(select(User).where(User.email == email))
            session.add(User(email=email, hashed_password="not-a-real-hash"))
            await session.flush()
            states.append(await _backend_state(postgres_engine, pid))
            raise RuntimeError("the request fails after its write")

    with pytest.raises(RuntimeError, match="after its write"):
        await request_that_fails_after_its_write()

    assert states == ["idle in transaction"]
    async with sessions() as session:
        assert await session.scalar(select(User).where(User.email == email)) is None


async def test_a_connection_the_server_dropped_is_replaced_before_it_is_used(
    postgres_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "POOL_PING_AFTER_IDLE_SECONDS", 0)
    async with postgres_engine.connect() as connection:
        pid = await connection.scalar(text("SELECT pg_backend_pid()"))
    # Back in the pool, the connection is ended by the server, as by a restart.
    url = postgres_engine.url.render_as_string(hide_password=False)
    outside = create_async_engine(url, poolclass=NullPool)
    async with outside.connect() as admin:
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    for _ in range(50):
        if await _backend_state(outside, pid) is None:
            break
        await asyncio.sleep(0.1)
    await outside.dispose()

    async with postgres_engine.connect() as connection:
        assert await connection.scalar(text("SELECT pg_backend_pid()")) != pid
