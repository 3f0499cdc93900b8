from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_read_users():
    assert client.get(app.url_path_for("read_users")).status_code == 200
