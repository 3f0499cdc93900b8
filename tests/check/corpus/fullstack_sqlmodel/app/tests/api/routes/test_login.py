from app.core.config import settings


def test_get_access_token(client) -> None:
    r = client.post(f"{settings.API_V1_STR}/login/access-token", data={"username": "a"})
    assert r.status_code == 200
