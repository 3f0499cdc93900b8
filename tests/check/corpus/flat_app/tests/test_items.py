from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_read_item_missing():
    assert client.get("/items/1").status_code == 404
