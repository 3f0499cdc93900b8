"""The current user's account, and user administration for superusers."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from app.api.dependencies import CurrentSuperuser, CurrentUser, PaginationDep, UserServiceDep
from app.api.responses import error_responses
from app.models.user import User
from app.schemas.common import INT32_MAX, Page
from app.schemas.user import PasswordChange, UserRead, UserUpdate, UserUpdateMe

__all__ = ["router"]

# Every route needs a token; 403 is an inactive account, or a user on a superuser's route.
router = APIRouter(responses=error_responses(401, 403))

# Bounded like the column: a larger id would overflow PostgreSQL's INTEGER.
UserId = Annotated[int, Path(ge=1, le=INT32_MAX)]


@router.get("/me", response_model=UserRead)
async def read_me(user: CurrentUser) -> User:
    """Return the current account."""
    return user


@router.patch("/me", response_model=UserRead, responses=error_responses(409, 413))
async def update_me(data: UserUpdateMe, user: CurrentUser, users: UserServiceDep) -> User:
    """Change the current account's email or name (an email change signs out other sessions)."""
    return await users.update(user, data)


@router.post(
    "/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(400, 413)
)
async def change_password(data: PasswordChange, user: CurrentUser, users: UserServiceDep) -> None:
    """Change the current account's password; tokens issued before stop working."""
    await users.change_password(user, data)


@router.get("/")
async def list_users(
    _admin: CurrentSuperuser, users: UserServiceDep, pagination: PaginationDep
) -> Page[UserRead]:
    """List users, one page at a time (superusers only)."""
    rows, total = await users.list(offset=pagination.offset, limit=pagination.limit)
    return Page[UserRead](
        items=[UserRead.model_validate(row) for row in rows],
        total=total,
        offset=pagination.offset,
        limit=pagination.limit,
    )


# `:int` in the paths: /users/me is never read as a user id.
@router.get("/{user_id:int}", response_model=UserRead, responses=error_responses(404))
async def read_user(user_id: UserId, _admin: CurrentSuperuser, users: UserServiceDep) -> User:
    """Return any user (superusers only)."""
    return await users.get(user_id)


@router.patch("/{user_id:int}", response_model=UserRead, responses=error_responses(404, 409, 413))
async def update_user(
    user_id: UserId, data: UserUpdate, _admin: CurrentSuperuser, users: UserServiceDep
) -> User:
    """Change any user (superusers only)."""
    return await users.update(await users.get(user_id), data)


@router.delete(
    "/{user_id:int}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404)
)
async def delete_user(user_id: UserId, admin: CurrentSuperuser, users: UserServiceDep) -> None:
    """Delete a user (superusers only, never themselves)."""
    await users.delete(await users.get(user_id), acting_user=admin)
