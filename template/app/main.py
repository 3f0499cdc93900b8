"""The FastAPI application: lifespan, middleware, error handlers, routers and health checks."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.api.dependencies import SessionDep
from app.api.routes import api_router
from app.core.config import settings
from app.core.exceptions import AppError
from app.core.logging import setup_logging
from app.db.database import engine

__all__ = ["app"]

setup_logging(logging.DEBUG if settings.DEBUG else logging.INFO)
logger = logging.getLogger("app")

_DATABASE_UNAVAILABLE = {"description": "The database does not answer"}


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Log startup and release the database pool on shutdown."""
    logger.info("Starting %s (%s)", settings.APP_NAME, settings.ENVIRONMENT)
    yield
    await engine.dispose()
    logger.info("Stopped %s", settings.APP_NAME)


app = FastAPI(
    title=settings.APP_NAME,
    debug=settings.DEBUG,
    openapi_url=f"{settings.API_V1_PREFIX}/openapi.json",
    lifespan=lifespan,
)

if settings.CORS_ORIGINS:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.CORS_ORIGINS,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

app.include_router(api_router, prefix=settings.API_V1_PREFIX)


@app.exception_handler(AppError)
async def handle_app_error(_request: Request, exc: AppError) -> JSONResponse:
    """Turn an application error into its HTTP response."""
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


@app.exception_handler(IntegrityError)
async def handle_integrity_error(_request: Request, exc: IntegrityError) -> JSONResponse:
    """Answer 409 when a constraint rejects a write that raced past the service checks."""
    logger.info("Integrity error: %s", exc.orig)
    return JSONResponse(
        {"detail": "The request conflicts with existing data"},
        status_code=status.HTTP_409_CONFLICT,
    )


@app.get("/health", tags=["Health"])
async def health() -> dict[str, str]:
    """Liveness: the process is up."""
    return {"status": "healthy"}


@app.get("/health/ready", tags=["Health"], responses={503: _DATABASE_UNAVAILABLE})
async def ready(session: SessionDep) -> JSONResponse:
    """Readiness: the database answers."""
    try:
        await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        logger.exception("Readiness check failed")
        return JSONResponse(
            {"status": "unavailable"}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    return JSONResponse({"status": "ready"})
