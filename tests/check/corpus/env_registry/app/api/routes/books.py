from fastapi import APIRouter
from sqlalchemy import select as sa_select

from app.api.dependencies import SessionDep
from app.models.book import Book

router = APIRouter()


@router.get("/")
async def list_books(session: SessionDep) -> list[int]:
    rows = await session.exec(sa_select(Book.id))  # expect: GOS301
    return list(rows)
