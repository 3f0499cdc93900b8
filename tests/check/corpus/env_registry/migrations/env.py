from alembic import context

import app.models.author  # noqa: F401
import app.models.book  # noqa: F401
from app.db.base import Base

target_metadata = Base.metadata
context.configure(target_metadata=target_metadata)
