"""The API documents: Swagger UI and ReDoc served with their own assets, and the OpenAPI text."""

import base64
import hashlib
import re
from typing import Any

import pytest
from httpx import AsyncClient

from app.api.routes import auth
from app.core.config import settings


async def openapi(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_load_their_assets_from_the_app(
    client: AsyncClient, page: str
) -> None:
    response = await client.get(page)

    assert response.status_code == 200
    # Every script, stylesheet and icon: none from a CDN, so the page works offline.
    assets = re.findall(r'(?:src|href)="([^"]*)"', response.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/docs/assets/"), asset
        assert (await client.get(asset)).status_code == 200, asset


async def test_swagger_ui_runs_no_script_but_its_own(client: AsyncClient) -> None:
    response = await client.get("/docs")

    policy = response.headers["Content-Security-Policy"]
    inline = re.search(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert inline is not None
    digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy


async def test_redoc_runs_no_script_but_its_own(client: AsyncClient) -> None:
    response = await client.get("/redoc")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "default-src 'none'" in policy


async def test_the_openapi_document_starts_with_the_project_description(
    client: AsyncClient,
) -> None:
    info = (await openapi(client))["info"]

    assert info["title"] == settings.APP_NAME
    assert info["description"] == settings.APP_DESCRIPTION


async def test_every_tag_is_described_by_its_routers_docstring(client: AsyncClient) -> None:
    document = await openapi(client)

    used = {
        tag
        for operations in document["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", [])
    }
    descriptions = {tag["name"]: tag.get("description") for tag in document.get("tags", [])}
    # A router module without a docstring leaves its tag undescribed: give it one.
    assert {tag for tag in used if not descriptions.get(tag)} == set()
    assert descriptions["Auth"] == auth.__doc__


async def test_the_authorize_dialog_says_the_username_is_the_email(client: AsyncClient) -> None:
    schemes = (await openapi(client))["components"]["securitySchemes"]

    (scheme,) = schemes.values()
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert "**username** is your email" in scheme["description"]
