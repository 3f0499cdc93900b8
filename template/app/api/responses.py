"""The error responses of each route, for the OpenAPI document: clients see every status."""

from typing import Any

from app.schemas.common import ErrorResponse

__all__ = ["error_responses"]

_DESCRIPTIONS = {
    400: "The request cannot be honoured as it stands",
    401: "The bearer token is missing, invalid or expired",
    403: "The caller may not do this",
    404: "The resource does not exist, or is not the caller's",
    409: "The request conflicts with existing data",
    413: "The request body is too large",
    429: "Too many failed attempts; retry after the given number of seconds",
}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer"},
        }
    },
}


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route or router that can answer these error statuses.

    422 is documented by FastAPI itself, on every route that validates input.
    """
    return {
        code: {
            "model": ErrorResponse,
            "description": _DESCRIPTIONS[code],
            **({"headers": _HEADERS[code]} if code in _HEADERS else {}),
        }
        for code in status_codes
    }
