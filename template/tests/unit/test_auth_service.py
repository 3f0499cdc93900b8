from datetime import timedelta

import pytest
from limits import parse
from limits.aio.storage import MemoryStorage
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from app.core.exceptions import ForbiddenError, TooManyRequestsError, UnauthorizedError
from app.core.security import create_access_token, decode_access_token
from app.core.throttling import LoginThrottle
from app.models.user import User
from app.services.auth_service import AuthService
from tests.conftest import FAST_PASSWORD_HASH
from tests.unit.fakes import InMemoryUserRepository

PASSWORD = "password-123"
PASSWORD_HASH = FAST_PASSWORD_HASH.hash(PASSWORD)
CLIENT = "203.0.113.7"


def make_user(*, is_active: bool = True, password_hash: str | None = None) -> User:
    return User(
        email="ann@example.com",
        hashed_password=password_hash or PASSWORD_HASH,
        is_active=is_active,
    )


def make_service(
    *users: User, per_account: str = "3/minute", per_client: str = "5/minute"
) -> AuthService:
    throttle = LoginThrottle(
        MemoryStorage(), per_account=parse(per_account), per_client=parse(per_client)
    )
    return AuthService(InMemoryUserRepository(*users), throttle)


async def test_authenticate_returns_the_user_for_valid_credentials() -> None:
    user = make_user()
    service = make_service(user)

    assert await service.authenticate(" Ann@Example.com ", PASSWORD) is user


@pytest.mark.parametrize(
    ("email", "password"),
    [("ann@example.com", "wrong-password"), ("nobody@example.com", PASSWORD)],
)
async def test_authenticate_gives_one_message_for_every_bad_credential(
    email: str, password: str
) -> None:
    service = make_service(make_user())

    with pytest.raises(UnauthorizedError, match="Incorrect email or password"):
        await service.authenticate(email, password)


async def test_authenticate_refuses_an_inactive_user() -> None:
    service = make_service(make_user(is_active=False))

    with pytest.raises(ForbiddenError, match="Inactive user"):
        await service.authenticate("ann@example.com", PASSWORD)


async def test_authenticate_upgrades_a_bcrypt_hash_to_argon2() -> None:
    # The lowest bcrypt cost: the test needs a bcrypt hash, not a strong one.
    bcrypt_hash = PasswordHash((BcryptHasher(rounds=4),)).hash(PASSWORD)
    user = make_user(password_hash=bcrypt_hash)
    service = make_service(user)

    await service.authenticate("ann@example.com", PASSWORD)

    assert user.hashed_password.startswith("$argon2")


async def test_login_issues_a_token_for_the_user() -> None:
    user = make_user()
    service = make_service(user)

    token = await service.login("ann@example.com", PASSWORD, client=CLIENT)

    payload = decode_access_token(token)
    assert payload is not None
    assert payload.sub == user.id


async def test_login_is_throttled_after_repeated_failures_for_an_account() -> None:
    service = make_service(make_user(), per_account="3/minute")
    for client in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        with pytest.raises(UnauthorizedError):
            await service.login("ann@example.com", "wrong-password", client=client)

    # Even the right password, from yet another address, waits.
    with pytest.raises(TooManyRequestsError) as refused:
        await service.login("Ann@Example.com", PASSWORD, client="198.51.100.4")

    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.headers == {"Retry-After": str(refused.value.retry_after)}


async def test_login_is_throttled_after_repeated_failures_from_a_client() -> None:
    service = make_service(make_user(), per_account="100/minute", per_client="2/minute")
    for email in ("a@example.com", "b@example.com"):
        with pytest.raises(UnauthorizedError):
            await service.login(email, PASSWORD, client=CLIENT)

    with pytest.raises(TooManyRequestsError):
        await service.login("ann@example.com", PASSWORD, client=CLIENT)
    assert await service.login("ann@example.com", PASSWORD, client="198.51.100.9")


async def test_a_successful_login_forgets_the_accounts_failures() -> None:
    service = make_service(make_user(), per_account="3/minute", per_client="100/minute")
    for _ in range(2):
        with pytest.raises(UnauthorizedError):
            await service.login("ann@example.com", "wrong-password", client=CLIENT)
    await service.login("ann@example.com", PASSWORD, client=CLIENT)

    for _ in range(2):
        with pytest.raises(UnauthorizedError):
            await service.login("ann@example.com", "wrong-password", client=CLIENT)
    assert await service.login("ann@example.com", PASSWORD, client=CLIENT)


async def test_user_from_token_returns_the_token_owner() -> None:
    user = make_user()
    service = make_service(user)

    assert await service.user_from_token(create_access_token(user)) is user


async def test_user_from_token_rejects_tokens_issued_before_a_credentials_change() -> None:
    user = make_user()
    service = make_service(user)
    token = create_access_token(user)

    user.hashed_password = FAST_PASSWORD_HASH.hash("a-new-password")

    with pytest.raises(UnauthorizedError, match="Could not validate credentials"):
        await service.user_from_token(token)


def _token_of_an_unknown_user() -> str:
    stranger = make_user()
    stranger.id = 999
    return create_access_token(stranger)


def _expired_token() -> str:
    user = make_user()
    user.id = 1
    return create_access_token(user, expires_delta=timedelta(seconds=-1))


@pytest.mark.parametrize(
    "token",
    ["not-a-jwt", _token_of_an_unknown_user(), _expired_token()],
    ids=["garbage", "unknown-user", "expired"],
)
async def test_user_from_token_rejects_bad_tokens(token: str) -> None:
    service = make_service(make_user())

    with pytest.raises(UnauthorizedError, match="Could not validate credentials"):
        await service.user_from_token(token)
