import uuid
from typing import Any

from fastapi import APIRouter
from sqlmodel import col, delete

from app import crud
from app.api.deps import CurrentUser, SessionDep
from app.models import Item, Message, UserCreate, UserPublic

router = APIRouter(prefix="/users", tags=["users"])


@router.post("/", response_model=UserPublic)
def create_user(*, session: SessionDep, user_in: UserCreate) -> Any:
    return crud.create_user(session=session, user_create=user_in)  # trap: GOS301 (crud)


@router.get("/me", response_model=UserPublic)
def read_user_me(current_user: CurrentUser) -> Any:
    return current_user


@router.delete("/{user_id}")
def delete_user(session: SessionDep, current_user: CurrentUser, user_id: uuid.UUID) -> Message:
    statement = delete(Item).where(col(Item.owner_id) == user_id)  # expect: GOS301
    session.exec(statement)  # expect: GOS301
    session.commit()  # expect: GOS301
    return Message(message="User deleted successfully")
