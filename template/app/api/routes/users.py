"""The current user's account, and user administration for superusers."""

from fastapi import APIRouter, status

from app.api.dependencies import CurrentSuperuser, CurrentUser, PaginationDep, UserServiceDep
from app.models.user import User
from app.schemas.common import Page
from app.schemas.user import PasswordChange, UserRead, UserUpdate, UserUpdateMe

__all__ = ["router"]

router = APIRouter()


@router.get("/me", response_model=UserRead)
async def read_me(user: CurrentUser) -> User:
    """Return the current account."""
    return user


@router.patch("/me", response_model=UserRead)
async def update_me(data: UserUpdateMe, user: CurrentUser, users: UserServiceDep) -> User:
    """Change the current account's email or name."""
    return await users.update(user, data)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(data: PasswordChange, user: CurrentUser, users: UserServiceDep) -> None:
    """Change the current account's password."""
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


@router.get("/{user_id}", response_model=UserRead)
async def read_user(user_id: int, _admin: CurrentSuperuser, users: UserServiceDep) -> User:
    """Return any user (superusers only)."""
    return await users.get(user_id)


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: int, data: UserUpdate, _admin: CurrentSuperuser, users: UserServiceDep
) -> User:
    """Change any user (superusers only)."""
    return await users.update(await users.get(user_id), data)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, admin: CurrentSuperuser, users: UserServiceDep) -> None:
    """Delete a user (superusers only, never themselves)."""
    await users.delete(await users.get(user_id), acting_user=admin)
