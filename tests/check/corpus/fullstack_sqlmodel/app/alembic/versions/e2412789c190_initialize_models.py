import sqlalchemy as sa
from alembic import op

revision = "e2412789c190"
down_revision = None


def upgrade() -> None:
    op.create_table("user", sa.Column("email", sa.String(), nullable=False))
