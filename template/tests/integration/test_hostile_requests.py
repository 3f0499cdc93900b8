"""Requests built to break the app: each gets a 4xx in the app's error shape, never a 5xx."""

import json
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient

from app.api.middleware import MAX_JSON_DEPTH
from app.core.config import settings
from app.main import app
from app.models.user import User

LOGIN = "/api/v1/auth/login"
REGISTER = "/api/v1/auth/register"
JSON = {"Content-Type": "application/json"}


def assert_refused(response_status: int, body: bytes, status: int = 422) -> None:
    assert response_status == status
    json.loads(body)  # an error the client can read, whatever it sent


@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": "ann@example.com", "password": NaN}',
        b'{"email": "ann@example.com", "password": Infinity}',
        b'{"email": "ann@example.com", "password": -Infinity}',
        b'{"email": "ann@example.com", "password": 1e309}',
        b'{"email": "ann@example.com", "password": "\\ud800"}',
        b'{"email": "\\udfff@example.com", "password": "password"}',
        b"[" * 1000 + b"]" * 1000,
        b'{"email": ' * (MAX_JSON_DEPTH + 1) + b"1" + b"}" * (MAX_JSON_DEPTH + 1),
        '{"email": "ann@example.com", "password": "password"}'.encode("utf-16"),
        b'{"email": "ann@example.com", "password": 1' + b"0" * 5000 + b"}",
    ],
    ids=[
        "nan",
        "infinity",
        "minus-infinity",
        "beyond-float",
        "lone-high-surrogate",
        "lone-low-surrogate",
        "1000-nested-arrays",
        "objects-nested-too-deep",
        "utf-16",
        "5000-digit-number",
    ],
)
async def test_json_that_is_not_plain_json_is_refused(client: AsyncClient, raw: bytes) -> None:
    for url in (LOGIN, REGISTER):
        response = await client.post(url, content=raw, headers=JSON)

        assert_refused(response.status_code, response.content)
        assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_json_body_sent_as_another_media_type_is_refused(
    client: AsyncClient, content_type: str | None
) -> None:
    body = b'{"email": "new@example.com", "password": "strongpassword123"}'
    headers = {"Content-Type": content_type} if content_type else {}

    response = await client.post(REGISTER, content=body, headers=headers)

    assert_refused(response.status_code, response.content)


async def test_validation_errors_never_echo_the_input(client: AsyncClient) -> None:
    response = await client.post(REGISTER, json={"email": "not-an-email", "password": "s3cret!"})

    assert response.status_code == 422
    for error in response.json()["detail"]:
        assert set(error) == {"type", "loc", "msg"}


@pytest.mark.parametrize("field", ["password", "full_name"])
async def test_nul_characters_are_refused(client: AsyncClient, field: str) -> None:
    payload = {"email": "nul@example.com", "password": "strongpassword123", "full_name": "Ann"}
    payload[field] = "before\x00after-long-enough"

    response = await client.post(REGISTER, json=payload)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


@pytest.mark.parametrize(
    "email",
    [
        "a" * 65 + "@example.com",
        "a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 58 + ".io",
    ],
    ids=["local-part-over-64", "over-254"],
)
async def test_emails_beyond_the_rfc_lengths_are_refused(client: AsyncClient, email: str) -> None:
    response = await client.post(REGISTER, json={"email": email, "password": "strongpassword123"})

    assert response.status_code == 422


async def test_booleans_are_not_read_from_numbers_or_strings(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str]
) -> None:
    for value in (0, 1, "false"):
        response = await client.patch(
            f"/api/v1/users/{user.id}", headers=superuser_token_headers, json={"is_active": value}
        )

        assert response.status_code == 422


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/users/", {"offset": str(2**63)}),
        ("/api/v1/users/", {"limit": "9" * 5000}),
        (f"/api/v1/users/{2**31}", {}),
        (f"/api/v1/users/{2**63}", {}),
    ],
    ids=["offset-beyond-int64", "limit-of-5000-digits", "id-beyond-int32", "id-beyond-int64"],
)
async def test_integers_beyond_the_databases_range_are_refused(
    client: AsyncClient, superuser_token_headers: dict[str, str], path: str, params: dict[str, str]
) -> None:
    response = await client.get(path, params=params, headers=superuser_token_headers)

    assert response.status_code == 422


async def test_a_body_larger_than_the_limit_is_refused_with_413(client: AsyncClient) -> None:
    too_large = b" " * (settings.MAX_REQUEST_BODY_BYTES + 1)

    response = await client.post(REGISTER, content=too_large, headers=JSON)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_streamed_body_is_cut_off_at_the_limit_with_413(client: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(settings.MAX_REQUEST_BODY_BYTES // 65_536 + 2):
            yield b" " * 65_536

    for headers in (JSON, {"Content-Type": "application/x-www-form-urlencoded"}):
        response = await client.post("/api/v1/auth/token", content=chunks(), headers=headers)

        assert response.status_code == 413
        assert response.json() == {"detail": "The request body is too large"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/api/v1/users/me", 401),
        ("GET", "/nowhere", 404),
        ("POST", REGISTER, 422),
        ("PUT", "/health", 405),
    ],
)
async def test_every_response_carries_the_security_headers(
    client: AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)

    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers


async def test_hsts_is_sent_over_https() -> None:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="https://test") as client:
        response = await client.get("/health")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/v1/users/me", "GET, PATCH, OPTIONS"),
        ("/api/v1/users/7", "GET, PATCH, DELETE, OPTIONS"),
        ("/api/v1/auth/login", "POST, OPTIONS"),
    ],
)
async def test_allow_lists_every_method_of_the_path(
    client: AsyncClient, path: str, methods: str
) -> None:
    refused = await client.put(path)
    options = await client.options(path)

    assert refused.status_code == 405
    assert refused.headers["Allow"] == methods
    assert options.status_code == 204
    assert options.headers["Allow"] == methods
