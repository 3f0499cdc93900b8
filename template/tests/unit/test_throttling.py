import logging
import os
import secrets
import uuid

import pytest
from limits.aio.storage import MemoryStorage, RedisStorage

from app.core.config import Settings
from app.core.throttling import LoginThrottle, throttle_storage

# A Redis for these tests, e.g. redis://localhost:6379/15; without it they are skipped.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(TEST_REDIS_URL is None, reason="TEST_REDIS_URL is not set")


def make_settings(**values: object) -> Settings:
    return Settings.model_validate(
        {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "LOGIN_FAILURES_PER_ACCOUNT": "2/minute",
            **values,
        }
    )


def test_counts_live_in_this_process_without_redis() -> None:
    assert isinstance(throttle_storage(make_settings()), MemoryStorage)


def test_counts_live_in_redis_when_redis_url_is_set() -> None:
    assert isinstance(
        throttle_storage(make_settings(REDIS_URL="redis://cache:6379/0")), RedisStorage
    )


async def test_an_unreachable_redis_lets_logins_through(caplog: pytest.LogCaptureFixture) -> None:
    # Nothing listens on port 1: every Redis call fails at once.
    throttle = LoginThrottle.from_settings(make_settings(REDIS_URL="redis://127.0.0.1:1/0"))

    with caplog.at_level(logging.WARNING, logger="app.throttling"):
        for _ in range(3):
            await throttle.record_failure(account="ann@example.com", client="203.0.113.7")
        assert await throttle.retry_after(account="ann@example.com", client="203.0.113.7") is None
        await throttle.record_success(account="ann@example.com")

    assert "Login throttling is unavailable" in caplog.text


@needs_redis
async def test_instances_sharing_a_redis_share_the_counts() -> None:
    config = make_settings(REDIS_URL=TEST_REDIS_URL)
    first, second = LoginThrottle.from_settings(config), LoginThrottle.from_settings(config)
    account, client = f"{uuid.uuid4().hex}@example.com", uuid.uuid4().hex

    await first.record_failure(account=account, client=client)
    await second.record_failure(account=account, client=client)

    wait = await first.retry_after(account=account, client=client)
    assert wait is not None
    assert 0 < wait <= 60
    await second.record_success(account=account)
    assert await first.retry_after(account=account, client=f"{client}-elsewhere") is None
