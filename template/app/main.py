"""The FastAPI application: lifespan, middleware, error handlers, routers and health checks."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.api.dependencies import SessionDep
from app.api.docs import add_api_docs
from app.api.middleware import (
    BodySizeLimitMiddleware,
    SecurityHeadersMiddleware,
    StrictJSONMiddleware,
)
from app.api.routes import api_router
from app.core.config import settings
from app.core.exceptions import AppError
from app.core.logging import setup_logging
from app.db.database import engine

__all__ = ["app"]

setup_logging(logging.DEBUG if settings.DEBUG else logging.INFO)
logger = logging.getLogger("app")

_DATABASE_UNAVAILABLE = {"description": "The database does not answer"}
_HEALTH_TAG = {"name": "Health", "description": "Liveness and readiness, for load balancers."}
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Log startup, tune the garbage collector for serving, release the pool on shutdown."""
    logger.info("Starting %s (%s)", settings.APP_NAME, settings.ENVIRONMENT)
    # Objects made at start-up (modules, routes, mappers) live as long as the process: frozen,
    # the collector stops scanning them. Requests make many short-lived objects (ORM rows,
    # validation), and a collection every 700 of them, Python's default, cost a sixth of a
    # listing's CPU and doubled its p99 latency under load; every 50,000 costs little memory.
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000)
    yield
    # Undone for a process that starts the app again, as the tests do.
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    await engine.dispose()
    logger.info("Stopped %s", settings.APP_NAME)


# The API documents are off in production unless API_DOCS=true: they map the attack surface.
docs = settings.api_docs_enabled
app = FastAPI(
    title=settings.APP_NAME,
    description=settings.APP_DESCRIPTION,
    debug=settings.DEBUG,
    openapi_url=f"{settings.API_V1_PREFIX}/openapi.json" if docs else None,
    # Served by add_api_docs below, with local assets instead of a CDN's.
    docs_url=None,
    redoc_url=None,
    # The routers' tags are described by their modules' docstrings (app.api.docs).
    openapi_tags=[_HEALTH_TAG],
    lifespan=lifespan,
)

# The last added runs first: headers go on every response, CORS ones included.
app.add_middleware(StrictJSONMiddleware)
app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.MAX_REQUEST_BODY_BYTES)
if settings.CORS_ORIGINS:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.CORS_ORIGINS,
        allow_credentials=settings.CORS_ALLOW_CREDENTIALS,
        allow_methods=["*"],
        allow_headers=["*"],
    )
app.add_middleware(SecurityHeadersMiddleware)


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


@app.exception_handler(PoolTimeoutError)
async def handle_pool_timeout(_request: Request, _exc: PoolTimeoutError) -> JSONResponse:
    """Answer 503 when every database connection stayed busy for the pool's whole timeout."""
    logger.warning("No database connection was free in time")
    return JSONResponse(
        {"detail": "The service is busy; try again shortly"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "1"},
    )


@app.exception_handler(RequestValidationError)
async def handle_validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """Answer 422 with where and why the input is invalid, never echoing the input itself.

    FastAPI's default handler echoes it, and input that failed validation may not be
    serialisable (NaN, deep nesting) or may be something the client should not see again.
    """
    errors = [
        {"type": error["type"], "loc": list(error["loc"]), "msg": error["msg"]}
        for error in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


@app.exception_handler(HTTPException)
async def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    """Starlette's errors (404, 405...), with an `Allow` header that lists every method of a path.

    Starlette's own 405 lists the methods of one route only; OPTIONS answers with the list.
    """
    if exc.status_code != status.HTTP_405_METHOD_NOT_ALLOWED:
        return await http_exception_handler(request, exc)
    allowed = ", ".join(_allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"Allow": allowed})
    return JSONResponse(
        {"detail": "Method Not Allowed"}, status_code=exc.status_code, headers={"Allow": allowed}
    )


def _allowed_methods(request: Request) -> list[str]:
    # Asks the router which methods it would route for this path: no second list to maintain.
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in app.router.routes
        )
    ]
    return [*allowed, "OPTIONS"]


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


# After the health checks: routes are tried in order, and probes call those the most.
app.include_router(api_router, prefix=settings.API_V1_PREFIX)
if docs:
    add_api_docs(app)
