"""The API switchboard: every router is plugged in here."""

from fastapi import APIRouter

from app.api.routes import auth, users

__all__ = ["api_router"]

api_router = APIRouter()
api_router.include_router(auth.router, prefix="/auth", tags=["Auth"])
api_router.include_router(users.router, prefix="/users", tags=["Users"])
