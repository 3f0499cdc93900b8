"""Sign-up, login and the current account."""

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from app.api.dependencies import AuthServiceDep, CurrentUser, UserServiceDep
from app.api.oauth2 import (
    NO_STORE,
    TOKEN_REQUEST_BODY,
    TOKEN_RESPONSES,
    TokenError,
    read_token_form,
)
from app.api.responses import error_responses
from app.core.exceptions import ForbiddenError, TooManyRequestsError, UnauthorizedError
from app.models.user import User
from app.schemas.auth import LoginRequest, TokenResponse
from app.schemas.user import UserCreate, UserRead

__all__ = ["router"]

router = APIRouter()


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


@router.post("/login", responses=error_responses(401, 403, 413, 429))
async def login(
    data: LoginRequest, request: Request, response: Response, auth: AuthServiceDep
) -> TokenResponse:
    """Exchange JSON credentials for an access token (429 after repeated failures)."""
    token = await auth.login(data.email, data.password, client=_client(request))
    response.headers.update(NO_STORE)
    return TokenResponse(access_token=token)


# What Swagger UI's Authorize dialog and OAuth2 clients call; its errors are OAuth2's own.
@router.post(
    "/token",
    response_model=TokenResponse,
    responses=TOKEN_RESPONSES,
    openapi_extra=TOKEN_REQUEST_BODY,
)
async def token(
    request: Request, response: Response, auth: AuthServiceDep
) -> TokenResponse | JSONResponse:
    """Exchange OAuth2 form credentials (username = email) for an access token."""
    try:
        form = await read_token_form(request)
        access_token = await auth.login(form.username, form.password, client=_client(request))
    except TokenError as error:
        return error.response()
    except (UnauthorizedError, ForbiddenError) as error:
        return TokenError("invalid_grant", error.detail).response()
    except TooManyRequestsError as error:
        refused = TokenError(
            "temporarily_unavailable",
            error.detail,
            status_code=error.status_code,
            headers=error.headers,
        )
        return refused.response()
    response.headers.update(NO_STORE)
    return TokenResponse(access_token=access_token)


@router.get("/me", response_model=UserRead, responses=error_responses(401, 403))
async def me(user: CurrentUser) -> User:
    """Return the current account."""
    return user
