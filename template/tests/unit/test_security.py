from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from app.core.config import settings
from app.core.security import (
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)


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


def test_access_token_carries_subject_issue_and_expiry_times() -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    payload = decode_access_token(create_access_token(42, expires_delta=timedelta(minutes=5)))

    assert payload is not None
    assert payload.sub == "42"
    assert payload.iat >= before
    assert payload.exp - payload.iat == timedelta(minutes=5)


def test_expired_token_is_rejected() -> None:
    assert decode_access_token(create_access_token(1, expires_delta=timedelta(seconds=-1))) is None


def test_token_signed_with_another_key_is_rejected() -> None:
    now = datetime.now(UTC)
    forged = jwt.encode(
        {"sub": "1", "iat": now, "exp": now + timedelta(minutes=5)},
        "another-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )

    assert decode_access_token(forged) is None


def test_unsigned_token_is_rejected() -> None:
    now = datetime.now(UTC)
    unsigned = jwt.encode(
        {"sub": "1", "iat": now, "exp": now + timedelta(minutes=5)}, key=None, algorithm="none"
    )

    assert decode_access_token(unsigned) is None


def test_token_without_expiry_is_rejected() -> None:
    token = jwt.encode(
        {"sub": "1", "iat": datetime.now(UTC)}, settings.SECRET_KEY, algorithm=settings.ALGORITHM
    )

    assert decode_access_token(token) is None
