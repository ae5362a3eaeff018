"""ASGI middleware: request ids with access logs, request body size limits, URLs without NUL, and the
500 of an exception no handler took.

All are plain ASGI so they never buffer bodies and work for streaming uploads.
"""

import json
import logging
import re
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.db_types import NUL_REFUSED
from api.errors import PROBLEM_JSON, internal_error, log_unexpected, validation_problem
from api.logs import request_id_var

access_log = logging.getLogger("sinmiedo.access")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class _HttpMiddleware:
    """A plain ASGI middleware of HTTP requests (`handle`); other scopes (lifespan, websockets) pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContextMiddleware(_HttpMiddleware):
    """Assigns every request an id (or keeps a safe client-sent X-Request-ID) and logs it."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _SAFE_REQUEST_ID.match(sent) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)


class BodySizeLimitMiddleware(_HttpMiddleware):
    """Refuses request bodies over a limit with 413, whether or not Content-Length is sent.

    `limit_for(path)` lets upload endpoints have a larger limit than JSON endpoints.
    """

    def __init__(self, app: ASGIApp, default_limit: int, upload_limit: int, upload_prefixes: tuple[str, ...]) -> None:
        super().__init__(app)
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_prefixes = upload_prefixes

    def limit_for(self, path: str) -> int:
        return self.upload_limit if any(path.startswith(p) for p in self.upload_prefixes) else self.default_limit

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope.get("path", ""))
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                declared_size = int(declared)
            except ValueError:
                declared_size = -1
            if declared_size > limit:
                await _send_too_large(send, limit)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        tracked = _TrackedSend(send)
        try:
            await self.app(scope, limited_receive, tracked)
        except _BodyTooLarge:
            if not tracked.started:
                await _send_too_large(send, limit)


class _TrackedSend:
    """An ASGI `send` that notes whether the response has started (after which no other can be sent)."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


class _BodyTooLarge(HTTPException):
    # An HTTPException so that frameworks reading the body re-raise it instead of turning
    # it into a generic "could not parse the body" 400; the error handlers render it as 413.
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds the limit of {limit} bytes")


async def _send_too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "type": "https://sinmiedo.org/problems/payload_too_large",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"The request body exceeds the limit of {limit} bytes",
            "code": "payload_too_large",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class UrlTextMiddleware(_HttpMiddleware):
    """Refuses a URL whose path or query holds the NUL character (sent as %00), 422 naming where, before
    any route reads it: no code, name or label holds one, SQLite would store it and PostgreSQL refuses to
    store or even compare it (a 422 that named nothing). Every route's path and query parameters, without
    typing each; JSON bodies are checked by their schemas (`api.db_types.StorableText`)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        errors = nul_in_url(scope)  # under /openrosa/ too, answered in OpenRosa XML (api.openrosa.envelope)
        if errors:
            await validation_problem(errors)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def nul_in_url(scope: Scope) -> list[dict[str, Any]]:
    """The places (path, query parameters) of a request's URL that hold NUL, as validation errors."""
    places: list[list[str]] = [["path"]] if "\x00" in scope["path"] else []
    if b"%00" in scope["query_string"]:
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        places.extend(["query", name] for name, value in pairs if "\x00" in name + value)
    return [{"loc": place, "msg": NUL_REFUSED, "type": "value_error"} for place in places]


class UnexpectedErrorMiddleware(_HttpMiddleware):
    """An exception that no handler took is logged without its message (`api.errors.log_unexpected`),
    answered 500 if the response has not started, and raised no further. Left to Starlette's outermost
    ServerErrorMiddleware, it is raised on to the server after the 500, and uvicorn logs it as "Exception
    in ASGI application" with its message, which may quote a respondent's answers."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tracked = _TrackedSend(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            log_unexpected(scope["path"], exc)
            if not tracked.started:
                await internal_error()(scope, receive, send)
