from sqlalchemy.orm import Mapped, mapped_column

from acme.db.base import Base


class Invoice(Base):  # expect: GOS201, GOS701
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
