"""The app as a server starts it: a new process reading its settings from the environment."""

import os
import secrets
import subprocess
import sys

import pytest

# The OpenAPI document's URL, then the documentation pages served.
START = """
from app.main import app

pages = [route.path for route in app.routes if getattr(route, "path", None) in ("/docs", "/redoc")]
print(app.openapi_url, *pages)
"""
# The settings are the app's first import, and where it stops: a quicker start that fails alike.
READ_SETTINGS = "import app.core.config"


def start(code: str = START, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(64), **environment}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"SECRET_KEY": "a" * 32}, "SECRET_KEY is too predictable"),
        ({"DEBUG": "true"}, "DEBUG=true"),
        ({"CORS_ORIGINS": "*"}, "CORS_ORIGINS=*"),
    ],
    ids=["low-entropy-key", "debug", "any-origin-with-credentials"],
)
def test_production_refuses_to_start_with_unsafe_settings(
    setting: dict[str, str], message: str
) -> None:
    started = start(READ_SETTINGS, ENVIRONMENT="production", **setting)

    assert started.returncode != 0
    assert message in started.stderr


def test_production_serves_no_api_documents_unless_enabled() -> None:
    hidden = start(ENVIRONMENT="production")
    shown = start(ENVIRONMENT="production", API_DOCS="true")

    assert hidden.stdout.split() == ["None"], hidden.stderr
    assert shown.stdout.split() == ["/api/v1/openapi.json", "/docs", "/redoc"], shown.stderr
