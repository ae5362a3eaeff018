"""Every response under /openrosa/ is an OpenRosa response, whatever answered it.

Collect shows the message of an OpenRosa XML response and reads the OpenRosa headers of every response
(the version it speaks, the largest submission it may send). The endpoints answer so themselves; errors
are rendered once for the whole service as problem documents (`api.errors`), by the route's handlers as
by what answers before or after a route: the body size limit's 413, the URL check's 422, a 404 or 405 of
the router, the database's 503, an unexpected error's 500. Under /openrosa/ this middleware turns such a
document into the OpenRosa message Collect shows (its detail, code, and each error's place and reason)
and gives every response the OpenRosa headers (a 413 the accepted content length too, so that Collect can
send the instance in smaller parts).
"""

import json
from xml.etree.ElementTree import tostring

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_JSON
from api.openrosa import responses

PREFIX = "/openrosa/"


class OpenRosaEnvelopeMiddleware:
    def __init__(self, app: ASGIApp, accept_content_length: int) -> None:
        self.app = app
        self.accept_content_length = accept_content_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        held: Message | None = None  # a problem document's start, sent once its body is rewritten
        problem = bytearray()

        async def enveloped(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                accepted = self.accept_content_length if message["status"] == 413 else None
                for name, value in responses.openrosa_headers(accepted).items():
                    if name not in headers:
                        headers[name] = value
                message = {**message, "headers": headers.raw}
                if headers.get("content-type", "").startswith(PROBLEM_JSON) and scope["method"] != "HEAD":
                    held = message
                    return
            elif held is not None and message["type"] == "http.response.body":
                problem.extend(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = _openrosa_message(bytes(problem))
                headers = MutableHeaders(raw=list(held["headers"]))
                headers["content-type"] = "text/xml; charset=utf-8"
                headers["content-length"] = str(len(body))
                await send({**held, "headers": headers.raw})
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, enveloped)


def _openrosa_message(problem: bytes) -> bytes:
    """A problem document as an OpenRosa message: its detail and code, then each error's place and reason."""
    document = json.loads(problem)
    text = f"{document.get('detail')} [{document.get('code')}]"
    places = [f"{'.'.join(str(part) for part in error.get('loc', []))}: {error.get('msg')}"
              for error in document.get("errors") or []]
    if places:
        text += " " + "; ".join(places)
    return tostring(responses.message(text, "submit_error"), encoding="unicode", xml_declaration=True).encode("utf-8")
