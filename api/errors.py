"""Typed application errors and the one application/problem+json renderer.

Every error a client sees has the same shape: `type`, `title`, `status`,
`detail`, a stable `code`, and for validation failures `errors: [{loc, msg, type}]`.
Nothing else (no stack trace, no SQL) ever leaves the service.
"""

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import OperationalError as DatabaseOperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("sinmiedo.errors")
# How long a client is asked to wait when the database is restarting, failing over or locked.
DATABASE_RETRY_AFTER_SECONDS = 2


class AppError(Exception):
    """Base of every error the service raises on purpose."""

    status: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.errors = errors
        self.headers = headers
        self.extra = extra or {}


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "not_authenticated"

    def __init__(self, detail: str = "Authentication required", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class Unprocessable(AppError):
    """A payload or definition that parses but is not valid (422)."""

    status, code = 422, "validation_failed"


class TooManyRequests(AppError):
    status, code = 429, "too_many_requests"


class ServiceUnavailable(AppError):
    status, code = 503, "service_unavailable"


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"https://sinmiedo.org/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    return [part for part in loc]


def _clean_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Pydantic's entries can carry the offending input and exception objects; keep what a
    # client can act on and what is safe to echo.
    return [{"loc": _location(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
            for err in errors]


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


def validation_problem(errors: list[dict[str, Any]]) -> JSONResponse:
    """The 422 of a request that is not valid, with an error for each place."""
    return problem(422, "validation_failed", "The request is not valid; see errors for each field", errors=errors)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(_clean_validation_errors(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem(exc.status_code, code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        # A lost or refused connection (a PostgreSQL restart, a locked SQLite file) is transient.
        # Whether a commit cut off midway landed is unknown, so the client is told to resend:
        # writes are idempotent (interviews on their instance id), a resend finds what was stored.
        if isinstance(exc, DatabaseOperationalError) or exc.connection_invalidated:
            return _database_unavailable(request, exc)
        logger.error("unhandled database error", extra={
            "path": request.url.path, "error": database_error_text(exc),
            "statement": exc.statement,  # placeholders only: the engines hide parameters
            "traceback": _frames(exc)})
        return internal_error()

    @app.exception_handler(PoolTimeoutError)
    async def _pool_exhausted(request: Request, exc: PoolTimeoutError) -> JSONResponse:
        return _database_unavailable(request, exc)
    @app.exception_handler(DataError)
    async def _unstorable_value(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value a client sent (PostgreSQL: a NUL byte in text, a number out
        # of range, text longer than its column); SQLite stores what PostgreSQL refuses, so the
        # schemas cannot foresee every case. The transaction was rolled back; nothing changed.
        logger.warning("value refused by the database",
                       extra={"path": request.url.path, "error": database_error_text(exc)})
        return problem(422, "unstorable_value", "A value in the request cannot be stored (for example a NUL "
                       "character in text, or a number out of range); nothing was changed")


def log_unexpected(path: str, exc: Exception) -> None:
    """An exception no handler took, logged by its class and where it was raised, not its message: a message
    may quote the values it failed on (an answer, a name, a whole pydantic input), as a database's may.
    (`api.middleware.UnexpectedErrorMiddleware` calls it and answers `internal_error()`.)"""
    logger.error("unhandled error", extra={"path": path, "error": _exception_class(exc), "traceback": _frames(exc)})


def _exception_class(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def _frames(exc: BaseException) -> str:
    """An exception's traceback: the file, line, function and source line of each frame (no value)."""
    return "".join(traceback.format_tb(exc.__traceback__))


def internal_error() -> JSONResponse:
    return problem(500, "internal_error", "An unexpected error occurred; it has been logged")


def database_error_text(exc: DBAPIError) -> str:
    """What a log may say of a database error: the driver's error class and SQLSTATE, and the table, column
    and constraint it names; never a value. The engine hides statements' parameters (answers, names), and
    PostgreSQL's own message may quote them too: its DETAIL can hold the whole failing row, its primary
    message the value refused. SQLite's messages name a constraint or column only."""
    orig = exc.orig
    text = _exception_class(orig)
    diag = getattr(orig, "diag", None)
    if diag is None:
        return f"{text}: {orig}"
    names = {"sqlstate": getattr(orig, "sqlstate", None), "table": diag.table_name, "column": diag.column_name,
             "constraint": diag.constraint_name}
    return text + "".join(f" {key}={value}" for key, value in names.items() if value)


def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("database unavailable: %s", type(exc).__name__, extra={"path": request.url.path})
    return problem(503, "database_unavailable", "The database is unavailable for a moment; send the request again "
                   "(a resent interview is recognised, never stored twice)", headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})
