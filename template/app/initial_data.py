"""Create the first superuser from FIRST_SUPERUSER_EMAIL/PASSWORD: `python -m app.initial_data`."""

import asyncio
import logging

from app.core.config import Settings, settings
from app.core.exceptions import ConflictError
from app.core.logging import setup_logging
from app.db.database import AsyncSessionLocal, engine
from app.models.user import User
from app.repositories.user_repository import UserRepository
from app.schemas.user import UserCreate
from app.services.user_service import UserService

__all__ = ["create_first_superuser", "main"]

logger = logging.getLogger("app.initial_data")


async def create_first_superuser(users: UserService, config: Settings) -> User | None:
    """Create the configured superuser unless it exists; safe to run on every deploy."""
    if config.FIRST_SUPERUSER_EMAIL is None or config.FIRST_SUPERUSER_PASSWORD is None:
        logger.warning("FIRST_SUPERUSER_EMAIL or FIRST_SUPERUSER_PASSWORD is not set: skipped")
        return None
    data = UserCreate(email=config.FIRST_SUPERUSER_EMAIL, password=config.FIRST_SUPERUSER_PASSWORD)
    try:
        user = await users.create(data, is_superuser=True)
    except ConflictError:
        logger.info("Superuser %s already exists", data.email)
        return None
    logger.info("Created superuser %s", user.email)
    return user


async def main() -> None:
    """Run the seeding in one transaction."""
    async with AsyncSessionLocal() as session, session.begin():
        await create_first_superuser(UserService(UserRepository(session)), settings)
    await engine.dispose()


if __name__ == "__main__":
    setup_logging()
    asyncio.run(main())
