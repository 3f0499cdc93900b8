from app.core.config import settings


def test_get_users_me(client, normal_user_token_headers) -> None:
    r = client.get(f"{settings.API_V1_STR}/users/me", headers=normal_user_token_headers)
    assert r.status_code == 200
