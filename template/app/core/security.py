"""Password hashing and JWT access tokens."""

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher
from pydantic import ValidationError

from app.core.config import settings
from app.schemas.auth import TokenPayload

if TYPE_CHECKING:
    # Annotations only: importing a model first would enter the model registry's import cycle.
    from app.models.user import User

__all__ = [
    "PASSWORD_HASHING_THREADS",
    "create_access_token",
    "credentials_fingerprint",
    "decode_access_token",
    "hash_password",
    "password_hashing_turn",
    "verify_dummy_password",
    "verify_password",
]

# New hashes use Argon2; bcrypt hashes (imported users) still verify and are upgraded on login.
_password_hash = PasswordHash((Argon2Hasher(), BcryptHasher()))

# Hashing is slow on purpose, so it runs in worker threads instead of blocking the event loop.
# Each Argon2 hash holds 64 MiB while it runs: a pool of its own, of two threads, bounds what a
# burst of logins takes (a container has a memory limit), and more would not hash faster on
# the one CPU a worker process uses.
PASSWORD_HASHING_THREADS = 2
_hashing = ThreadPoolExecutor(PASSWORD_HASHING_THREADS, thread_name_prefix="password-hashing")
# One turn per thread: hashing in a turn never queues for a thread.
_turns = asyncio.Semaphore(PASSWORD_HASHING_THREADS)
_holding_turn: ContextVar[bool] = ContextVar("holding_password_hashing_turn", default=False)


@asynccontextmanager
async def password_hashing_turn() -> AsyncIterator[None]:
    """Hold a hashing thread for the block: the hashing inside it waits for none.

    Take it before the query that reads a password hash, so a burst of logins waits here
    holding nothing, not every pooled database connection while the threads are busy.
    """
    if _holding_turn.get():
        yield
        return
    async with _turns:
        token = _holding_turn.set(True)
        try:
            yield
        finally:
            _holding_turn.reset(token)


async def hash_password(password: str) -> str:
    """Hash a password with the current algorithm."""
    async with password_hashing_turn():
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_hashing, _password_hash.hash, password)


async def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Check a password; also return a fresh hash when the stored one is outdated."""
    async with password_hashing_turn():
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            _hashing, _password_hash.verify_and_update, password, password_hash
        )


async def verify_dummy_password(password: str) -> None:
    """Take as long as verify_password, for logins whose email matches no account."""
    async with password_hashing_turn():
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(_hashing, _verify_against_dummy, password)


def _verify_against_dummy(password: str) -> None:
    _password_hash.verify(password, _dummy_hash())


# Made on first use, not at import, so it costs what the hasher in use costs.
@cache
def _dummy_hash() -> str:
    return _password_hash.hash("timing-safe-dummy-password")


def credentials_fingerprint(user: "User") -> str:
    """A keyed digest of the user's credentials: it changes with the email, password or status.

    Tokens carry it, so changing any of these revokes every token issued before, with no
    token store: the request that checks a token loads the user anyway.
    """
    credentials = "\x1f".join((str(user.id), user.email, user.hashed_password, str(user.is_active)))
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"credentials:" + credentials.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def create_access_token(user: "User", expires_delta: timedelta | None = None) -> str:
    """Sign a token for `user` that expires after `expires_delta` (default from settings)."""
    now = datetime.now(UTC)
    lifetime = expires_delta or timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    claims = {
        "sub": str(user.id),
        "fpr": credentials_fingerprint(user),
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=settings.ALGORITHM)


def decode_access_token(token: str) -> TokenPayload | None:
    """Return the claims of a valid token, or None when it is forged, expired or malformed."""
    try:
        payload = _verified_claims(token, settings.SECRET_KEY, settings.ALGORITHM)
    except (jwt.InvalidTokenError, ValidationError):
        return None
    # Checked at each use, as a cached token's signature is not: it expires on time.
    return payload if payload.exp > datetime.now(UTC) else None


# A client sends the same token with each request: its signature and claims are checked once
# per process and key, then kept. Only valid tokens are kept (an error is not cached), so
# forged ones cannot fill the cache; the owner's fingerprint is still checked at each use.
@lru_cache(maxsize=4096)
def _verified_claims(token: str, key: str, algorithm: str) -> TokenPayload:
    claims = jwt.decode(
        token,
        key,
        algorithms=[algorithm],  # a fixed list: the token cannot choose "none"
        options={"require": ["exp", "iat", "sub"], "verify_exp": False},
    )
    return TokenPayload.model_validate(claims)
