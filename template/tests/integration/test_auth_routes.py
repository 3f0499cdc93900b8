from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.security import create_access_token
from app.models.user import User
from tests.conftest import USER_PASSWORD

TOKEN = "/api/v1/auth/token"
FORM = "application/x-www-form-urlencoded"


async def login(client: AsyncClient, email: str, password: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_register_user(client: AsyncClient) -> None:
    payload = {
        "email": "newuser@example.com",
        "password": "strongpassword123",
        "full_name": "Test User",
    }

    response = await client.post("/api/v1/auth/register", json=payload)

    assert response.status_code == 201
    data = response.json()
    assert data["email"] == "newuser@example.com"
    assert "id" in data
    assert "password" not in data
    assert "hashed_password" not in data


async def test_register_with_a_taken_email_is_a_conflict(client: AsyncClient, user: User) -> None:
    payload = {"email": user.email.upper(), "password": "strongpassword123"}

    response = await client.post("/api/v1/auth/register", json=payload)

    assert response.status_code == 409
    assert response.json() == {"detail": "A user with this email already exists"}


async def test_register_validates_email_and_password_length(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "not-an-email", "password": "short"}
    )

    assert response.status_code == 422
    assert {error["loc"][-1] for error in response.json()["detail"]} == {"email", "password"}


async def test_login_returns_a_bearer_token(client: AsyncClient, user: User) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": USER_PASSWORD}
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.json()["email"] == user.email


async def test_login_failures_do_not_reveal_whether_the_account_exists(
    client: AsyncClient, user: User
) -> None:
    wrong_password = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": "wrong-password"}
    )
    unknown_email = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": USER_PASSWORD}
    )

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert (
        wrong_password.json() == unknown_email.json() == {"detail": "Incorrect email or password"}
    )
    assert wrong_password.headers["WWW-Authenticate"] == "Bearer"


async def test_login_of_an_inactive_user_is_forbidden(
    client: AsyncClient, session: AsyncSession, user: User
) -> None:
    user.is_active = False
    await session.commit()

    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": USER_PASSWORD}
    )

    assert response.status_code == 403


async def test_token_endpoint_accepts_the_oauth2_password_form(
    client: AsyncClient, user: User
) -> None:
    response = await client.post(
        TOKEN, data={"grant_type": "password", "username": user.email, "password": USER_PASSWORD}
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert me.json()["email"] == user.email


async def test_token_endpoint_answers_wrong_credentials_as_oauth2_says(
    client: AsyncClient, user: User
) -> None:
    wrong_password = await client.post(
        TOKEN, data={"username": user.email, "password": "wrong-password"}
    )
    unknown_email = await client.post(
        TOKEN, data={"username": "nobody@example.com", "password": USER_PASSWORD}
    )

    # RFC 6749 §5.2: 400 and an error code; Swagger UI shows the description.
    assert wrong_password.status_code == unknown_email.status_code == 400
    expected = {"error": "invalid_grant", "error_description": "Incorrect email or password"}
    assert wrong_password.json() == unknown_email.json() == expected
    assert wrong_password.headers["Cache-Control"] == "no-store"


async def test_token_endpoint_refuses_an_inactive_account_as_an_invalid_grant(
    client: AsyncClient, session: AsyncSession, user: User
) -> None:
    user.is_active = False
    await session.commit()

    response = await client.post(TOKEN, data={"username": user.email, "password": USER_PASSWORD})

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Inactive user"}


@pytest.mark.parametrize(
    ("form", "error", "explained"),
    [
        ({"username": "user@example.com"}, "invalid_request", "password: Field required"),
        ({"username": "not-an-email", "password": "x"}, "invalid_request", "username: value is"),
        ({"username": "user@example.com", "password": "x\x00"}, "invalid_request", "password"),
        (
            {"grant_type": "client_credentials", "username": "user@example.com", "password": "x"},
            "unsupported_grant_type",
            "password grant",
        ),
    ],
    ids=["no-password", "username-not-an-email", "nul-in-password", "another-grant-type"],
)
async def test_token_endpoint_answers_malformed_forms_as_oauth2_says(
    client: AsyncClient, form: dict[str, str], error: str, explained: str
) -> None:
    response = await client.post(TOKEN, data=form)

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert explained in response.json()["error_description"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ('{"username": "user@example.com", "password": "x"}', "application/json"),
        ("username=a@example.com&username=b@example.com&password=x", FORM),
    ],
    ids=["json-instead-of-a-form", "a-parameter-twice"],
)
async def test_token_endpoint_refuses_what_oauth2_forbids(
    client: AsyncClient, content: str, content_type: str
) -> None:
    response = await client.post(TOKEN, content=content, headers={"Content-Type": content_type})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_token_endpoint_treats_empty_parameters_as_omitted(
    client: AsyncClient, user: User
) -> None:
    form = {"grant_type": "", "scope": "", "username": user.email, "password": USER_PASSWORD}

    response = await client.post(TOKEN, data=form)

    assert response.status_code == 200


async def test_the_openapi_document_tells_each_login_endpoints_errors(client: AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    token = paths["/api/v1/auth/token"]["post"]["responses"]
    login = paths["/api/v1/auth/login"]["post"]["responses"]

    def schema(response: dict[str, Any]) -> str:
        ref: str = response["content"]["application/json"]["schema"]["$ref"]
        return ref.rpartition("/")[2]

    assert sorted(token) == ["200", "400", "413", "429"]
    assert schema(token["400"]) == schema(token["429"]) == "TokenErrorResponse"
    assert "Retry-After" in token["429"]["headers"]
    assert {"401", "403", "422", "429"} <= set(login)
    assert schema(login["401"]) == schema(login["429"]) == "ErrorResponse"


async def test_me_returns_the_current_user(
    client: AsyncClient, user: User, user_token_headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/auth/me", headers=user_token_headers)

    assert response.status_code == 200
    assert response.json()["id"] == user.id
    assert "hashed_password" not in response.json()


async def test_me_without_a_token_is_unauthorized(client: AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me")

    assert response.status_code == 401


async def test_me_with_an_expired_token_is_unauthorized(client: AsyncClient, user: User) -> None:
    token = create_access_token(user, expires_delta=timedelta(seconds=-1))

    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_tokens_issued_before_a_deactivation_are_unauthorized(
    client: AsyncClient, session: AsyncSession, user: User, user_token_headers: dict[str, str]
) -> None:
    user.is_active = False
    await session.commit()

    response = await client.get("/api/v1/auth/me", headers=user_token_headers)

    assert response.status_code == 401


async def test_a_token_of_an_inactive_user_is_forbidden(
    client: AsyncClient, session: AsyncSession, user: User
) -> None:
    user.is_active = False
    await session.commit()
    token = create_access_token(user)

    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Inactive user"}


async def test_a_password_change_revokes_earlier_tokens(
    client: AsyncClient, user: User, user_token_headers: dict[str, str]
) -> None:
    other_session = await login(client, user.email, USER_PASSWORD)

    changed = await client.post(
        "/api/v1/users/me/password",
        headers=user_token_headers,
        json={"current_password": USER_PASSWORD, "new_password": "a-brand-new-password"},
    )

    assert changed.status_code == 204
    for headers in (user_token_headers, other_session):
        assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    fresh = await login(client, user.email, "a-brand-new-password")
    assert (await client.get("/api/v1/auth/me", headers=fresh)).status_code == 200


async def test_an_email_change_revokes_earlier_tokens(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    changed = await client.patch(
        "/api/v1/users/me", headers=user_token_headers, json={"email": "renamed@example.com"}
    )

    assert changed.status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=user_token_headers)).status_code == 401
    fresh = await login(client, "renamed@example.com", USER_PASSWORD)
    assert (await client.get("/api/v1/auth/me", headers=fresh)).status_code == 200


async def test_a_name_change_keeps_tokens_valid(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    changed = await client.patch(
        "/api/v1/users/me", headers=user_token_headers, json={"full_name": "Ann Smith"}
    )

    assert changed.status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=user_token_headers)).status_code == 200


async def test_token_responses_are_never_cached(client: AsyncClient, user: User) -> None:
    for response in (
        await client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": USER_PASSWORD}
        ),
        await client.post(TOKEN, data={"username": user.email, "password": USER_PASSWORD}),
    ):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


async def test_repeated_failed_logins_for_an_account_are_refused_with_429(
    client: AsyncClient, user: User
) -> None:
    limit = settings.login_failures_per_account.amount
    for _ in range(limit):
        failed = await client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": "wrong-password"}
        )
        assert failed.status_code == 401

    # The right password waits too, on both login endpoints.
    refused = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": USER_PASSWORD}
    )
    form = await client.post(TOKEN, data={"username": user.email, "password": USER_PASSWORD})

    assert refused.status_code == form.status_code == 429
    assert (
        0 < int(refused.headers["Retry-After"]) <= settings.login_failures_per_account.get_expiry()
    )
    assert refused.json() == {"detail": "Too many failed logins; try again later"}
    assert form.json() == {
        "error": "temporarily_unavailable",
        "error_description": "Too many failed logins; try again later",
    }
    assert int(form.headers["Retry-After"]) > 0


async def test_repeated_failed_logins_from_a_client_are_refused_with_429(
    client: AsyncClient, user: User
) -> None:
    limit = settings.login_failures_per_client.amount
    for number in range(limit):
        failed = await client.post(
            "/api/v1/auth/login",
            json={"email": f"guess{number}@example.com", "password": USER_PASSWORD},
        )
        assert failed.status_code == 401

    refused = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": USER_PASSWORD}
    )

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
