from fastapi import APIRouter

router = APIRouter()  # expect: GOS701


@router.get("/")
async def list_reviews() -> list[str]:
    return []
