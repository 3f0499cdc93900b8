from app.core.config import settings


def test_create_item(client, superuser_token_headers) -> None:
    response = client.post(f"{settings.API_V1_STR}/items/", headers=superuser_token_headers)
    assert response.status_code == 200
