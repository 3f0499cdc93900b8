import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.initial_data import create_first_superuser
from app.models.user import User
from app.repositories.user_repository import UserRepository
from app.services.user_service import UserService


def make_settings(email: str | None, password: str | None) -> Settings:
    return Settings.model_validate(
        {
            "SECRET_KEY": "k" * 64,
            "FIRST_SUPERUSER_EMAIL": email,
            "FIRST_SUPERUSER_PASSWORD": password,
        }
    )


async def test_first_superuser_is_created_once(session: AsyncSession) -> None:
    service = UserService(UserRepository(session))
    config = make_settings("root@example.com", "root-password-123")

    created = await create_first_superuser(service, config)
    again = await create_first_superuser(service, config)

    assert created is not None
    assert created.is_superuser
    assert again is None
    count = await session.scalar(
        select(func.count()).select_from(User).where(User.email == "root@example.com")
    )
    assert count == 1


@pytest.mark.parametrize(
    ("email", "password"), [(None, "root-password-123"), ("root@example.com", None)]
)
async def test_first_superuser_is_skipped_when_not_configured(
    session: AsyncSession, email: str | None, password: str | None
) -> None:
    service = UserService(UserRepository(session))

    assert await create_first_superuser(service, make_settings(email, password)) is None
