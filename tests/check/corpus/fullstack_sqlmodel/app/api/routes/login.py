from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from app import crud
from app.api.deps import SessionDep

router = APIRouter(tags=["login"])


@router.post("/login/access-token")
def login_access_token(
    session: SessionDep, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> dict[str, str]:
    user = crud.get_user_by_email(session=session, email=form_data.username)
    return {"access_token": str(user), "token_type": "bearer"}
