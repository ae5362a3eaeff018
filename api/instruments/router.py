"""Instruments over HTTP: designers upload, publish and retire; everyone with access reads
published versions, their XLSForm and XForm."""

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from api.db import SessionDep
from api.fieldwork import collection
from api.errors import BadRequest, Conflict, NotFound, Unprocessable
from api.files import check_workbook_size, safe_filename
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

_MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".md": "text/markdown",
}


def _read_upload(upload: UploadFile) -> tuple[bytes, str]:
    name = safe_filename(upload.filename, "form.xlsx")
    data = upload.file.read()
    if not data:
        raise BadRequest("The uploaded file is empty", code="empty_upload")
    check_workbook_size(data, name)
    return data, name


def _summary(row: InstrumentVersion) -> VersionSummary:
    return VersionSummary.model_validate(row, from_attributes=True)


def _detail(form_id: str, row: InstrumentVersion) -> VersionDetail:
    return VersionDetail(form_id=form_id, definition=row.definition, **_summary(row).model_dump())


def _public(session, user: User, instrument: Instrument) -> InstrumentPublic:
    versions = service.list_versions(session, instrument, include_drafts=_sees_drafts(user))
    scope = collection.enumerator_scope(session, user)
    return InstrumentPublic(
        form_id=instrument.form_id,
        title=instrument.title,
        created_at=instrument.created_at,
        versions=[_summary(v) for v in versions if scope is None or scope.offers(user, instrument.form_id, v.sensitive)],
    )


def _sees_drafts(user: User) -> bool:
    return has_permission(user, Permission.write_instruments)


def _readable_version(session, user: User, form_id: str, version: str) -> InstrumentVersion:
    """A version the user may read: drafts only for designers; for an enumerator, only the forms of
    their waves, and the VAWG instrument only when certified (as on their OpenRosa form list)."""
    row = service.get_version(session, form_id, version, include_drafts=_sees_drafts(user))
    scope = collection.enumerator_scope(session, user)
    if scope is not None and not scope.offers(user, form_id, row.sensitive):
        raise NotFound(f"No version '{version}' of '{form_id}'", code="version_not_found")
    return row


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
    if collection.enumerator_scope(session, user) is None:
        rows, total = service.repository.page(session, offset=page.offset, limit=page.limit, published_only=not drafts)
        items = [_public(session, user, r) for r in rows]
    else:  # an enumerator's few forms: filtered first, then paged, so the total is theirs
        rows, _ = service.repository.page(session, offset=0, limit=10_000, published_only=not drafts)
        offered = [public for public in (_public(session, user, r) for r in rows) if public.versions]
        items, total = offered[page.offset:page.offset + page.limit], len(offered)
    return InstrumentPage(items=items, total=total, offset=page.offset, limit=page.limit)


@router.get("/{form_id}", response_model=InstrumentPublic)
def get_instrument(session: SessionDep, user: Reader, form_id: str) -> InstrumentPublic:
    public = _public(session, user, service.get_instrument(session, form_id))
    if not public.versions:
        raise NotFound(f"No instrument with form_id '{form_id}'", code="instrument_not_found")
    return public


@router.get("/{form_id}/versions/{version}", response_model=VersionDetail)
def get_version(session: SessionDep, user: Reader, form_id: str, version: str) -> VersionDetail:
    return _detail(form_id, _readable_version(session, user, form_id, version))


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
    return service.preview_of(_readable_version(session, user, form_id, version))


@router.get("/{form_id}/versions/{version}/xlsform")
def download_xlsform(session: SessionDep, user: Reader, form_id: str, version: str) -> Response:
    row = _readable_version(session, user, form_id, version)
    suffix = "." + row.source_filename.rsplit(".", 1)[-1].lower() if "." in row.source_filename else ".xlsx"
    filename = safe_filename(f"{form_id}-{version}", "form") + suffix
    return Response(
        row.source,
        media_type=_MEDIA_TYPES.get(suffix, "application/octet-stream"),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{form_id}/versions/{version}/xform")
def download_xform(session: SessionDep, user: Reader, form_id: str, version: str) -> Response:
    row = _readable_version(session, user, form_id, version)
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
    pair = service.VersionPair(
        old=_readable_version(session, user, form_id, from_version),
        new=_readable_version(session, user, form_id, to_version),
    )
    return service.diff_of(pair)
