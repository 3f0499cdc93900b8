from fastapi import FastAPI

from app.routers import items, users

app = FastAPI(title="Flat shop")
app.include_router(items.router, prefix="/items", tags=["items"])
app.include_router(users.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
