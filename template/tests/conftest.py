"""Shared fixtures: one database per run, one rolled-back transaction per test.

Tests run on a temporary SQLite file, or on PostgreSQL when TEST_DATABASE_URL is set
(for example `postgresql://postgres:postgres@localhost:5432/app_test`).
"""

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from httpx import ASGITransport, AsyncClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.api.dependencies import get_db
from app.core import security
from app.core.config import normalize_database_url
from app.core.security import create_access_token, hash_password
from app.core.throttling import login_throttle
from app.db.database import Base, build_engine
from app.main import app
from app.models.user import User

USER_PASSWORD = "user-password-123"
SUPERUSER_PASSWORD = "superuser-password-123"

# Production parameters make each hash slow on purpose, to resist brute force. Tests need hashes
# that verify, not strong ones: the cheapest Argon2 parameters keep the suite fast.
FAST_PASSWORD_HASH = PasswordHash(
    (Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1), BcryptHasher())
)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> Iterator[None]:
    """The app hashes with FAST_PASSWORD_HASH for the whole run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_password_hash", FAST_PASSWORD_HASH)
        yield


@pytest.fixture(autouse=True)
async def forget_failed_logins() -> None:
    """Each test starts with no failed logins counted (the throttle lives for the process)."""
    await login_throttle.storage.reset()


@pytest.fixture(scope="session")
async def engine(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncEngine]:
    """The test database, with the schema created once for the whole run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url is None:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    engine = build_engine(normalize_database_url(url))
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions on the test connection; their commits only release a SAVEPOINT."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging and inspecting data directly."""
    async with session_factory() as session:
        yield session


@pytest.fixture
async def client(
    session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncClient]:
    """An HTTP client for the app, whose requests run on the test connection."""

    async def get_test_db() -> AsyncIterator[AsyncSession]:
        # Same unit of work as app.api.dependencies.get_db, on the test connection.
        async with session_factory() as session, session.begin():
            yield session

    # monkeypatch undoes every override after the test, including those tests add.
    monkeypatch.setitem(app.dependency_overrides, get_db, get_test_db)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client


async def _create_user(
    session: AsyncSession, email: str, password: str, *, is_superuser: bool = False
) -> User:
    user = User(
        email=email,
        hashed_password=await hash_password(password),
        full_name="Test User",
        is_superuser=is_superuser,
    )
    session.add(user)
    await session.commit()
    return user


@pytest.fixture
async def user(session: AsyncSession) -> User:
    """A regular active user whose password is USER_PASSWORD."""
    return await _create_user(session, "user@example.com", USER_PASSWORD)


@pytest.fixture
async def superuser(session: AsyncSession) -> User:
    """A superuser whose password is SUPERUSER_PASSWORD."""
    return await _create_user(session, "admin@example.com", SUPERUSER_PASSWORD, is_superuser=True)


@pytest.fixture
def user_token_headers(user: User) -> dict[str, str]:
    """Authorization headers of `user`."""
    return {"Authorization": f"Bearer {create_access_token(user)}"}


@pytest.fixture
def superuser_token_headers(superuser: User) -> dict[str, str]:
    """Authorization headers of `superuser`."""
    return {"Authorization": f"Bearer {create_access_token(superuser)}"}
