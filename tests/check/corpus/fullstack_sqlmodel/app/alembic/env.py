from alembic import context

from app.core.config import settings  # noqa: F401
from app.models import SQLModel

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    context.configure(target_metadata=target_metadata)
