"""The generated app under an OpenAPI fuzzer, on SQLite and on PostgreSQL.

A project with a domain of every field type (made by the real ``gospel add-domain``) is served
by the real uvicorn and fuzzed by schemathesis with every check: no 5xx, every status and body
as the OpenAPI document says, invalid input refused, valid input accepted, methods answered
with 405 and ``Allow``, auth enforced. Without a token, with a superuser's, and with a user's
on the operations that change the caller's own credentials (they revoke that token).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from served_app import (
    ServedApp,
    asyncpg_url,
    build_fuzz_project,
    clean_env,
    schemathesis,
    serve_with_accounts,
)

if TYPE_CHECKING:
    from conftest import SharedCache
    from generated_env import GeneratedVenv

pytestmark = pytest.mark.slow

# Schema-valid input that is refused with a 400, as it should be: a wrong current password;
# wrong credentials at the OAuth2 token endpoint (RFC 6749's invalid_grant).
CONFIG = """\
[[operations]]
include-path = "/api/v1/users/me/password"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "400", "401", "403", "404", "409", "429",
]

[[operations]]
include-path = "/api/v1/auth/token"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "429"]
"""
# Changing them revokes the token the fuzzer holds: fuzzed with a token of their own, last.
OWN_CREDENTIALS = ("/api/v1/users/me", "/api/v1/users/me/password")
EXAMPLES = 8


@pytest.fixture(scope="session")
def fuzz_project(shared_cache: SharedCache, render_project: Callable[..., Path]) -> Path:
    """The project with a domain of every field type (read only)."""
    return build_fuzz_project(shared_cache, render_project)


def _fuzz(app: ServedApp, workdir: Path, name: str, *options: str) -> str:
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    done = subprocess.run(
        [
            *schemathesis(),
            "--config-file",
            str(config),
            "run",
            f"{app.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            "20261128",
            # One at a time: the run is about inputs, concurrency has a benchmark of its own.
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
            *options,
        ],
        cwd=workdir,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"schemathesis ({name}) found failures:\n{done.stdout[-12000:]}"
    return done.stdout


def _fuzz_every_way(app: ServedApp, workdir: Path) -> None:
    own = [option for path in OWN_CREDENTIALS for option in ("--exclude-path", path)]
    superuser = f"Authorization: Bearer {app.tokens['superuser']}"
    user = f"Authorization: Bearer {app.tokens['user']}"
    _fuzz(app, workdir, "no token")
    _fuzz(app, workdir, "superuser", "--header", superuser, *own)
    only_own = [option for path in OWN_CREDENTIALS for option in ("--include-path", path)]
    _fuzz(app, workdir, "user", "--header", user, *only_own)
    assert app.errors() == [], app.server_log()[-12000:]


def test_the_fuzzer_finds_nothing_on_sqlite(
    fuzz_project: Path, generated_venv: GeneratedVenv, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}"
    with serve_with_accounts(generated_venv, fuzz_project, url, tmp_path) as app:
        _fuzz_every_way(app, tmp_path)


@pytest.mark.postgres
def test_the_fuzzer_finds_nothing_on_postgresql(
    fuzz_project: Path, generated_venv: GeneratedVenv, postgres_database: str, tmp_path: Path
) -> None:
    url = asyncpg_url(postgres_database)
    with serve_with_accounts(generated_venv, fuzz_project, url, tmp_path) as app:
        _fuzz_every_way(app, tmp_path)


def test_the_openapi_document_names_no_internals(
    fuzz_project: Path, generated_venv: GeneratedVenv
) -> None:
    # Docstrings become descriptions: an API reader must not meet `Payment.status` there.
    script = (
        "import json\nfrom app.main import app\n"
        "print(json.dumps(app.openapi()['components']['schemas']))"
    )
    done = generated_venv.run("python", "-c", script, cwd=fuzz_project)
    assert done.returncode == 0, done.stderr
    schemas = json.loads(done.stdout)
    enums = {name: schema for name, schema in schemas.items() if "enum" in schema}

    assert enums
    for name, schema in enums.items():
        description = schema.get("description", "")
        assert description.startswith("The "), (name, description)
        assert not re.search(r"`|\b[A-Z]\w*\.\w+", description), (name, description)
