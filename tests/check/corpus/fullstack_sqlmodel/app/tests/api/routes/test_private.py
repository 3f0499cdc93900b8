from app.core.config import settings


def test_create_user(client) -> None:
    r = client.post(f"{settings.API_V1_STR}/private/users/", json={"email": "a@b.c"})
    assert r.status_code == 200
