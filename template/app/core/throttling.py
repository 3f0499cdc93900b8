"""Login throttling: failed logins counted per account and per client address.

Counts live in this process by default; with REDIS_URL set they live in Redis, so every
instance of the app sees the same counts.
"""

import logging
import math
import time

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from app.core.config import Settings, settings

__all__ = ["LoginThrottle", "login_throttle", "throttle_storage"]

logger = logging.getLogger("app.throttling")


def throttle_storage(config: Settings) -> Storage:
    """Redis when REDIS_URL is set, else this process's memory."""
    if config.REDIS_URL is None:
        return MemoryStorage()
    # redis-py's asyncio client; wrap_exceptions: every Redis failure is one StorageError.
    return RedisStorage(f"async+{config.REDIS_URL}", implementation="redispy", wrap_exceptions=True)


class LoginThrottle:
    """Refuses logins after too many failures for one account or from one client."""

    def __init__(
        self, storage: Storage, *, per_account: RateLimitItem, per_client: RateLimitItem
    ) -> None:
        self.storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._limits = {"account": per_account, "client": per_client}

    @classmethod
    def from_settings(cls, config: Settings) -> "LoginThrottle":
        """The throttle LOGIN_FAILURES_PER_ACCOUNT/CLIENT and REDIS_URL describe."""
        return cls(
            throttle_storage(config),
            per_account=config.login_failures_per_account,
            per_client=config.login_failures_per_client,
        )

    async def retry_after(self, *, account: str, client: str) -> int | None:
        """Seconds before `account` or `client` may try again, or None when they may now."""
        waits = []
        try:
            for kind, key in (("account", account), ("client", client)):
                limit = self._limits[kind]
                if not await self._limiter.test(limit, kind, key):
                    stats = await self._limiter.get_window_stats(limit, kind, key)
                    waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        except StorageError as error:
            # Failing open: an unreachable Redis must not lock every user out.
            logger.warning("Login throttling is unavailable: %s", error)
        return max(waits, default=None)

    async def record_failure(self, *, account: str, client: str) -> None:
        """Count a failed login against the account and the client."""
        try:
            await self._limiter.hit(self._limits["account"], "account", account)
            await self._limiter.hit(self._limits["client"], "client", client)
        except StorageError as error:
            logger.warning("Login throttling is unavailable: %s", error)

    async def record_success(self, *, account: str) -> None:
        """Forget the account's failures; the client's stay, or one attacker's own account
        would reset the count of their guesses at others."""
        try:
            await self._limiter.clear(self._limits["account"], "account", account)
        except StorageError as error:
            logger.warning("Login throttling is unavailable: %s", error)


login_throttle = LoginThrottle.from_settings(settings)
