from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, func, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base

if TYPE_CHECKING:
    from app.models.author import Author


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped["Author"] = relationship(back_populates="books")

    @hybrid_property
    def pages(self) -> int:
        return 0

    @pages.expression
    def pages(cls):  # trap: GOS103 (SQL for a hybrid attribute)
        return select(func.count()).scalar_subquery()

    async def reviews_count(self, session) -> int:
        return await session.scalar(select(func.count()))  # expect: GOS103
