from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.api import dependencies
from app.api.dependencies import get_db
from app.models.user import User

session_scope = asynccontextmanager(get_db)


def new_user() -> User:
    return User(email="uow@example.com", hashed_password="not-a-real-hash")


async def find_user(session: AsyncSession) -> User | None:
    return await session.scalar(select(User).where(User.email == "uow@example.com"))


@pytest.fixture(autouse=True)
def sessions_on_the_test_connection(
    monkeypatch: pytest.MonkeyPatch, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    monkeypatch.setattr(dependencies, "AsyncSessionLocal", session_factory)


async def test_get_db_commits_when_the_request_succeeds(session: AsyncSession) -> None:
    async with session_scope() as db:
        db.add(new_user())

    assert await find_user(session) is not None


async def test_get_db_rolls_back_when_the_request_fails(session: AsyncSession) -> None:
    async def failing_request() -> None:
        async with session_scope() as db:
            db.add(new_user())
            await db.flush()
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError, match="handler failed"):
        await failing_request()

    assert await find_user(session) is None
