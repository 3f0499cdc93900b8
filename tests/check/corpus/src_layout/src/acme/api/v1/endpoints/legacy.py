from fastapi import APIRouter

router = APIRouter(prefix="/legacy")


@router.get("/ping")
async def ping() -> str:
    return "pong"
