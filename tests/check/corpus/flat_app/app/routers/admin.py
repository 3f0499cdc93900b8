from fastapi import APIRouter

router = APIRouter()  # expect: GOS202, GOS701


@router.get("/admin/stats")
def stats() -> dict[str, int]:
    return {"users": 0}
