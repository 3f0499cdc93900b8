from sqlalchemy.ext.asyncio import AsyncSession

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
