"""Structured JSON logs carrying the request id of the request being served."""

import logging
import re
import sys
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


# A device token travels in ODK Collect's server URL (/openrosa/key/<token>/...); it never reaches a log.
_URL_TOKEN = re.compile(r"(/openrosa/key/)[^/]+")


def loggable_path(path: str) -> str:
    return _URL_TOKEN.sub(r"\1[redacted]", path)


def carries_token(scope: MutableMapping[str, Any]) -> bool:
    """Whether a request's URL holds a device token. FastAPI's own OpenTelemetry spans (on as soon as an
    operator configures a tracer, meter or logger provider) record the raw `url.path`: such requests are
    left out of them, so that a token never reaches a tracing backend either."""
    return _URL_TOKEN.search(scope.get("path", "")) is not None


class _RequestContextFilter(logging.Filter):
    """Adds the request id to every record and redacts secrets from the request path it carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        path = getattr(record, "path", None)
        if isinstance(path, str):
            record.path = loggable_path(path)
        return True


def configure_logging(level: str = "INFO", json_output: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestContextFilter())
    if json_output:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger("sinmiedo")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
