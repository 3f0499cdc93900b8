"""Account management: sign-up, profile changes, passwords, administration."""

from collections.abc import Sequence

from app.core.exceptions import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from app.core.security import hash_password, verify_password
from app.models.user import User
from app.repositories.user_repository import UserRepository
from app.schemas.user import PasswordChange, UserCreate, UserUpdate, UserUpdateMe

__all__ = ["UserService"]


class UserService:
    """Business rules of user accounts."""

    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def create(self, data: UserCreate, *, is_superuser: bool = False) -> User:
        """Create an account; a taken email is a conflict."""
        # Hashed before the first query, so the slow part holds no database connection, and a
        # taken email answers as slowly as a new one.
        hashed_password = await hash_password(data.password)
        await self._ensure_email_available(data.email)
        user = User(
            email=data.email,
            hashed_password=hashed_password,
            full_name=data.full_name,
            is_active=True,
            is_superuser=is_superuser,
        )
        return await self.users.add(user)

    async def get(self, user_id: int) -> User:
        """Return a user or raise NotFoundError."""
        user = await self.users.get(user_id)
        if user is None:
            raise NotFoundError("User", user_id)
        return user

    async def list(self, *, offset: int, limit: int) -> tuple[Sequence[User], int]:
        """Return one page of users and the total count."""
        return await self.users.page(offset=offset, limit=limit)

    async def update(self, user: User, data: UserUpdate | UserUpdateMe) -> User:
        """Apply the fields present in `data`; a password is stored hashed."""
        values = data.model_dump(exclude_unset=True)
        if "email" in values and values["email"] != user.email:
            await self._ensure_email_available(values["email"])
        if "password" in values:
            values["hashed_password"] = await hash_password(values.pop("password"))
        return await self.users.update(user, values)

    async def change_password(self, user: User, data: PasswordChange) -> None:
        """Replace the password after checking the current one."""
        verified, _ = await verify_password(data.current_password, user.hashed_password)
        if not verified:
            raise BadRequestError("Incorrect password")
        if data.new_password == data.current_password:
            raise BadRequestError("The new password must differ from the current one")
        new_hash = await hash_password(data.new_password)
        await self.users.update(user, {"hashed_password": new_hash})

    async def delete(self, user: User, *, acting_user: User) -> None:
        """Delete an account; superusers cannot delete their own, so nobody locks themselves out."""
        if user.id == acting_user.id:
            raise ForbiddenError("Superusers cannot delete their own account")
        await self.users.delete(user)

    async def _ensure_email_available(self, email: str) -> None:
        # A race between this check and the insert still ends in a 409: see main.py.
        if await self.users.get_by_email(email) is not None:
            raise ConflictError("A user with this email already exists")
