from datetime import timedelta

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from app.core.exceptions import ForbiddenError, UnauthorizedError
from app.core.security import create_access_token, decode_access_token
from app.models.user import User
from app.services.auth_service import AuthService
from tests.conftest import FAST_PASSWORD_HASH
from tests.unit.fakes import InMemoryUserRepository

PASSWORD = "password-123"
PASSWORD_HASH = FAST_PASSWORD_HASH.hash(PASSWORD)


def make_user(*, is_active: bool = True, password_hash: str | None = None) -> User:
    return User(
        email="ann@example.com",
        hashed_password=password_hash or PASSWORD_HASH,
        is_active=is_active,
    )


async def test_authenticate_returns_the_user_for_valid_credentials() -> None:
    user = make_user()
    service = AuthService(InMemoryUserRepository(user))

    assert await service.authenticate(" Ann@Example.com ", PASSWORD) is user


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.com", "wrong-password"), ("nobody@example.com", PASSWORD)],
)
async def test_authenticate_gives_one_message_for_every_bad_credential(
    email: str, password: str
) -> None:
    service = AuthService(InMemoryUserRepository(make_user()))

    with pytest.raises(UnauthorizedError, match="Incorrect email or password"):
        await service.authenticate(email, password)


async def test_authenticate_refuses_an_inactive_user() -> None:
    service = AuthService(InMemoryUserRepository(make_user(is_active=False)))

    with pytest.raises(ForbiddenError, match="Inactive user"):
        await service.authenticate("ann@example.com", PASSWORD)


async def test_authenticate_upgrades_a_bcrypt_hash_to_argon2() -> None:
    # The lowest bcrypt cost: the test needs a bcrypt hash, not a strong one.
    bcrypt_hash = PasswordHash((BcryptHasher(rounds=4),)).hash(PASSWORD)
    user = make_user(password_hash=bcrypt_hash)
    service = AuthService(InMemoryUserRepository(user))

    await service.authenticate("ann@example.com", PASSWORD)

    assert user.hashed_password.startswith("$argon2")


async def test_login_issues_a_token_for_the_user() -> None:
    user = make_user()
    service = AuthService(InMemoryUserRepository(user))

    token = await service.login("ann@example.com", PASSWORD)

    payload = decode_access_token(token)
    assert payload is not None
    assert payload.sub == str(user.id)


async def test_user_from_token_returns_the_token_owner() -> None:
    user = make_user()
    service = AuthService(InMemoryUserRepository(user))

    assert await service.user_from_token(create_access_token(user.id)) is user


@pytest.mark.parametrize(
    "token",
    [
        "not-a-jwt",
        create_access_token("not-an-id"),
        create_access_token(999),
        create_access_token(1, expires_delta=timedelta(seconds=-1)),
    ],
    ids=["garbage", "non-numeric-subject", "unknown-user", "expired"],
)
async def test_user_from_token_rejects_bad_tokens(token: str) -> None:
    service = AuthService(InMemoryUserRepository(make_user()))

    with pytest.raises(UnauthorizedError, match="Could not validate credentials"):
        await service.user_from_token(token)
