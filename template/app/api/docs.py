"""The API documents: Swagger UI at /docs and ReDoc at /redoc, served by the app itself.

Their JavaScript and CSS come from the fastapi-offline package instead of a CDN, so the pages
work offline and in locked-down networks, under a Content-Security-Policy that allows this
origin only. Each tag of the OpenAPI document is described by its router module's docstring.
"""

import base64
import hashlib
import html
import re
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute

__all__ = ["add_api_docs"]

_ASSETS_URL = "/docs/assets"
"""Where the pages' assets are served: fastapi-offline's, and ours in app/api/static."""

# validatorUrl: no badge fetched from swagger.io, which would also send it the document's URL.
_SWAGGER_UI_PARAMETERS = {"validatorUrl": None}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

# Everything from this origin, nothing from elsewhere. Swagger UI starts from an inline script,
# allowed by its hash; ReDoc styles itself with inline <style> and searches in a blob: worker.
_SELF_ONLY = (
    "default-src 'none'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_REDOC_CSP = f"{_SELF_ONLY}; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src blob:"


def add_api_docs(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets, and describe every tag in the OpenAPI document."""
    app.mount(
        _ASSETS_URL,
        StaticFiles(
            directory=Path(__file__).parent / "static", packages=[("fastapi_offline", "static")]
        ),
        name="docs-assets",
    )
    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)
    openapi = app.openapi

    def openapi_with_tag_descriptions() -> dict[str, Any]:
        # On the first call, once every router is in: tags added later describe themselves.
        if app.openapi_schema is None:
            named = {tag["name"] for tag in app.openapi_tags or []}
            described = _tag_descriptions(app.routes)
            app.openapi_tags = [
                *(app.openapi_tags or []),
                *(
                    {"name": name, "description": text}
                    for name, text in described.items()
                    if name not in named
                ),
            ]
        return openapi()

    # FastAPI's documented way to extend the OpenAPI document.
    app.openapi = openapi_with_tag_descriptions  # type: ignore[method-assign]


def _tag_descriptions(routes: Sequence[BaseRoute]) -> dict[str, str]:
    """Each tag's description: the first paragraph of the docstring of its routes' module."""
    descriptions: dict[str, str] = {}
    # Included routers are nested since FastAPI 0.137: iter_route_contexts walks them all.
    for route in iter_route_contexts(routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        module = sys.modules.get(route.endpoint.__module__)
        docstring = (module.__doc__ or "").strip() if module else ""
        if not docstring:
            continue
        first_paragraph = " ".join(docstring.split("\n\n")[0].split())
        for tag in route.tags:
            descriptions.setdefault(tag.value if isinstance(tag, Enum) else tag, first_paragraph)
    return descriptions


async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI, on this app's OpenAPI document."""
    app: FastAPI = request.app
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{app.openapi_url}",
        title=html.escape(f"{app.title} - Swagger UI"),
        swagger_js_url=f"{root}{_ASSETS_URL}/swagger-ui-bundle.js",
        # swagger-ui.css, and the app's own rules after it.
        swagger_css_url=f"{root}{_ASSETS_URL}/swagger-ui-app.css",
        swagger_favicon_url=f"{root}{_ASSETS_URL}/favicon.png",
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters={**_SWAGGER_UI_PARAMETERS, **(app.swagger_ui_parameters or {})},
    )
    scripts = _INLINE_SCRIPT.findall(bytes(page.body).decode())
    hashes = "".join(f" '{_sha256(script)}'" for script in scripts)
    page.headers["Content-Security-Policy"] = (
        f"{_SELF_ONLY}; script-src 'self'{hashes}; style-src 'self'"
    )
    return page


async def redoc(request: Request) -> HTMLResponse:
    """ReDoc, on this app's OpenAPI document."""
    app: FastAPI = request.app
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{app.openapi_url}",
        title=html.escape(f"{app.title} - ReDoc"),
        redoc_js_url=f"{root}{_ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{_ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = _REDOC_CSP
    return page


def _sha256(script: str) -> str:
    digest = hashlib.sha256(script.encode()).digest()
    return f"sha256-{base64.b64encode(digest).decode()}"
