"""Concurrent requests, served as in production: writes wait their turn and none fails.

The other tests share one connection. These give the app an engine of its own on the test
database (a SQLite file, or TEST_DATABASE_URL) and send it requests concurrently; the rows
they commit are deleted afterwards.
"""

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import QueuePool

from app.api import dependencies
from app.core import security
from app.core.security import PASSWORD_HASHING_THREADS, create_access_token
from app.db.database import build_engine
from app.main import app
from app.models.user import User

DOMAIN = "concurrency.example.com"


@pytest.fixture
async def served_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An engine of its own on the test database, as the served app has; cleaned up after."""
    served = build_engine(engine.url.render_as_string(hide_password=False))
    yield served
    async with served.begin() as connection:
        await connection.execute(delete(User).where(User.email.endswith(f"@{DOMAIN}")))
    await served.dispose()


@pytest.fixture
def served_sessions(
    served_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> async_sessionmaker[AsyncSession]:
    """The app's sessions, on the served engine."""
    sessions = async_sessionmaker(served_engine, expire_on_commit=False)
    monkeypatch.setattr(dependencies, "AsyncSessionLocal", sessions)
    return sessions


@pytest.fixture
async def served_client(
    served_sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncClient]:
    """A client of the served app; a server error comes back as a 500, to be counted."""
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def register(client: AsyncClient, email: str) -> Response:
    body = {"email": email, "password": "concurrent-password-123"}
    return await client.post("/api/v1/auth/register", json=body)


async def add_users(sessions: async_sessionmaker[AsyncSession], *emails: str) -> list[User]:
    users = [User(email=email, hashed_password="not-a-real-hash") for email in emails]
    async with sessions.begin() as session:
        session.add_all(users)
    return users


async def count_users(sessions: async_sessionmaker[AsyncSession], *emails: str) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(User).where(User.email.in_(emails))
        return await session.scalar(query) or 0


def checked_out(engine: AsyncEngine) -> int:
    """How many of the engine's pooled connections are in use."""
    pool = engine.pool
    assert isinstance(pool, QueuePool)  # build_engine's pools, on SQLite files and PostgreSQL
    return pool.checkedout()


def token_headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_access_token(user)}"}


async def test_concurrent_registrations_all_succeed(
    served_sessions: async_sessionmaker[AsyncSession], served_client: AsyncClient
) -> None:
    emails = [f"user{i}@{DOMAIN}" for i in range(50)]

    responses = await asyncio.gather(*(register(served_client, email) for email in emails))

    assert Counter(r.status_code for r in responses) == {201: 50}
    assert await count_users(served_sessions, *emails) == 50


async def test_concurrent_duplicate_registrations_make_one_account_and_conflicts(
    served_sessions: async_sessionmaker[AsyncSession], served_client: AsyncClient
) -> None:
    email = f"twin@{DOMAIN}"

    responses = await asyncio.gather(*(register(served_client, email) for _ in range(20)))

    assert Counter(r.status_code for r in responses) == {201: 1, 409: 19}
    assert await count_users(served_sessions, email) == 1


async def test_concurrent_updates_that_read_before_writing_all_succeed(
    served_sessions: async_sessionmaker[AsyncSession], served_client: AsyncClient
) -> None:
    # Each request reads its user (authentication) before it writes: once a SQLite transaction
    # has read, it cannot wait for another writer's lock and fails with "database is locked".
    users = await add_users(served_sessions, *(f"user{i}@{DOMAIN}" for i in range(50)))

    responses = await asyncio.gather(
        *(
            served_client.patch(
                "/api/v1/users/me", headers=token_headers(user), json={"full_name": user.email}
            )
            for user in users
        )
    )

    assert Counter(r.status_code for r in responses) == {200: 50}
    async with served_sessions() as session:
        names = await session.scalars(
            select(User.full_name).where(User.email.endswith(f"@{DOMAIN}"))
        )
        assert set(names) == {user.email for user in users}


async def test_reads_pass_a_pending_write_and_writes_wait_for_it(
    served_sessions: async_sessionmaker[AsyncSession], served_client: AsyncClient
) -> None:
    [reader] = await add_users(served_sessions, f"reader@{DOMAIN}")

    async with served_sessions.begin() as pending:
        pending.add(User(email=f"pending@{DOMAIN}", hashed_password="not-a-real-hash"))
        await pending.flush()  # on SQLite, holds the write lock until this block commits
        read = await asyncio.wait_for(
            served_client.get("/api/v1/users/me", headers=token_headers(reader)), timeout=10
        )
        waiting = asyncio.create_task(register(served_client, f"waiting@{DOMAIN}"))
        await asyncio.sleep(0.1)  # let the registration reach its write

    assert read.status_code == 200
    assert (await asyncio.wait_for(waiting, timeout=10)).status_code == 201
    assert await count_users(served_sessions, f"pending@{DOMAIN}", f"waiting@{DOMAIN}") == 2


async def test_a_connection_lost_in_the_middle_of_a_write_does_not_block_later_writes(
    served_engine: AsyncEngine,
) -> None:
    async with served_engine.connect() as connection:
        await connection.execute(insert(User).values(email=f"lost@{DOMAIN}", hashed_password="-"))
        driver_connection = (await connection.get_raw_connection()).driver_connection
        assert driver_connection is not None
        await driver_connection.close()  # as when the database connection breaks
        with pytest.raises(DBAPIError):
            await connection.execute(select(User.id))

    async with served_engine.begin() as connection:
        await asyncio.wait_for(
            connection.execute(insert(User).values(email=f"next@{DOMAIN}", hashed_password="-")),
            timeout=10,
        )


async def test_a_request_that_finds_no_free_connection_in_time_is_told_to_retry(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One connection, and a short wait for it: the test holds it, so the request finds none.
    url = engine.url.render_as_string(hide_password=False)
    busy = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    monkeypatch.setattr(dependencies, "AsyncSessionLocal", async_sessionmaker(busy))
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with (
            busy.connect() as held,
            AsyncClient(transport=transport, base_url="http://test") as client,
        ):
            await held.execute(select(1))
            response = await register(client, f"busy@{DOMAIN}")
    finally:
        await busy.dispose()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json() == {"detail": "The service is busy; try again shortly"}


async def test_logins_waiting_for_the_password_hasher_hold_no_database_connection(
    served_engine: AsyncEngine, served_client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A burst of logins must not take every pooled connection while the hasher is busy: the
    # other requests would wait behind it.
    email, password = f"burst@{DOMAIN}", "concurrent-password-123"
    assert (await register(served_client, email)).status_code == 201
    hashing, go_on = threading.Semaphore(0), threading.Event()
    verify = security._password_hash.verify_and_update

    def busy_verify(given: str, stored: str) -> tuple[bool, str | None]:
        hashing.release()
        go_on.wait(timeout=30)
        return verify(given, stored)

    monkeypatch.setattr(security._password_hash, "verify_and_update", busy_verify)
    credentials = {"email": email, "password": password}
    logins = [
        asyncio.create_task(served_client.post("/api/v1/auth/login", json=credentials))
        for _ in range(10)
    ]
    try:
        for _ in range(PASSWORD_HASHING_THREADS):
            await asyncio.to_thread(hashing.acquire, timeout=30)
        # Time for the other logins to reach their query, if they ran it before waiting.
        held = checked_out(served_engine)
        for _ in range(20):
            await asyncio.sleep(0.05)
            held = max(held, checked_out(served_engine))
    finally:
        go_on.set()
    answers = await asyncio.gather(*logins)

    assert held <= PASSWORD_HASHING_THREADS
    assert Counter(answer.status_code for answer in answers) == {200: 10}
