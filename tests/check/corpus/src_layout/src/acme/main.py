from fastapi import FastAPI

from acme.api.v1.router import api_router
from acme.core.config import settings


def create_app() -> FastAPI:
    application = FastAPI(title="Acme orders")
    application.include_router(api_router, prefix=settings.API_PREFIX)
    return application


app = create_app()
