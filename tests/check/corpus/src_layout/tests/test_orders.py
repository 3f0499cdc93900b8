from fastapi.testclient import TestClient

from acme.main import app

client = TestClient(app)


def test_list_orders():
    assert client.get(app.url_path_for("list_orders")).status_code == 200
