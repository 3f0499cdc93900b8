"""Request and response shapes of users. None of them exposes the password hash."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

__all__ = [
    "Email",
    "Password",
    "PasswordChange",
    "UserCreate",
    "UserRead",
    "UserUpdate",
    "UserUpdateMe",
]

# Emails are stored lowercase so "Ann@x.io" and "ann@x.io" are one account.
Email = Annotated[EmailStr, AfterValidator(str.lower)]
Password = Annotated[str, Field(min_length=8, max_length=128)]
FullName = Annotated[str, Field(max_length=255)]


class UserCreate(BaseModel):
    """Sign-up data."""

    email: Email
    password: Password
    full_name: FullName | None = None


class UserUpdateMe(BaseModel):
    """Fields users may change on their own account; omitted fields stay as they are."""

    email: Email | None = None
    full_name: FullName | None = None

    @field_validator("email")
    @classmethod
    def _email_not_null(cls, value: str | None) -> str:
        # Omitting the field keeps the email; an explicit null is a client error, not a 500.
        if value is None:
            raise ValueError("email cannot be null")
        return value


class UserUpdate(UserUpdateMe):
    """Fields a superuser may change on any account."""

    password: Password | None = None
    is_active: bool | None = None
    is_superuser: bool | None = None

    @field_validator("password", "is_active", "is_superuser")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value


class PasswordChange(BaseModel):
    """A password change, confirmed with the current password."""

    current_password: str
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
