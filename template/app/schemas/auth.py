"""Request and response shapes of the auth endpoints."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import INT32_MAX, NO_NUL
from app.schemas.user import Email

__all__ = [
    "LoginPassword",
    "LoginRequest",
    "TokenErrorCode",
    "TokenErrorResponse",
    "TokenForm",
    "TokenPayload",
    "TokenResponse",
]

# No minimum: accounts made under an older rule still log in. The maximum bounds hashing work.
LoginPassword = Annotated[str, Field(max_length=128), NO_NUL]


class LoginRequest(BaseModel):
    """JSON credentials."""

    email: Email
    password: LoginPassword


class TokenForm(BaseModel):
    """OAuth2 password-flow credentials, sent as a form (username = email)."""

    grant_type: Literal["password"] | None = None
    username: Email
    password: LoginPassword
    scope: Annotated[str, Field(max_length=1024), NO_NUL] = ""


class TokenResponse(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str = "bearer"


# RFC 6749 §5.2; temporarily_unavailable (§4.1.2.1): too many failed logins, retry later.
TokenErrorCode = Literal[
    "invalid_request", "invalid_grant", "unsupported_grant_type", "temporarily_unavailable"
]


class TokenErrorResponse(BaseModel):
    """An error of the OAuth2 token endpoint, as RFC 6749 words it."""

    error: TokenErrorCode
    error_description: str


class TokenPayload(BaseModel):
    """The claims of a decoded access token."""

    # Frozen: one decoded token is shared by the requests that send it (core.security).
    model_config = ConfigDict(frozen=True)

    # A user id as the users table stores it; anything else is a forged or foreign token.
    sub: Annotated[int, Field(ge=1, le=INT32_MAX)]
    # The credentials fingerprint the token was issued with (see core.security).
    fpr: Annotated[str, Field(max_length=64)]
    iat: datetime
    exp: datetime
