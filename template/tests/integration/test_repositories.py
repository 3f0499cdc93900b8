from sqlalchemy.ext.asyncio import AsyncSession

from app.models.user import User
from app.repositories.user_repository import UserRepository


async def test_get_returns_the_row_with_this_id_or_none(session: AsyncSession, user: User) -> None:
    users = UserRepository(session)

    assert await users.get(user.id) is user
    assert await users.get(user.id + 1000) is None


async def test_a_page_filters_on_values_and_on_null(session: AsyncSession) -> None:
    named = User(email="named@example.com", hashed_password="x", full_name="Named")
    unnamed = [User(email=f"n{i}@example.com", hashed_password="x") for i in range(3)]
    session.add_all([named, *unnamed])
    await session.flush()
    users = UserRepository(session)

    assert await users.page(full_name="Named") == ([named], 1)
    assert await users.page(full_name=None, offset=1, limit=1) == ([unnamed[1]], 3)
    # Past the last page: no rows, and still the total.
    assert await users.page(full_name=None, offset=5) == ([], 3)
