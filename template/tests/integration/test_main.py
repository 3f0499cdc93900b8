import gc
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from app.api.dependencies import get_db
from app.main import app, lifespan
from app.models.user import User


async def test_health_reports_the_process_is_up(client: AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}


async def test_readiness_checks_the_database(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readiness_is_503_when_the_database_is_down(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    class UnreachableDatabase:
        async def execute(self, *_args: object) -> None:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError())

    async def get_unreachable_db() -> AsyncIterator[UnreachableDatabase]:
        yield UnreachableDatabase()

    monkeypatch.setitem(app.dependency_overrides, get_db, get_unreachable_db)

    response = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def test_a_failed_commit_is_not_answered_with_success(
    session_factory: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse_commit(_session: Session) -> None:
        raise RuntimeError("the database refused the commit")

    async def get_failing_db() -> AsyncIterator[AsyncSession]:
        async with session_factory() as request_session, request_session.begin():
            event.listen(request_session.sync_session, "before_commit", refuse_commit)
            yield request_session

    monkeypatch.setitem(app.dependency_overrides, get_db, get_failing_db)
    # The commit runs before the response is sent, so its failure becomes the response.
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/api/v1/auth/register",
            json={"email": "lost@example.com", "password": "strongpassword123"},
        )

    assert response.status_code == 500
    assert await session.scalar(select(User).where(User.email == "lost@example.com")) is None


async def test_a_unique_email_race_is_answered_with_409(
    client: AsyncClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def email_looks_free(*_args: object) -> None:
        return None

    # Simulate a concurrent sign-up that slipped in between the check and the insert.
    monkeypatch.setattr(
        "app.repositories.user_repository.UserRepository.get_by_email", email_looks_free
    )

    response = await client.post(
        "/api/v1/auth/register", json={"email": user.email, "password": "strongpassword123"}
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "The request conflicts with existing data"}


async def test_openapi_schema_is_served_under_the_api_prefix(client: AsyncClient) -> None:
    response = await client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/auth/token" in response.json()["paths"]


async def test_lifespan_starts_and_stops_cleanly() -> None:
    async with lifespan(app):
        pass


async def test_serving_collects_garbage_rarely_and_stopping_restores_the_collector() -> None:
    before = gc.get_threshold()

    async with lifespan(app):
        serving = gc.get_threshold()
        frozen = gc.get_freeze_count()

    assert serving[0] > before[0]
    assert frozen > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
