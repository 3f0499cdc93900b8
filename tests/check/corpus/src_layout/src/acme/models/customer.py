from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, mapped_column, relationship

from acme.db.base import Base
from acme.models.mixins import TimestampMixin

if TYPE_CHECKING:
    from acme.models.order import Order  # trap: GOS101 (only for type checkers)


class Customer(TimestampMixin, Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    orders: Mapped[list["Order"]] = relationship(back_populates="customer")
