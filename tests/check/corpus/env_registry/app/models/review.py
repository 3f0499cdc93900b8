from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base


class Review(Base):  # expect: GOS201
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
