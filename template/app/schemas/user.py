"""Request and response shapes of users. None of them exposes the password hash."""

from datetime import datetime
from typing import Annotated

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from app.schemas.common import NO_NUL, NOT_NULL, Flag

__all__ = [
    "Email",
    "Password",
    "PasswordChange",
    "UserCreate",
    "UserRead",
    "UserUpdate",
    "UserUpdateMe",
]


def _check_local_part_length(email: str) -> str:
    if len(email.rpartition("@")[0]) > 64:
        raise ValueError("the part before the @ must be at most 64 characters")
    return email


def _any_case(name: str) -> str:
    return "".join(f"[{letter}{letter.upper()}]" for letter in name)


# email-validator refuses these top-level domains (.test, .local...); the schema says so too.
_RESERVED_DOMAINS = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
_EMAIL_PATTERN = f"^[^@]+@(?![^@]*\\.(?:{_RESERVED_DOMAINS})$)[^@]+\\.[^@]+$"

# RFC 5321 lengths: 64 before the @, 254 in all. Stored lowercase, so "Ann@x.io" and
# "ann@x.io" are one account.
Email = Annotated[
    EmailStr,
    Field(max_length=254, json_schema_extra={"pattern": _EMAIL_PATTERN}),
    AfterValidator(_check_local_part_length),
    AfterValidator(str.lower),
]
Password = Annotated[str, Field(min_length=8, max_length=128), NO_NUL]
FullName = Annotated[str, Field(max_length=255), NO_NUL]


class UserCreate(BaseModel):
    """Sign-up data."""

    email: Email
    password: Password
    full_name: FullName | None = None


class UserUpdateMe(BaseModel):
    """Fields users may change on their own account; omitted fields stay as they are."""

    # NOT_NULL: an omitted email stays as it is; an explicit null is a 422, not a 500.
    email: Annotated[Email | None, NOT_NULL] = None
    full_name: FullName | None = None


class UserUpdate(UserUpdateMe):
    """Fields a superuser may change on any account."""

    password: Annotated[Password | None, NOT_NULL] = None
    is_active: Annotated[Flag | None, NOT_NULL] = None
    is_superuser: Annotated[Flag | None, NOT_NULL] = None


class PasswordChange(BaseModel):
    """A password change, confirmed with the current password."""

    current_password: Annotated[str, Field(max_length=128), NO_NUL]
    new_password: Password


class UserRead(BaseModel):
    """A user as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime
    updated_at: datetime
