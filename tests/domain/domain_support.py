"""Helpers shared by the add-domain tests (a plain module: conftest names are ambiguous)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gospel_scaffold.domain.add import AddRequest, plan_add
from gospel_scaffold.domain.apply import apply_plan

Snapshot = dict[str, str]

PAYMENTS = [
    "amount:decimal:12,2",
    "currency:str:3",
    "status:enum:pending,paid,failed",
    "note:text:null",
    "paid_at:datetime:null",
    "customer:ref:customers",
]
"""The issue's example: a payment domain referencing ``customers``."""

CUSTOMERS = ["name:str:100", "email:str:320:unique"]
"""The domain PAYMENTS references."""


def add_domain(project: Path, name: str, specs: list[str], *, owner: bool = True) -> None:
    """Plan and apply ``gospel add-domain`` in-process."""
    apply_plan(plan_add(AddRequest(name, specs, project, owner=owner)))


def snapshot(root: Path) -> Snapshot:
    """Every file under ``root`` with the SHA-256 of its content (caches ignored)."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"} & set(path.parts)
    }


TENANT_MODEL = '''"""Tenants: a model written by hand, not by gospel."""

import enum
from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.database import Base, TimestampMixin

__all__ = ["Plan", "Tenant"]


class Plan(enum.StrEnum):
    """What a tenant pays for."""

    FREE = "free"
    PRO = "pro"


class Tenant(TimestampMixin, Base):
    """An organisation using the app."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    plan: Mapped[Plan] = mapped_column(String(10))
    since: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(200))
    seats: Mapped[int] = mapped_column(default=5, server_default="5")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
'''

TENANT_REPOSITORY = '''"""Queries on tenants."""

from app.models.tenant import Tenant
from app.repositories.base import RepositoryBase

__all__ = ["TenantRepository"]


class TenantRepository(RepositoryBase[Tenant]):
    """Tenant rows."""

    model = Tenant
'''

TENANT_MIGRATION = '''"""Create tenants table (written by hand).

Revision ID: 7e1a0c2b9d44
Revises: 3f9c2a7d5b10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e1a0c2b9d44"
down_revision: str | None = "3f9c2a7d5b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("plan", sa.String(length=10), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("seats", sa.Integer(), server_default="5", nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_tenants_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
    )
    op.create_index(op.f("ix_tenants_owner_id"), "tenants", ["owner_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tenants_owner_id"), table_name="tenants")
    op.drop_table("tenants")
'''


def add_tenants_by_hand(project: Path, *, model: str = TENANT_MODEL) -> None:
    """Add the ``Tenant`` model as a user would: model, repository, registry line, migration."""
    (project / "app/models/tenant.py").write_text(model)
    (project / "app/repositories/tenant_repository.py").write_text(TENANT_REPOSITORY)
    (project / "migrations/versions/7e1a0c2b9d44_create_tenants_table.py").write_text(
        TENANT_MIGRATION
    )
    database = project / "app/db/database.py"
    registry = "from app.models import user  # noqa: E402, F401\n"
    database.write_text(
        database.read_text().replace(registry, registry.replace("user", "tenant, user"))
    )
