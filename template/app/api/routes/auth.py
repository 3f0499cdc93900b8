"""Sign-up, login and the current account."""

from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from app.api.dependencies import AuthServiceDep, CurrentUser, UserServiceDep
from app.models.user import User
from app.schemas.auth import LoginRequest, TokenResponse
from app.schemas.user import UserCreate, UserRead

__all__ = ["router"]

router = APIRouter()


@router.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def register(data: UserCreate, users: UserServiceDep) -> User:
    """Create an account."""
    return await users.create(data)


@router.post("/login")
async def login(data: LoginRequest, auth: AuthServiceDep) -> TokenResponse:
    """Exchange JSON credentials for an access token."""
    return TokenResponse(access_token=await auth.login(data.email, data.password))


@router.post("/token")
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], auth: AuthServiceDep
) -> TokenResponse:
    """Exchange OAuth2 form credentials (username = email) for an access token."""
    return TokenResponse(access_token=await auth.login(form.username, form.password))


@router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    """Return the current account."""
    return user
