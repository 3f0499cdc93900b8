"""A small, clean gospel project built from strings, for the rule tests to break one way each."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from gospel_scaffold.check import CheckResult, run_check

# The corpus holds whole projects, tests included: they are checked, never collected.
collect_ignore_glob = ["corpus/*"]

CLEAN_PROJECT: dict[str, str] = {
    "pyproject.toml": """
        [project]
        name = "shop"
        version = "0.1.0"
    """,
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": """
        class Settings:
            DATABASE_URL = "sqlite+aiosqlite:///./app.db"

        settings = Settings()
    """,
    "app/core/exceptions.py": """
        class AppError(Exception):
            pass

        class NotFoundError(AppError):
            pass
    """,
    "app/db/__init__.py": "",
    "app/db/database.py": """
        from sqlalchemy import MetaData
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
        from sqlalchemy.orm import DeclarativeBase

        from app.core.config import settings

        engine = create_async_engine(settings.DATABASE_URL)
        AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)


        class Base(DeclarativeBase):
            metadata = MetaData()


        class TimestampMixin:
            pass


        from app.models import user  # noqa: E402, F401
        from app.models import payments  # noqa: E402, F401
    """,
    "app/models/__init__.py": "",
    "app/models/user.py": """
        from typing import TYPE_CHECKING

        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from app.db.database import Base, TimestampMixin

        if TYPE_CHECKING:
            from app.models.payments import Payment


        class User(TimestampMixin, Base):
            __tablename__ = "users"

            id: Mapped[int] = mapped_column(primary_key=True)
            payments: Mapped[list["Payment"]] = relationship(back_populates="owner", lazy="raise")

            def __repr__(self) -> str:
                return f"User(id={self.id!r})"
    """,
    "app/models/payments.py": """
        from typing import TYPE_CHECKING

        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import Mapped, mapped_column, relationship

        from app.db.database import Base, TimestampMixin

        if TYPE_CHECKING:
            from app.models.user import User


        class Payment(TimestampMixin, Base):
            __tablename__ = "payments"

            id: Mapped[int] = mapped_column(primary_key=True)
            owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
            owner: Mapped["User"] = relationship("User", back_populates="payments", lazy="raise")
    """,
    "app/repositories/__init__.py": "",
    "app/repositories/base.py": """
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession


        class RepositoryBase:
            model: type

            def __init__(self, session: AsyncSession) -> None:
                self.session = session

            async def get(self, id: int):
                return await self.session.get(self.model, id)

            async def list(self):
                return (await self.session.scalars(select(self.model))).all()

            async def add(self, obj):
                self.session.add(obj)
                await self.session.flush()
                return obj
    """,
    "app/repositories/payments_repository.py": """
        from app.models.payments import Payment
        from app.repositories.base import RepositoryBase


        class PaymentRepository(RepositoryBase):
            model = Payment
    """,
    "app/services/__init__.py": "",
    "app/services/payments_service.py": """
        from app.core.exceptions import NotFoundError
        from app.models.payments import Payment
        from app.models.user import User
        from app.repositories.payments_repository import PaymentRepository
        from app.schemas.payments import PaymentCreate, PaymentUpdate


        class PaymentService:
            def __init__(self, repository: PaymentRepository) -> None:
                self.repository = repository

            async def create(self, user: User, data: PaymentCreate) -> Payment:
                return await self.repository.add(Payment(owner_id=user.id, **data.model_dump()))

            async def update(self, user: User, payment_id: int, data: PaymentUpdate) -> Payment:
                payment = await self.repository.get(payment_id)
                if payment is None:
                    raise NotFoundError("Payment")
                return payment

            async def delete(self, user: User, payment_id: int) -> None:
                return None
    """,
    "app/schemas/__init__.py": "",
    "app/schemas/payments.py": """
        from pydantic import BaseModel


        class PaymentCreate(BaseModel):
            amount: int


        class PaymentUpdate(BaseModel):
            amount: int | None = None


        class PaymentRead(PaymentCreate):
            id: int
    """,
    "app/api/__init__.py": "",
    "app/api/dependencies.py": """
        from collections.abc import AsyncIterator
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.db.database import AsyncSessionLocal


        async def get_db() -> AsyncIterator[AsyncSession]:
            async with AsyncSessionLocal() as session:
                yield session
                await session.commit()


        SessionDep = Annotated[AsyncSession, Depends(get_db)]
        CurrentUser = Annotated[object, Depends(lambda: None)]
    """,
    "app/api/routes/__init__.py": """
        from fastapi import APIRouter

        from app.api.routes import payments, users

        api_router = APIRouter()
        api_router.include_router(users.router, prefix="/users", tags=["Users"])
        api_router.include_router(payments.router, prefix="/payments", tags=["Payments"])
    """,
    "app/api/routes/users.py": """
        from fastapi import APIRouter

        from app.api.dependencies import CurrentUser

        router = APIRouter()


        @router.get("/me")
        async def read_me(user: CurrentUser):
            return user
    """,
    "app/api/routes/payments.py": """
        from typing import Annotated

        from fastapi import APIRouter, Depends, status

        from app.api.dependencies import CurrentUser, SessionDep
        from app.repositories.payments_repository import PaymentRepository
        from app.schemas.payments import PaymentCreate, PaymentRead, PaymentUpdate
        from app.services.payments_service import PaymentService

        router = APIRouter()


        def get_payment_service(session: SessionDep) -> PaymentService:
            return PaymentService(PaymentRepository(session))


        PaymentServiceDep = Annotated[PaymentService, Depends(get_payment_service)]


        @router.post("/", response_model=PaymentRead, status_code=status.HTTP_201_CREATED)
        async def create_payment(
            data: PaymentCreate, user: CurrentUser, payments: PaymentServiceDep
        ):
            return await payments.create(user, data)


        @router.patch("/{payment_id}", response_model=PaymentRead)
        async def update_payment(
            payment_id: int, data: PaymentUpdate, user: CurrentUser, payments: PaymentServiceDep
        ):
            return await payments.update(user, payment_id, data)


        @router.delete("/{payment_id}", status_code=status.HTTP_204_NO_CONTENT)
        async def delete_payment(payment_id: int, user: CurrentUser, payments: PaymentServiceDep):
            await payments.delete(user, payment_id)
    """,
    "app/main.py": """
        from fastapi import FastAPI

        from app.api.routes import api_router

        app = FastAPI()
        app.include_router(api_router, prefix="/api/v1")
    """,
    "tests/__init__.py": "",
    "tests/integration/__init__.py": "",
    "tests/integration/test_payments_routes.py": """
        async def test_create_payment(client, user_token_headers):
            response = await client.post("/api/v1/payments/", json={"amount": 3})
            assert response.status_code == 201
    """,
    "tests/integration/test_users_routes.py": """
        API = "/api/v1"


        async def test_read_me(client):
            response = await client.get(f"{API}/users/me")
            assert response.status_code == 200
    """,
}


def dedent(text: str) -> str:
    """Strip the common indentation of a literal file body."""
    return textwrap.dedent(text).lstrip("\n")


@dataclass
class ProjectFactory:
    """A clean project on disk that a test edits into a violating one."""

    root: Path

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dedent(text), encoding="utf-8")
        return target

    def replace(self, path: str, old: str, new: str) -> None:
        target = self.root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new), encoding="utf-8")

    def append(self, path: str, text: str) -> None:
        target = self.root / path
        target.write_text(target.read_text(encoding="utf-8") + dedent(text), encoding="utf-8")

    def remove(self, path: str) -> None:
        (self.root / path).unlink()

    def check(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        *,
        migrations: bool = False,
    ) -> CheckResult:
        return run_check(self.root, select=select, ignore=ignore, migrations=migrations)

    def found(self, *codes: str) -> list[tuple[str, int, str]]:
        """Run the given rules; return (path, line, code) of each violation."""
        result = self.check(select=list(codes) if codes else None)
        return [(v.path, v.line, v.code) for v in result.violations]

    def violation(self, code: str, path: str, fragment: str) -> tuple[str, int, str]:
        """Return the `found` entry for `code` on the first line of `path` with `fragment`."""
        return (path, self.line_of(path, fragment), code)

    def line_of(self, path: str, fragment: str) -> int:
        """Return the 1-based number of the first line of ``path`` containing ``fragment``."""
        lines = (self.root / path).read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if fragment in line)


@pytest.fixture
def project(tmp_path: Path) -> ProjectFactory:
    """A clean project (models user and payments, routers users and payments) in tmp_path."""
    root = tmp_path / "shop"
    factory = ProjectFactory(root)
    for path, text in CLEAN_PROJECT.items():
        factory.write(path, text)
    return factory
