from fastapi import APIRouter, Depends
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session

from app import models, schemas
from app.database import get_db

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/", response_model=list[schemas.UserRead])
def read_users(db: Session = Depends(get_db)):
    return db.execute(sa_select(models.User)).scalars().all()  # expect: GOS301


@router.put("/{user_id}")
def replace_user(user_id: int, user: schemas.UserRead) -> schemas.UserRead:  # expect: GOS601
    return user
