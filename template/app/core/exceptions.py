"""Application errors: raised by services, turned into HTTP responses by one handler in main.py."""

from http import HTTPStatus
from typing import ClassVar

__all__ = [
    "AppError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "NotFoundError",
    "TooManyRequestsError",
    "UnauthorizedError",
]


class AppError(Exception):
    """Base of every expected failure; carries the HTTP status and a client-safe detail."""

    status_code: ClassVar[HTTPStatus] = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers


class BadRequestError(AppError):
    """The request is well-formed but cannot be honoured (for example a wrong current password)."""

    status_code = HTTPStatus.BAD_REQUEST


class NotFoundError(AppError):
    """The resource does not exist, or the caller may not know that it does."""

    status_code = HTTPStatus.NOT_FOUND

    def __init__(self, resource: str, resource_id: int | str) -> None:
        super().__init__(f"{resource} with id '{resource_id}' not found")
        self.resource = resource
        self.resource_id = resource_id


class UnauthorizedError(AppError):
    """Missing, invalid or expired credentials."""

    status_code = HTTPStatus.UNAUTHORIZED

    def __init__(self, detail: str = "Not authenticated") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class ForbiddenError(AppError):
    """Authenticated, but not allowed to do this."""

    status_code = HTTPStatus.FORBIDDEN

    def __init__(self, detail: str = "Permission denied") -> None:
        super().__init__(detail)


class ConflictError(AppError):
    """The request conflicts with the current state (for example a taken email)."""

    status_code = HTTPStatus.CONFLICT


class TooManyRequestsError(AppError):
    """Too many attempts; the client may try again after `retry_after` seconds."""

    status_code = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
