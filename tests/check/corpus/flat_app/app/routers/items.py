from aiohttp import ClientSession
from fastapi import APIRouter, BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session

from app import crud, models, schemas
from app.database import SessionLocal, get_db

router = APIRouter()


def http_session() -> ClientSession:
    return ClientSession()


def cleanup() -> None:
    db = SessionLocal()  # expect: GOS401
    db.close()


@router.get("/", response_model=list[schemas.ItemRead])
def read_items(db: Session = Depends(get_db)):
    return crud.get_items(db)  # trap: GOS301 (a call into crud, not on the session)


@router.get("/{item_id}", response_model=schemas.ItemRead)
def read_item(item_id: int, db: Session = Depends(get_db)):
    return db.query(models.Item).get(item_id)  # expect: GOS301


@router.post("/", response_model=schemas.ItemRead)
def create_item(item: schemas.ItemCreate, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(cleanup)
    return crud.create_item(db, item)


@router.get("/proxy/{path}")
async def proxy(path: str, request: Request, session: ClientSession = Depends(http_session)):
    visitor = request.session.get("visitor")  # trap: GOS301 (Starlette's session is a dict)
    async with session.get(f"https://example.com/{path}") as answer:  # trap: GOS301 (aiohttp)
        return {"visitor": visitor, "status": answer.status}
