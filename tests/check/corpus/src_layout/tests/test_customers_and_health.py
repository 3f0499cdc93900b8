from fastapi.testclient import TestClient

from acme.main import app

API = "/api/v1"
client = TestClient(app)


def test_customers():
    assert client.get(f"{API}/customers/").status_code == 200


def test_health():
    assert client.get(f"{API}/health").json() == {"status": "ok"}


def test_legacy():
    assert client.get(f"{API}/legacy/ping").text == '"pong"'
