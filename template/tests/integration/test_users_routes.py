from datetime import datetime

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import verify_password
from app.models.user import User
from tests.conftest import USER_PASSWORD


async def test_read_me_returns_the_account_with_aware_timestamps(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/users/me", headers=user_token_headers)

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "user@example.com"
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert "hashed_password" not in body


async def test_update_me_changes_only_the_fields_sent(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    response = await client.patch(
        "/api/v1/users/me", headers=user_token_headers, json={"full_name": "Ann Smith"}
    )

    assert response.status_code == 200
    assert response.json()["full_name"] == "Ann Smith"
    assert response.json()["email"] == "user@example.com"
    assert response.json()["updated_at"] >= response.json()["created_at"]


async def test_update_me_cannot_grant_superuser(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    response = await client.patch(
        "/api/v1/users/me", headers=user_token_headers, json={"is_superuser": True}
    )

    assert response.status_code == 200
    assert response.json()["is_superuser"] is False


async def test_update_me_to_a_taken_email_is_a_conflict(
    client: AsyncClient, superuser: User, user_token_headers: dict[str, str]
) -> None:
    response = await client.patch(
        "/api/v1/users/me", headers=user_token_headers, json={"email": superuser.email}
    )

    assert response.status_code == 409


async def test_update_me_with_a_null_email_is_invalid(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    response = await client.patch(
        "/api/v1/users/me", headers=user_token_headers, json={"email": None}
    )

    assert response.status_code == 422


async def test_change_password_replaces_the_hash(
    client: AsyncClient, session: AsyncSession, user: User, user_token_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/users/me/password",
        headers=user_token_headers,
        json={"current_password": USER_PASSWORD, "new_password": "a-brand-new-password"},
    )

    assert response.status_code == 204
    await session.refresh(user)
    verified, _ = await verify_password("a-brand-new-password", user.hashed_password)
    assert verified


async def test_change_password_with_a_wrong_current_password_is_refused(
    client: AsyncClient, user_token_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/users/me/password",
        headers=user_token_headers,
        json={"current_password": "wrong-password", "new_password": "a-brand-new-password"},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Incorrect password"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/users/"), ("GET", "/api/v1/users/1"), ("DELETE", "/api/v1/users/1")],
)
async def test_admin_routes_are_forbidden_to_regular_users(
    client: AsyncClient, user_token_headers: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, path, headers=user_token_headers)

    assert response.status_code == 403


async def test_admin_routes_need_a_token(client: AsyncClient) -> None:
    response = await client.get("/api/v1/users/")

    assert response.status_code == 401


async def test_list_users_returns_a_page_and_the_total(
    client: AsyncClient, user: User, superuser: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.get(
        "/api/v1/users/", headers=superuser_token_headers, params={"offset": 1, "limit": 1}
    )

    assert response.status_code == 200
    assert response.json()["total"] == 2
    assert response.json()["offset"] == 1
    assert response.json()["limit"] == 1
    # Rows come in primary key order: `user` was created first.
    assert [item["email"] for item in response.json()["items"]] == [superuser.email]


async def test_a_page_past_the_last_row_is_empty_and_still_gives_the_total(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.get(
        "/api/v1/users/", headers=superuser_token_headers, params={"offset": 10, "limit": 5}
    )

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["total"] == 2


async def test_list_users_caps_the_page_size(
    client: AsyncClient, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.get(
        "/api/v1/users/", headers=superuser_token_headers, params={"limit": 1000}
    )

    assert response.status_code == 200
    assert response.json()["limit"] == 100


async def test_read_user_returns_any_user_to_a_superuser(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.get(f"/api/v1/users/{user.id}", headers=superuser_token_headers)

    assert response.status_code == 200
    assert response.json()["email"] == user.email


async def test_update_user_lets_a_superuser_deactivate_and_promote(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.patch(
        f"/api/v1/users/{user.id}",
        headers=superuser_token_headers,
        json={"is_active": False, "is_superuser": True},
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["is_superuser"] is True


async def test_update_user_can_reset_a_password(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.patch(
        f"/api/v1/users/{user.id}",
        headers=superuser_token_headers,
        json={"password": "reset-password-123"},
    )
    login = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": "reset-password-123"}
    )

    assert response.status_code == 200
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("PATCH", {"full_name": "Nobody"}), ("DELETE", None)]
)
async def test_unknown_user_is_not_found(
    client: AsyncClient,
    superuser_token_headers: dict[str, str],
    method: str,
    body: dict[str, str] | None,
) -> None:
    response = await client.request(
        method, "/api/v1/users/999999", headers=superuser_token_headers, json=body
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "User with id '999999' not found"}


async def test_delete_user_removes_the_account(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.delete(f"/api/v1/users/{user.id}", headers=superuser_token_headers)
    again = await client.get(f"/api/v1/users/{user.id}", headers=superuser_token_headers)

    assert response.status_code == 204
    assert again.status_code == 404


async def test_a_superuser_cannot_delete_themselves(
    client: AsyncClient, superuser: User, superuser_token_headers: dict[str, str]
) -> None:
    response = await client.delete(f"/api/v1/users/{superuser.id}", headers=superuser_token_headers)

    assert response.status_code == 403


@pytest.mark.parametrize("field", ["email", "password", "is_active", "is_superuser"])
async def test_update_user_refuses_null_for_required_fields(
    client: AsyncClient, user: User, superuser_token_headers: dict[str, str], field: str
) -> None:
    response = await client.patch(
        f"/api/v1/users/{user.id}", headers=superuser_token_headers, json={field: None}
    )

    assert response.status_code == 422
