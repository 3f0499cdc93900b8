import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta, tzinfo

import jwt
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from app.core import security
from app.core.config import settings
from app.core.security import (
    PASSWORD_HASHING_THREADS,
    create_access_token,
    credentials_fingerprint,
    decode_access_token,
    hash_password,
    verify_password,
)
from app.models.user import User


def make_user(**changes: object) -> User:
    values: dict[str, object] = {
        "id": 42,
        "email": "ann@example.com",
        "hashed_password": "$argon2id$hash",
        "is_active": True,
    }
    return User(**{**values, **changes})


def signed(claims: dict[str, object]) -> str:
    now = datetime.now(UTC)
    return jwt.encode(
        {"iat": now, "exp": now + timedelta(minutes=5), **claims},
        settings.SECRET_KEY,
        algorithm=settings.ALGORITHM,
    )


async def test_a_burst_of_logins_hashes_a_bounded_number_of_passwords_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each Argon2 hash holds 64 MiB: unbounded, a burst would outgrow a container's memory.
    running, most = 0, 0
    lock = threading.Lock()

    def slow_hash(password: str) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return f"hashed:{password}"

    monkeypatch.setattr(security._password_hash, "hash", slow_hash)

    hashes = await asyncio.gather(*(hash_password(f"password-{n}") for n in range(12)))

    assert hashes == [f"hashed:password-{n}" for n in range(12)]
    assert most == PASSWORD_HASHING_THREADS


async def test_hash_password_uses_argon2_and_a_fresh_salt() -> None:
    first, second = await hash_password("password-123"), await hash_password("password-123")

    assert first.startswith("$argon2id$")
    assert first != second


async def test_verify_password_accepts_the_right_password_only() -> None:
    password_hash = await hash_password("password-123")

    assert await verify_password("password-123", password_hash) == (True, None)
    assert await verify_password("password-124", password_hash) == (False, None)


async def test_verify_password_returns_an_argon2_hash_for_a_bcrypt_hash() -> None:
    # The lowest bcrypt cost: the test needs a bcrypt hash, not a strong one.
    bcrypt_hash = PasswordHash((BcryptHasher(rounds=4),)).hash("password-123")

    verified, new_hash = await verify_password("password-123", bcrypt_hash)

    assert verified
    assert new_hash is not None
    assert new_hash.startswith("$argon2id$")


def test_access_token_carries_subject_fingerprint_issue_and_expiry_times() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    user = make_user()

    payload = decode_access_token(create_access_token(user, expires_delta=timedelta(minutes=5)))

    assert payload is not None
    assert payload.sub == 42
    assert payload.fpr == credentials_fingerprint(user)
    assert payload.iat >= before
    assert payload.exp - payload.iat == timedelta(minutes=5)


@pytest.mark.parametrize(
    "change",
    [
        {"email": "new@example.com"},
        {"hashed_password": "$argon2id$another-hash"},
        {"is_active": False},
        {"id": 43},
    ],
    ids=["email", "password", "deactivation", "another-user"],
)
def test_the_credentials_fingerprint_changes_with_the_credentials(
    change: dict[str, object],
) -> None:
    assert credentials_fingerprint(make_user(**change)) != credentials_fingerprint(make_user())


def test_the_credentials_fingerprint_ignores_profile_changes() -> None:
    assert credentials_fingerprint(make_user(full_name="Ann")) == credentials_fingerprint(
        make_user()
    )


def test_expired_token_is_rejected() -> None:
    token = create_access_token(make_user(), expires_delta=timedelta(seconds=-1))

    assert decode_access_token(token) is None


def test_a_token_accepted_before_still_expires_on_time(monkeypatch: pytest.MonkeyPatch) -> None:
    token = create_access_token(make_user(), expires_delta=timedelta(minutes=5))
    assert decode_access_token(token) is not None  # verified, and kept

    class SixMinutesLater(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> "SixMinutesLater":
            return cls.fromtimestamp(time.time() + 360, tz)

    monkeypatch.setattr(security, "datetime", SixMinutesLater)

    assert decode_access_token(token) is None


def test_a_token_accepted_before_is_rejected_once_the_key_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = create_access_token(make_user())
    assert decode_access_token(token) is not None

    monkeypatch.setattr(settings, "SECRET_KEY", "a-new-key-that-is-long-enough-for-hs256")

    assert decode_access_token(token) is None


def test_token_signed_with_another_key_is_rejected() -> None:
    now = datetime.now(UTC)
    forged = jwt.encode(
        {"sub": "1", "fpr": "x", "iat": now, "exp": now + timedelta(minutes=5)},
        "another-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )

    assert decode_access_token(forged) is None


def test_unsigned_token_is_rejected() -> None:
    now = datetime.now(UTC)
    unsigned = jwt.encode(
        {"sub": "1", "fpr": "x", "iat": now, "exp": now + timedelta(minutes=5)},
        key=None,
        algorithm="none",
    )

    assert decode_access_token(unsigned) is None


def test_token_without_expiry_is_rejected() -> None:
    token = jwt.encode(
        {"sub": "1", "fpr": "x", "iat": datetime.now(UTC)},
        settings.SECRET_KEY,
        algorithm=settings.ALGORITHM,
    )

    assert decode_access_token(token) is None


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": str(2**63), "fpr": "x"},
        {"sub": "9" * 5000, "fpr": "x"},
        {"sub": "0", "fpr": "x"},
        {"sub": "not-an-id", "fpr": "x"},
        {"sub": "1"},
    ],
    ids=[
        "sub-beyond-int64",
        "sub-of-5000-digits",
        "sub-zero",
        "sub-not-a-number",
        "no-fingerprint",
    ],
)
def test_validly_signed_tokens_with_impossible_claims_are_rejected(
    claims: dict[str, object],
) -> None:
    assert decode_access_token(signed(claims)) is None
