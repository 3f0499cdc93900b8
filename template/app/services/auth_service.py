"""Authentication: credentials in, access tokens out, tokens back to users."""

import hmac

from app.core.exceptions import ForbiddenError, TooManyRequestsError, UnauthorizedError
from app.core.security import (
    create_access_token,
    credentials_fingerprint,
    decode_access_token,
    password_hashing_turn,
    verify_dummy_password,
    verify_password,
)
from app.core.throttling import LoginThrottle
from app.models.user import User
from app.repositories.user_repository import UserRepository

__all__ = ["AuthService"]

# One message for unknown emails and wrong passwords: no account enumeration.
_BAD_CREDENTIALS = "Incorrect email or password"
_BAD_TOKEN = "Could not validate credentials"


class AuthService:
    """Logins and token checks."""

    def __init__(self, users: UserRepository, throttle: LoginThrottle) -> None:
        self.users = users
        self.throttle = throttle

    async def authenticate(self, email: str, password: str) -> User:
        """Return the active user owning these credentials, upgrading an outdated hash."""
        # The turn before the query: waiting for the hasher, a login holds no connection.
        async with password_hashing_turn():
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

    async def login(self, email: str, password: str, *, client: str) -> str:
        """Return an access token for valid credentials, unless `client` or the account is
        throttled after too many failures."""
        account = email.strip().lower()
        # Checked before the password, so a throttled attacker learns nothing from guesses.
        wait = await self.throttle.retry_after(account=account, client=client)
        if wait is not None:
            raise TooManyRequestsError("Too many failed logins; try again later", retry_after=wait)
        try:
            user = await self.authenticate(account, password)
        except UnauthorizedError:
            await self.throttle.record_failure(account=account, client=client)
            raise
        await self.throttle.record_success(account=account)
        return create_access_token(user)

    async def user_from_token(self, token: str) -> User:
        """Return the user a valid token was issued to, if their credentials are unchanged."""
        payload = decode_access_token(token)
        if payload is None:
            raise UnauthorizedError(_BAD_TOKEN)
        user = await self.users.get(payload.sub)
        # A token outlives no change of email, password or status: its fingerprint would differ.
        if user is None or not hmac.compare_digest(
            payload.fpr.encode(), credentials_fingerprint(user).encode()
        ):
            raise UnauthorizedError(_BAD_TOKEN)
        return user
