"""Shared dependencies ("bouncers"): database session, services, current user, pagination."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.exceptions import ForbiddenError
from app.core.throttling import login_throttle
from app.db.database import AsyncSessionLocal
from app.models.user import User
from app.repositories.user_repository import UserRepository
from app.schemas.common import INT32_MAX
from app.services.auth_service import AuthService
from app.services.user_service import UserService

__all__ = [
    "MAX_PAGE_SIZE",
    "AuthServiceDep",
    "CurrentSuperuser",
    "CurrentUser",
    "Pagination",
    "PaginationDep",
    "SessionDep",
    "TokenDep",
    "UserServiceDep",
    "get_auth_service",
    "get_current_active_user",
    "get_current_superuser",
    "get_current_user",
    "get_db",
    "get_pagination",
    "get_user_service",
    "oauth2_scheme",
]


async def get_db() -> AsyncIterator[AsyncSession]:
    """Yield a session whose transaction commits if the request succeeds and rolls back if not."""
    async with AsyncSessionLocal() as session, session.begin():
        yield session


# scope="function": commit before the response is sent, so a failed commit is never a 2xx.
# Dependencies below are `async def` so FastAPI runs them on the event loop, not in a thread.
SessionDep = Annotated[AsyncSession, Depends(get_db, scope="function")]

# The description is what Swagger UI's Authorize dialog says above its fields.
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl=f"{settings.API_V1_PREFIX}/auth/token",
    scheme_name="Account",
    description="Log in with your account: the **username** is your email address.",
)
TokenDep = Annotated[str, Depends(oauth2_scheme)]


async def get_auth_service(session: SessionDep) -> AuthService:
    """Build the auth service for this request; the login throttle is the process's own."""
    return AuthService(UserRepository(session), login_throttle)


async def get_user_service(session: SessionDep) -> UserService:
    """Build the user service for this request."""
    return UserService(UserRepository(session))


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]
UserServiceDep = Annotated[UserService, Depends(get_user_service)]


async def get_current_user(token: TokenDep, auth: AuthServiceDep) -> User:
    """Return the owner of the bearer token.

    401 when it is missing, invalid, expired, or older than the owner's last change of email,
    password or status.
    """
    return await auth.user_from_token(token)


async def get_current_active_user(user: Annotated[User, Depends(get_current_user)]) -> User:
    """Return the current user if active; deactivated accounts get 403."""
    if not user.is_active:
        raise ForbiddenError("Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_active_user)]


async def get_current_superuser(user: CurrentUser) -> User:
    """Return the current user if a superuser (403 otherwise)."""
    if not user.is_superuser:
        raise ForbiddenError("Superuser privileges required")
    return user


CurrentSuperuser = Annotated[User, Depends(get_current_superuser)]


@dataclass(frozen=True, slots=True)
class Pagination:
    """Offset pagination."""

    offset: int
    limit: int


MAX_PAGE_SIZE = 100


# Bounded: a larger offset would overflow the database's integers; no table has that many rows.
async def get_pagination(
    offset: Annotated[int, Query(ge=0, le=INT32_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=INT32_MAX)] = 20,
) -> Pagination:
    """Read `offset` and `limit` from the query string; a page holds at most 100 rows."""
    # Capped rather than refused: a client asking for "everything" still gets a bounded page.
    return Pagination(offset=offset, limit=min(limit, MAX_PAGE_SIZE))


PaginationDep = Annotated[Pagination, Depends(get_pagination)]
