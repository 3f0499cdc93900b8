"""Pure ASGI middleware: security headers, a request body size limit, strict JSON bodies.

Pure ASGI rather than BaseHTTPMiddleware: each costs one function call per request.
"""

import math
from collections.abc import Iterable

from pydantic_core import from_json
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MAX_JSON_DEPTH",
    "BodySizeLimitMiddleware",
    "SecurityHeadersMiddleware",
    "StrictJSONMiddleware",
]

MAX_JSON_DEPTH = 32
"""Arrays and objects nested deeper than this are refused: no real payload needs more."""

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # JSON answers load nothing and go in no frame; /docs and /redoc set a policy of their own.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
_HSTS = "max-age=63072000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, and HSTS to those served over HTTPS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("Strict-Transport-Security", _HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Answers 413 to request bodies larger than `max_body_bytes`, declared or streamed.

    FastAPI's own `max_body_size` answers a declared oversize body in plain text from
    outside every middleware; this one answers in the app's JSON error shape, with headers.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _too_large()(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                # An HTTPException: FastAPI passes it on from its body parsing to its handler.
                raise HTTPException(413, _TOO_LARGE)
            return message

        await self.app(scope, receive_within_limit, send)


_TOO_LARGE = "The request body is too large"


def _too_large() -> JSONResponse:
    return JSONResponse({"detail": _TOO_LARGE}, status_code=413)


class StrictJSONMiddleware:
    """Refuses, with a 422, JSON bodies that are not plain RFC 8259 JSON.

    FastAPI's parser accepts NaN and Infinity, numbers too large for a float, lone UTF-16
    surrogates, UTF-16 and UTF-32 text, and nesting up to the recursion limit; each of those
    could then fail to serialise or to store, as a 500. The body is parsed here first with
    pydantic-core's strict parser, which refuses them, and handed on unchanged.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(Headers(scope=scope).get("content-type")):
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except HTTPException as error:  # BodySizeLimitMiddleware's 413
            response = JSONResponse(
                {"detail": error.detail}, status_code=error.status_code, headers=error.headers
            )
            await response(scope, receive, send)
            return
        if body is None:  # the client went away
            return
        problem = _json_problem(body) if body else None
        if problem is not None:
            invalid = {
                "type": "json_invalid",
                "loc": ["body"],
                "msg": f"JSON decode error: {problem}",
            }
            await JSONResponse({"detail": [invalid]}, status_code=422)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _is_json(content_type: str | None) -> bool:
    # The media types FastAPI parses as JSON: application/json and application/*+json.
    if content_type is None:
        return False
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _json_problem(body: bytes) -> str | None:
    """Why `body` is refused, or None when it is plain JSON."""
    try:
        # UTF-8 only; refuses NaN, Infinity, lone surrogates and nesting beyond 200 levels.
        document = from_json(body, allow_inf_nan=False)
    except ValueError as error:
        return str(error)
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"nested deeper than {MAX_JSON_DEPTH} levels"
            children: Iterable[object] = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
        elif isinstance(value, float) and math.isinf(value):
            return "number out of range"  # 1e309 reads as infinity
    return None
