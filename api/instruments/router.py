"""Instruments over HTTP: designers upload, publish and retire; everyone with access reads
published versions, their XLSForm and XForm."""

import re
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from api.db import SessionDep
from api.errors import BadRequest, Conflict, NotFound, Unprocessable
from api.instruments import service
from api.instruments.models import Instrument, InstrumentVersion
from api.instruments.schemas import InstrumentPage, InstrumentPublic, ValidationReport, VersionDetail, VersionSummary
from api.pagination import PageDep
from api.security import Permission, has_permission, require
from api.users.models import User

router = APIRouter(prefix="/api/v1/instruments", tags=["instruments"])

Designer = Annotated[User, require(Permission.write_instruments)]
Reader = Annotated[User, require(Permission.read_instruments)]
UploadDep = Annotated[UploadFile, File(description="An XLSForm (.xlsx; .csv and .md tables are also read)")]

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]")
_MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".md": "text/markdown",
}


def _read_upload(upload: UploadFile) -> tuple[bytes, str]:
    # Only the base name, in a plain alphabet: user file names never reach a path or a header raw.
    name = _SAFE_FILENAME.sub("_", (upload.filename or "form.xlsx").replace("\\", "/").rsplit("/", 1)[-1])[:200]
    data = upload.file.read()
    if not data:
        raise BadRequest("The uploaded file is empty", code="empty_upload")
    return data, name or "form.xlsx"


def _summary(row: InstrumentVersion) -> VersionSummary:
    return VersionSummary.model_validate(row, from_attributes=True)


def _detail(form_id: str, row: InstrumentVersion) -> VersionDetail:
    return VersionDetail(form_id=form_id, definition=row.definition, **_summary(row).model_dump())


def _public(session, instrument: Instrument, include_drafts: bool) -> InstrumentPublic:
    versions = service.list_versions(session, instrument, include_drafts=include_drafts)
    return InstrumentPublic(
        form_id=instrument.form_id,
        title=instrument.title,
        created_at=instrument.created_at,
        versions=[_summary(v) for v in versions],
    )


def _sees_drafts(user: User) -> bool:
    return has_permission(user, Permission.write_instruments)


@router.post("", response_model=VersionDetail, status_code=201)
def upload_instrument(session: SessionDep, designer: Designer, file: UploadDep) -> VersionDetail:
    """Upload an XLSForm as a draft (new instrument, new version, or replacing a draft)."""
    data, name = _read_upload(file)
    instrument, row = service.upload(session, designer, data, name)
    return _detail(instrument.form_id, row)


@router.post("/validate", response_model=ValidationReport)
def validate_instrument(_designer: Designer, file: UploadDep) -> ValidationReport:
    """Check an XLSForm without storing it: every problem with sheet, row and column."""
    data, name = _read_upload(file)
    try:
        parsed = service.parse_form(data, name)
    except Unprocessable as exc:
        return ValidationReport(valid=False, problems=exc.errors or [])
    return ValidationReport(
        valid=True, form_id=parsed.settings.form_id, version=parsed.settings.version, content_hash=parsed.content_hash
    )


@router.get("", response_model=InstrumentPage)
def list_instruments(session: SessionDep, user: Reader, page: PageDep) -> InstrumentPage:
    drafts = _sees_drafts(user)
    rows, total = service.repository.page(session, offset=page.offset, limit=page.limit, published_only=not drafts)
    return InstrumentPage(
        items=[_public(session, r, drafts) for r in rows], total=total, offset=page.offset, limit=page.limit
    )


@router.get("/{form_id}", response_model=InstrumentPublic)
def get_instrument(session: SessionDep, user: Reader, form_id: str) -> InstrumentPublic:
    public = _public(session, service.get_instrument(session, form_id), _sees_drafts(user))
    if not public.versions:
        raise NotFound(f"No instrument with form_id '{form_id}'", code="instrument_not_found")
    return public


@router.get("/{form_id}/versions/{version}", response_model=VersionDetail)
def get_version(session: SessionDep, user: Reader, form_id: str, version: str) -> VersionDetail:
    return _detail(form_id, service.get_version(session, form_id, version, include_drafts=_sees_drafts(user)))


@router.put("/{form_id}/versions/{version}", response_model=VersionDetail)
def replace_draft(session: SessionDep, designer: Designer, form_id: str, version: str, file: UploadDep) -> VersionDetail:
    """Replace a draft with a corrected file; a published version answers 409."""
    current = service.get_version(session, form_id, version, include_drafts=True)
    data, name = _read_upload(file)
    parsed = service.parse_form(data, name)
    if (parsed.settings.form_id, parsed.settings.version) != (form_id, version):
        raise Unprocessable(
            f"The file is form '{parsed.settings.form_id}' version '{parsed.settings.version}', "
            f"not '{form_id}' version '{version}'",
            code="form_mismatch",
        )
    if current.status != service.DRAFT:
        raise Conflict(f"Version '{version}' is {current.status} and immutable", code="version_immutable")
    _, row = service.upload(session, designer, data, name)
    return _detail(form_id, row)


@router.delete("/{form_id}/versions/{version}", status_code=204, response_class=Response)
def delete_draft(session: SessionDep, designer: Designer, form_id: str, version: str) -> None:
    service.delete_draft(session, designer, form_id, version)


@router.post("/{form_id}/versions/{version}/publish", response_model=VersionDetail)
def publish(session: SessionDep, designer: Designer, form_id: str, version: str) -> VersionDetail:
    return _detail(form_id, service.publish(session, designer, form_id, version))


@router.post("/{form_id}/versions/{version}/retire", response_model=VersionDetail)
def retire(session: SessionDep, designer: Designer, form_id: str, version: str) -> VersionDetail:
    return _detail(form_id, service.retire(session, designer, form_id, version))


@router.get("/{form_id}/versions/{version}/preview")
def preview(session: SessionDep, user: Reader, form_id: str, version: str) -> dict:
    """A readable rendering: questions, logic and languages."""
    return service.preview_of(service.get_version(session, form_id, version, include_drafts=_sees_drafts(user)))


@router.get("/{form_id}/versions/{version}/xlsform")
def download_xlsform(session: SessionDep, user: Reader, form_id: str, version: str) -> Response:
    row = service.get_version(session, form_id, version, include_drafts=_sees_drafts(user))
    suffix = "." + row.source_filename.rsplit(".", 1)[-1].lower() if "." in row.source_filename else ".xlsx"
    return Response(
        row.source,
        media_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"),
        headers={"Content-Disposition": f'attachment; filename="{form_id}-{_SAFE_FILENAME.sub("_", version)}{suffix}"'},
    )


@router.get("/{form_id}/versions/{version}/xform")
def download_xform(session: SessionDep, user: Reader, form_id: str, version: str) -> Response:
    row = service.get_version(session, form_id, version, include_drafts=_sees_drafts(user))
    return Response(service.xform_of(row), media_type="application/xml")


@router.get("/{form_id}/diff")
def diff(
    session: SessionDep,
    user: Reader,
    form_id: str,
    from_version: Annotated[str, Query(alias="from")],
    to_version: Annotated[str, Query(alias="to")],
) -> dict:
    """Added, removed and changed questions and choices between two versions."""
    drafts = _sees_drafts(user)
    pair = service.VersionPair(
        old=service.get_version(session, form_id, from_version, include_drafts=drafts),
        new=service.get_version(session, form_id, to_version, include_drafts=drafts),
    )
    return service.diff_of(pair)
