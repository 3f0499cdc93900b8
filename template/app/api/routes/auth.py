"""Sign-up, login and the current account."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from app.api.dependencies import AuthServiceDep, CurrentUser, UserServiceDep
from app.api.responses import error_responses
from app.models.user import User
from app.schemas.auth import LoginRequest, TokenForm, TokenResponse
from app.schemas.user import UserCreate, UserRead

__all__ = ["router"]

router = APIRouter()

# RFC 6749 §5.1: token responses must never be cached.
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_LOGIN_ERRORS = error_responses(401, 403, 413, 429)


def _client(request: Request) -> str:
    # The peer address; behind a proxy, run uvicorn with --forwarded-allow-ips so it is the client's.
    return request.client.host if request.client else "unknown"


@router.post(
    "/register",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(409, 413),
)
async def register(data: UserCreate, users: UserServiceDep) -> User:
    """Create an account."""
    return await users.create(data)


@router.post("/login", responses=_LOGIN_ERRORS)
async def login(
    data: LoginRequest, request: Request, response: Response, auth: AuthServiceDep
) -> TokenResponse:
    """Exchange JSON credentials for an access token (429 after repeated failures)."""
    token = await auth.login(data.email, data.password, client=_client(request))
    response.headers.update(_NO_STORE)
    return TokenResponse(access_token=token)


@router.post("/token", responses=_LOGIN_ERRORS)
async def token(
    form: Annotated[TokenForm, Form()], request: Request, response: Response, auth: AuthServiceDep
) -> TokenResponse:
    """Exchange OAuth2 form credentials (username = email) for an access token."""
    access_token = await auth.login(form.username, form.password, client=_client(request))
    response.headers.update(_NO_STORE)
    return TokenResponse(access_token=access_token)


@router.get("/me", response_model=UserRead, responses=error_responses(401, 403))
async def me(user: CurrentUser) -> User:
    """Return the current account."""
    return user
