from sqlmodel import Session, create_engine, select

from app import crud
from app.core.config import settings
from app.models import User, UserCreate

engine = create_engine(settings.SQLALCHEMY_DATABASE_URI)


def init_db(session: Session) -> None:
    user = session.exec(select(User).where(User.email == "admin@example.com")).first()
    if not user:
        crud.create_user(session=session, user_create=UserCreate(email="admin@example.com"))
