from fastapi import APIRouter

from app.api.routes import authors, books, reviews

api_router = APIRouter()
api_router.include_router(authors.router, prefix="/authors", tags=["Authors"])
api_router.include_router(books.router, prefix="/books", tags=["Books"])
api_router.include_router(reviews.router, prefix="/reviews", tags=["Reviews"])
