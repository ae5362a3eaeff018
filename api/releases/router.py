"""Releases over HTTP: analysts assemble, preview and publish; anyone reads published releases as
JSON, CSV, SDMX-CSV and a Frictionless data package, without logging in and rate limited."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from api.db import SessionDep
from api.files import safe_filename
from api.pagination import PageDep
from api.params import RecordId
from api.releases import exports, repository, service
from api.releases.models import Release, ReleaseTable
from api.releases.ratelimit import RateLimited
from api.releases.schemas import (
    PublishedRelease,
    PublishedTable,
    IndicatorSeries,
    ReleaseCreate,
    ReleaseDraft,
    ReleaseSummary,
    ReleaseUpdate,
    TableFromAnalysis,
    TableFromRows,
    TablePublic,
)
from api.security import Permission, require
from api.users.models import User

router = APIRouter(prefix="/api/v1/releases", tags=["releases"])
public_router = APIRouter(prefix="/api/v1/public/releases", tags=["open data"])
public_indicators_router = APIRouter(prefix="/api/v1/public/indicators", tags=["open data"])

Publisher = Annotated[User, require(Permission.publish_releases)]
CSV = "text/csv; charset=utf-8"


def _table(table: ReleaseTable, withheld: bool = False) -> TablePublic:
    return TablePublic(id=table.key, position=table.position, spec=table.spec, origin=table.origin,
                       rows=[] if withheld else table.rows, rows_withheld=withheld)


def _draft(session: Session, reader: User, release: Release) -> ReleaseDraft:
    tables = repository.tables(session, release.id)
    withheld = service.withheld_from(session, reader, release, tables)
    return ReleaseDraft(
        id=release.id, status=release.status, number=release.number, slug=release.slug,
        title={"en": release.title_en, "es": release.title_es}, wave=release.wave,
        reference_period=release.reference_period, quality_profile=release.quality_profile,
        metadata=release.release_metadata, comparisons=release.comparisons, corrects=release.corrects,
        changes=release.changes, content_sha256=release.content_sha256, created_at=release.created_at,
        published_at=release.published_at, tables=[_table(t, t.key in withheld) for t in tables],
    )


@router.post("", response_model=ReleaseDraft, status_code=201)
def create_release(session: SessionDep, publisher: Publisher, data: ReleaseCreate) -> ReleaseDraft:
    """A draft release; `corrects` names a published release this one corrects, `changes` says what changed."""
    return _draft(session, publisher, service.create(session, publisher, data))


@router.get("", response_model=list[ReleaseDraft])
def list_releases(session: SessionDep, publisher: Publisher, page: PageDep) -> list[ReleaseDraft]:
    """Releases, drafts included; a draft's sensitive tables come without rows for users without sensitive access."""
    return [_draft(session, publisher, r) for r in repository.page(session, offset=page.offset, limit=page.limit)]


@router.get("/{release_id}", response_model=ReleaseDraft)
def get_release(session: SessionDep, publisher: Publisher, release_id: RecordId) -> ReleaseDraft:
    return _draft(session, publisher, service.get_release(session, release_id))


@router.patch("/{release_id}", response_model=ReleaseDraft)
def update_release(session: SessionDep, publisher: Publisher, release_id: RecordId, data: ReleaseUpdate) -> ReleaseDraft:
    """Change a draft; a published release answers 409."""
    return _draft(session, publisher, service.update(session, publisher, release_id, data))


@router.delete("/{release_id}", status_code=204, response_class=Response)
def delete_release(session: SessionDep, publisher: Publisher, release_id: RecordId) -> None:
    service.delete_draft(session, publisher, release_id)


@router.post("/{release_id}/tables", response_model=TablePublic, status_code=201)
def add_table(session: SessionDep, publisher: Publisher, release_id: RecordId, data: TableFromRows) -> TablePublic:
    """A table of estimate rows posted by the analyst (indicator results, administrative rates)."""
    return _table(service.add_rows_table(session, publisher, release_id, data))


@router.post("/{release_id}/tables/from-analysis", response_model=TablePublic, status_code=201)
def add_table_from_analysis(session: SessionDep, publisher: Publisher, release_id: RecordId,
                            data: TableFromAnalysis) -> TablePublic:
    """A table computed from a stored analysis with an estimate request (as POST /analyses/{id}/estimates)."""
    return _table(service.add_analysis_table(session, publisher, release_id, data))


@router.delete("/{release_id}/tables/{table_id}", status_code=204, response_class=Response)
def delete_table(session: SessionDep, publisher: Publisher, release_id: RecordId, table_id: str) -> None:
    service.delete_table(session, publisher, release_id, table_id)


def as_published(document: dict[str, Any]) -> Response:
    """A release document (or its tables, or a series of them) exactly as it was published: its content hash
    covers what was stored then, so it is never passed through today's model (documented by
    `response_model`), which could add, drop or refuse fields of a document an earlier version published."""
    return JSONResponse(document)


@router.get("/{release_id}/preview", response_model=PublishedRelease)
def preview_release(session: SessionDep, publisher: Publisher, release_id: RecordId) -> Response:
    """The release as it would be published: flags, suppression and metadata, without a number
    (a draft with sensitive tables: for users with sensitive access only); a published one as it was."""
    return as_published(service.preview(session, publisher, release_id))


@router.post("/{release_id}/publish", response_model=PublishedRelease)
def publish_release(session: SessionDep, publisher: Publisher, release_id: RecordId) -> dict[str, Any]:
    """Publish: the next number, a content hash, and no further changes."""
    return service.publish(session, publisher, release_id)


@public_router.get("", response_model=list[ReleaseSummary])
def public_releases(session: SessionDep, _limit: RateLimited, page: PageDep) -> list[ReleaseSummary]:
    """Published releases, newest first."""
    return [ReleaseSummary(number=r.number, slug=r.slug, title={"en": r.title_en, "es": r.title_es},
                           published_at=r.published_at, corrects=r.corrects, changes=r.changes, wave=r.wave,
                           reference_period=r.reference_period, content_sha256=r.content_sha256)
            for r in repository.published_page(session, offset=page.offset, limit=page.limit)]


@public_router.get("/{number}", response_model=PublishedRelease)
def public_release(session: SessionDep, _limit: RateLimited, number: RecordId) -> Response:
    """A published release with its metadata, tables and comparisons."""
    return as_published(service.published_document(session, number))


@public_router.get("/{number}/sdmx.csv", response_class=Response)
def public_sdmx(session: SessionDep, _limit: RateLimited, number: RecordId) -> Response:
    """SDMX-CSV (1.0) against the SDG global data structure, with SDG series codes where they exist."""
    doc = service.published_document(session, number)
    return _download(exports.sdmx_csv(doc), CSV, f"{doc['slug']}-sdmx.csv")


@public_router.get("/{number}/datapackage.json")
def public_datapackage(session: SessionDep, _limit: RateLimited, number: RecordId) -> dict[str, Any]:
    """A Frictionless tabular data package: one CSV resource per table with its schema."""
    return exports.datapackage(service.published_document(session, number))


# Declared before the JSON route: "{table_id}" would otherwise take "t1.csv" as a table id.
@public_router.get("/{number}/tables/{table_id}.csv", response_class=Response)
def public_table_csv(session: SessionDep, _limit: RateLimited, number: RecordId, table_id: str) -> Response:
    doc, table = service.published_table(session, number, table_id)
    return _download(exports.table_csv(table), CSV, f"{doc['slug']}-{table['id']}.csv")


@public_router.get("/{number}/tables/{table_id}", response_model=PublishedTable)
def public_table(session: SessionDep, _limit: RateLimited, number: RecordId, table_id: str) -> Response:
    return as_published(service.published_table(session, number, table_id)[1])


@public_indicators_router.get("/{indicator_id}/series", response_model=IndicatorSeries)
def public_indicator_series(
    session: SessionDep, _limit: RateLimited, indicator_id: str,
    include_superseded: Annotated[bool, Query(description="Also releases a later correction replaces")] = False,
) -> Response:
    """An indicator's published tables across releases and waves (a trend), with flags and suppression."""
    return as_published(service.indicator_series(session, indicator_id, include_superseded=include_superseded))


def _download(body: str, media_type: str, filename: str) -> Response:
    safe = safe_filename(filename, "download")
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})
