"""Requests a fuzzer does not write, sent over real sockets to the app served by uvicorn.

Lone surrogates, deep nesting, a text/plain body, 50 MB bodies (declared and streamed), a
validly signed token whose subject no database integer holds: each gets a 4xx in the app's
JSON error shape, with the security headers, no ``server`` banner, and no traceback logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from served_app import ServedApp, build_fuzz_project, serve

if TYPE_CHECKING:
    from conftest import SharedCache
    from generated_env import GeneratedVenv

pytestmark = pytest.mark.slow

FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def app(
    shared_cache: SharedCache,
    render_project: Callable[..., Path],
    generated_venv: GeneratedVenv,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApp]:
    """The fuzz project served on a fresh SQLite database for this module."""
    project = build_fuzz_project(shared_cache, render_project)
    workdir = tmp_path_factory.mktemp("hostile")
    database_url = f"sqlite+aiosqlite:///{workdir / 'app.db'}"
    with serve(generated_venv, project, database_url, workdir) as served:
        yield served
        assert served.errors() == [], served.server_log()[-8000:]


class RawResponse:
    """A response read off the socket, for requests no client library would send."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }

    def json(self) -> object:
        """The body, decoded (chunked bodies are not expected: every error is small)."""
        return json.loads(self.body)


def _exchange(app: ServedApp, head: str, body_chunks: Iterable[bytes] = ()) -> RawResponse:
    port = int(app.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1"))
        for chunk in body_chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered early and stopped reading: that is the point
            if _answered(sock):
                break
        return RawResponse(_read_all(sock))


def _answered(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        sock.setblocking(True)


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        head, separator, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
        if separator and length and len(body) >= int(length.group(1)):
            break
    return data


def _post(
    app: ServedApp, path: str, body: bytes, content_type: str = "application/json"
) -> RawResponse:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return _exchange(app, head, [body])


def _assert_refused(response: RawResponse, status: int) -> None:
    assert response.status == status, response.body[:500]
    assert response.headers["content-type"] == "application/json"
    assert "detail" in response.json()  # type: ignore[operator]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "server" not in response.headers


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register"])
@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "ann@example.com", "password": "\\ud800\\ud800"}',
        b'{"email": "ann@example.com", "password": NaN}',
        b"[" * 1000 + b"]" * 1000,
        '{"email": "ann@example.com", "password": "password"}'.encode("utf-16"),
    ],
    ids=["lone-surrogates", "nan", "1000-nested-arrays", "utf-16"],
)
def test_json_no_parser_should_accept_is_refused(app: ServedApp, path: str, body: bytes) -> None:
    _assert_refused(_post(app, path, body), 422)


def test_a_json_body_sent_as_text_plain_is_refused(app: ServedApp) -> None:
    body = b'{"email": "plain@example.com", "password": "strongpassword123"}'

    _assert_refused(_post(app, "/api/v1/auth/register", body, "text/plain"), 422)


def test_a_declared_50_mb_body_is_refused_before_it_is_read(app: ServedApp) -> None:
    head = (
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {FIFTY_MB}\r\n\r\n"
    )
    chunks = (b" " * 65536 for _ in range(FIFTY_MB // 65536))

    _assert_refused(_exchange(app, head, chunks), 413)


def test_a_streamed_50_mb_body_is_cut_off_with_413(app: ServedApp) -> None:
    head = (
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"10000\r\n" + b" " * 65536 + b"\r\n"
    chunks = (chunk for _ in range(FIFTY_MB // 65536))

    _assert_refused(_exchange(app, head, chunks), 413)


def _signed_token(secret: str, claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> bytes:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing_input = part({"alg": "HS256", "typ": "JWT"}) + b"." + part(claims)
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


def _secret_key(app: ServedApp) -> str:
    found = re.search(r"^SECRET_KEY=(.+)$", (app.project / ".env").read_text(), re.MULTILINE)
    assert found is not None
    return found.group(1).strip()


@pytest.mark.parametrize("subject", [str(2**63), "9" * 5000], ids=["2^63", "5000-digits"])
def test_a_signed_token_with_an_impossible_subject_is_401(app: ServedApp, subject: str) -> None:
    now = int(time.time())
    token = _signed_token(
        _secret_key(app), {"sub": subject, "fpr": "x", "iat": now, "exp": now + 300}
    )
    head = (
        "GET /api/v1/users/me HTTP/1.1\r\nHost: test\r\n"
        f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )

    response = _exchange(app, head)

    _assert_refused(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
