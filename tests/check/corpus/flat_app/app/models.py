from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.database import Base


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String, unique=True)
    items = relationship("Item", back_populates="owner")  # trap: GOS102 (a string)


class Item(Base):
    __tablename__ = "items"

    id = Column(Integer, primary_key=True)
    title = Column(String)
    owner_id = Column(Integer, ForeignKey("users.id"))
    owner = relationship(User, back_populates="items")  # expect: GOS102

    def label(self) -> str:  # trap: GOS103 (no database work)
        return f"{self.id}: {self.title}"
