from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import create_access_token
from app.models.user import User
from tests.conftest import USER_PASSWORD


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
        "/api/v1/auth/token", data={"username": user.email, "password": USER_PASSWORD}
    )

    assert response.status_code == 200
    assert response.json()["access_token"]


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
    token = create_access_token(user.id, expires_delta=timedelta(seconds=-1))

    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_me_of_a_deactivated_user_is_forbidden(
    client: AsyncClient, session: AsyncSession, user: User, user_token_headers: dict[str, str]
) -> None:
    user.is_active = False
    await session.commit()

    response = await client.get("/api/v1/auth/me", headers=user_token_headers)

    assert response.status_code == 403
    assert response.json() == {"detail": "Inactive user"}
