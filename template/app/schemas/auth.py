"""Request and response shapes of the auth endpoints."""

from datetime import datetime

from pydantic import BaseModel

from app.schemas.user import Email

__all__ = ["LoginRequest", "TokenPayload", "TokenResponse"]


class LoginRequest(BaseModel):
    """JSON credentials."""

    email: Email
    password: str


class TokenResponse(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str = "bearer"


class TokenPayload(BaseModel):
    """The claims of a decoded access token."""

    sub: str
    iat: datetime
    exp: datetime
