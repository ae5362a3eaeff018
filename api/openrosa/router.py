"""OpenRosa 1.0 endpoints where ODK Collect and Enketo expect them.

The server URL given to Collect is either `<base>/openrosa` (HTTP Basic over TLS, answered
with a 401 challenge) or `<base>/openrosa/key/<device token>` (a per-device token an admin
can revoke). Every response, errors included, is OpenRosa XML with the OpenRosa headers (errors by
`api.openrosa.envelope`).
These are protocol endpoints, so they stay out of the JSON API's OpenAPI document.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import UploadFile

from api.db import SessionDep
from api.errors import BadRequest, Unauthorized
from api.files import safe_filename
from api.instruments import service as instruments
from api.openrosa import responses, service
from api.openrosa.urls import collect_server_url
from api.security import DEVICE_TOKEN, authenticate_token
from api.users import service as users_service
from api.users.models import User

BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="sinmiedo", charset="UTF-8"'}
MAX_MEDIA_PARTS = 100


router = APIRouter(include_in_schema=False, tags=["openrosa"])


def openrosa_user(request: Request, session: SessionDep) -> User:
    settings = request.app.state.settings
    token = request.path_params.get("token")
    if token:
        return authenticate_token(session, token, settings, kind=DEVICE_TOKEN)
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized("Log in with your sinmiedo username and password", headers=BASIC_CHALLENGE)
    try:
        username, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthorized("Malformed Basic credentials", code="invalid_credentials", headers=BASIC_CHALLENGE) from exc
    try:
        return users_service.verify_credentials(session, request.app.state.engine, settings, username, password)
    except Unauthorized as exc:
        raise Unauthorized(exc.detail, code=exc.code, headers=BASIC_CHALLENGE) from exc


Collector = Annotated[User, Depends(openrosa_user, scope="function")]


@router.get("/formList")
def form_list(request: Request, session: SessionDep, user: Collector,
              form_id: Annotated[str | None, Query(alias="formID")] = None) -> Response:
    """The forms the user may collect; with `formID`, that form only (the Form List API's MUST: Enketo asks
    for one form this way)."""
    base = collect_server_url(request, request.path_params.get("token"))
    entries = [
        {
            "formID": form_id,
            "name": title,
            "version": version.version,
            "hash": f"md5:{version.xform_md5}",
            "downloadUrl": f"{base}/forms/{form_id}/{version.version}/form.xml",
            "manifestUrl": f"{base}/forms/{form_id}/{version.version}/manifest",
        }
        for form_id, title, version in service.listed_versions(session, user, only=form_id)
    ]
    return responses.xml_response(responses.form_list(entries))


@router.get("/forms/{form_id}/{version}/form.xml")
def download_form(session: SessionDep, user: Collector, form_id: str, version: str) -> Response:
    row = service.collectable_version(session, user, form_id, version)
    return responses.xml_response(instruments.xform_of(row))


@router.get("/forms/{form_id}/{version}/manifest")
def form_manifest(session: SessionDep, user: Collector, form_id: str, version: str) -> Response:
    service.collectable_version(session, user, form_id, version)
    return responses.xml_response(responses.manifest())


@router.head("/submission", status_code=204)
def submission_preflight(request: Request, _user: Collector) -> Response:
    return Response(
        status_code=204, headers=responses.openrosa_headers(request.app.state.settings.max_upload_bytes)
    )


@dataclass(frozen=True)
class SubmissionParts:
    xml: bytes
    media: list[service.MediaPart]


async def submission_parts(request: Request) -> SubmissionParts:
    """The multipart body as Collect sends it, read in the event loop so the endpoint can be a plain
    function whose database work runs in the threadpool."""
    limit = request.app.state.settings.max_upload_bytes
    try:
        form = await request.form(max_files=MAX_MEDIA_PARTS + 1, max_fields=20, max_part_size=limit)
    except Exception as exc:  # multipart errors of every kind are the client's
        raise BadRequest(f"The submission is not a readable multipart body: {exc}", code="multipart_invalid") from exc
    xml_part = form.get("xml_submission_file")
    if not isinstance(xml_part, UploadFile):
        raise BadRequest("The submission has no xml_submission_file part", code="xml_part_missing")
    xml = await xml_part.read()
    media = [
        service.MediaPart(name=safe_filename(value.filename or key, "attachment"),
                          content_type=value.content_type or "application/octet-stream", data=await value.read())
        for key, value in form.multi_items()
        if isinstance(value, UploadFile) and key != "xml_submission_file"
    ]
    return SubmissionParts(xml=xml, media=media)


@router.post("/submission")
def submit(request: Request, session: SessionDep, user: Collector,
           parts: Annotated[SubmissionParts, Depends(submission_parts)]) -> Response:
    limit = request.app.state.settings.max_upload_bytes
    receipt = service.receive(session, user, parts.xml, parts.media)
    text = {
        "created": "Interview received.",
        "duplicate": "Interview already received; missing attachments added.",
        "revised": "Edited interview received as a new revision.",
    }[receipt.status]
    return responses.xml_response(
        responses.message(text, "submit_success"), 201,
        headers={"X-OpenRosa-Accept-Content-Length": str(limit)},
    )
