"""Queries on users."""

from sqlalchemy import select

from app.models.user import User
from app.repositories.base import RepositoryBase

__all__ = ["UserRepository"]


class UserRepository(RepositoryBase[User]):
    """Users by id or email."""

    model = User

    async def get_by_email(self, email: str) -> User | None:
        """Return the user with this (lowercase) email, or None."""
        return await self.session.scalar(select(User).where(User.email == email))
