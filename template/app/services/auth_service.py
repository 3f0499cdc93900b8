"""Authentication: credentials in, access tokens out, tokens back to users."""

from app.core.exceptions import ForbiddenError, UnauthorizedError
from app.core.security import (
    create_access_token,
    decode_access_token,
    verify_dummy_password,
    verify_password,
)
from app.models.user import User
from app.repositories.user_repository import UserRepository

__all__ = ["AuthService"]

# One message for unknown emails and wrong passwords: no account enumeration.
_BAD_CREDENTIALS = "Incorrect email or password"


class AuthService:
    """Logins and token checks."""

    def __init__(self, users: UserRepository) -> None:
        self.users = users

    async def authenticate(self, email: str, password: str) -> User:
        """Return the active user owning these credentials, upgrading an outdated hash."""
        user = await self.users.get_by_email(email.strip().lower())
        if user is None:
            # Verify anyway so unknown emails answer as slowly as wrong passwords.
            await verify_dummy_password(password)
            raise UnauthorizedError(_BAD_CREDENTIALS)
        verified, new_hash = await verify_password(password, user.hashed_password)
        if not verified:
            raise UnauthorizedError(_BAD_CREDENTIALS)
        if not user.is_active:
            raise ForbiddenError("Inactive user")
        if new_hash is not None:
            await self.users.update(user, {"hashed_password": new_hash})
        return user

    async def login(self, email: str, password: str) -> str:
        """Return an access token for valid credentials."""
        user = await self.authenticate(email, password)
        return create_access_token(user.id)

    async def user_from_token(self, token: str) -> User:
        """Return the user a valid token was issued to."""
        payload = decode_access_token(token)
        if payload is None or not payload.sub.isdecimal():
            raise UnauthorizedError("Could not validate credentials")
        user = await self.users.get(int(payload.sub))
        if user is None:
            raise UnauthorizedError("Could not validate credentials")
        return user
