"""The OAuth2 token endpoint's side of the wire (RFC 6749): its form and its error responses.

/auth/token is what Swagger UI's Authorize dialog and OAuth2 client libraries call, so it
answers errors as they expect: `{"error": ..., "error_description": ...}` with status 400, or
429 with `Retry-After` when logins are throttled. The rest of the API answers `{"detail": ...}`.
"""

import re
from collections.abc import Mapping
from typing import Any

from fastapi import Request, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.api.responses import error_responses
from app.schemas.auth import TokenErrorCode, TokenErrorResponse, TokenForm

__all__ = ["NO_STORE", "TOKEN_REQUEST_BODY", "TOKEN_RESPONSES", "TokenError", "read_token_form"]

# RFC 6749 §5.1 and §5.2: token responses, errors included, are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

_FORM = "application/x-www-form-urlencoded"
# RFC 6749 §5.2: an error_description holds printable ASCII but `"` and `\`.
_NOT_IN_DESCRIPTIONS = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")

# The form is read by read_token_form, not by FastAPI (whose errors are 422s): described here.
TOKEN_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {_FORM: {"schema": TokenForm.model_json_schema()}},
    }
}
TOKEN_RESPONSES: dict[int | str, dict[str, Any]] = {
    status.HTTP_400_BAD_REQUEST: {
        "model": TokenErrorResponse,
        "description": (
            "invalid_grant: wrong email or password, or an inactive account; "
            "invalid_request: a malformed form; unsupported_grant_type: not the password grant"
        ),
    },
    **error_responses(413),
    status.HTTP_429_TOO_MANY_REQUESTS: {
        **error_responses(429)[429],
        "model": TokenErrorResponse,
    },
}


class TokenError(Exception):
    """A token request refused, answered as RFC 6749 §5.2 says."""

    def __init__(
        self,
        error: TokenErrorCode,
        description: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.error: TokenErrorCode = error
        self.description = description
        self.status_code = status_code
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        """The error's HTTP response."""
        body = TokenErrorResponse(
            error=self.error, error_description=_NOT_IN_DESCRIPTIONS.sub("?", self.description)
        )
        return JSONResponse(
            body.model_dump(),
            status_code=self.status_code,
            headers={**NO_STORE, **self.headers},
        )


async def read_token_form(request: Request) -> TokenForm:
    """The credentials of a token request; a TokenError when the request is malformed."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != _FORM:
        raise TokenError("invalid_request", f"The credentials must be sent as {_FORM}")
    fields: dict[str, object] = {}
    seen: set[str] = set()
    for name, value in (await request.form()).multi_items():
        if name in seen:  # RFC 6749 §3.1
            raise TokenError("invalid_request", f"{name} is given more than once")
        seen.add(name)
        if value != "":  # a parameter without a value counts as omitted (§3.1)
            fields[name] = value
    if fields.get("grant_type", "password") != "password":
        raise TokenError("unsupported_grant_type", "Only the password grant is supported")
    try:
        return TokenForm.model_validate(fields)
    except ValidationError as error:
        raise TokenError("invalid_request", _describe(error)) from error


def _describe(error: ValidationError) -> str:
    # Which field and why, one line per problem: error_description is a single string.
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors(include_url=False, include_input=False)
    )
