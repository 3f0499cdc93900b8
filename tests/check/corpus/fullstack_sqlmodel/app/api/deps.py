from collections.abc import Generator
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from app.core.db import engine
from app.models import User


def get_db() -> Generator[Session, None, None]:
    with Session(engine) as session:  # trap: GOS401 (the session dependency)
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_current_user(session: SessionDep) -> User:
    user = session.get(User, 1)
    assert user is not None
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
