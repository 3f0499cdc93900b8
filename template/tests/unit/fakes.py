"""In-memory stand-ins for repositories, so services can be tested without a database."""

from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any

from app.models.user import User
from app.repositories.user_repository import UserRepository


class InMemoryUserRepository(UserRepository):
    """A UserRepository backed by a dict; same API, no session."""

    def __init__(self, *users: User) -> None:
        # No session on purpose: every method the services use is overridden below.
        self.rows: dict[int, User] = {}
        self._ids = count(1)
        for user in users:
            self._store(user)

    def _store(self, user: User) -> User:
        user.id = next(self._ids)
        self.rows[user.id] = user
        return user

    async def get(self, id_: int) -> User | None:
        return self.rows.get(id_)

    async def get_by_email(self, email: str) -> User | None:
        return next((user for user in self.rows.values() if user.email == email), None)

    async def list(self, *, offset: int = 0, limit: int = 100, **filters: Any) -> Sequence[User]:
        matches = [
            user
            for user in self.rows.values()
            if all(getattr(user, name) == value for name, value in filters.items())
        ]
        return matches[offset : offset + limit]

    async def count(self, **filters: Any) -> int:
        return len(await self.list(limit=len(self.rows), **filters))

    async def page(
        self, *, offset: int = 0, limit: int = 100, **filters: Any
    ) -> tuple[Sequence[User], int]:
        return await self.list(offset=offset, limit=limit, **filters), await self.count(**filters)

    async def add(self, obj: User) -> User:
        return self._store(obj)

    async def update(self, obj: User, values: Mapping[str, Any]) -> User:
        for name, value in values.items():
            setattr(obj, name, value)
        return obj

    async def delete(self, obj: User) -> None:
        del self.rows[obj.id]
