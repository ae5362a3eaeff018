"""JSON bodies an endpoint reads itself, documented in OpenAPI as if FastAPI had read them.

The interview intake authenticates before it reads the body (a caller without the right gets 401/403,
never a 422 about a body it may not send) and parses on its own thread; FastAPI would parse a declared
body first, in the event loop. These helpers keep the errors and the schema what a declared body gives.
"""

from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
BEARER_SCHEME = "OAuth2PasswordBearer"  # the security scheme `api.security.bearer_scheme` documents
_documented: list[type[BaseModel]] = []


def json_body(model: type[BaseModel], *, bearer: bool = False) -> dict[str, Any]:
    """`openapi_extra` for a route whose body is `model` as JSON; `bearer`: one that authenticates the
    bearer token itself (documented as the routes depending on `api.security.bearer_scheme` are, without
    FastAPI resolving a dependency on every request for it)."""
    _documented.append(model)
    reference = {"$ref": f"#/components/schemas/{model.__name__}"}
    extra: dict[str, Any] = {"requestBody": {"required": True, "content": {"application/json": {"schema": reference}}}}
    if bearer:
        extra["security"] = [{BEARER_SCHEME: []}]
    return extra


def parse_body(model: type[M], payload: bytes) -> M:
    """The body as `model`, or the 422 a declared body gives (locations under "body")."""
    try:
        return model.model_validate_json(payload)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        raise RequestValidationError(errors, body=payload) from None


def json_response(model: BaseModel, status: int) -> Response:
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


def document_bodies(app: FastAPI) -> None:
    """Add the schemas of the bodies named with `json_body` to the app's OpenAPI components."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in _documented:
                full = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, definition in full.pop("$defs", {}).items():
                    components.setdefault(name, definition)
                components.setdefault(model.__name__, full)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
