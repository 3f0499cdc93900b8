"""The users table."""

from sqlalchemy import String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db.database import Base, TimestampMixin

__all__ = ["User"]


class User(TimestampMixin, Base):
    """An account that can log in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    is_superuser: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, email={self.email!r})"
