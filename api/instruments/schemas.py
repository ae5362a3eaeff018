"""Instrument responses."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class VersionSummary(BaseModel):
    version: str
    status: str
    title: str
    content_hash: str
    languages: list[str]
    sensitive: bool
    source_filename: str
    xform_md5: str | None
    created_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class VersionDetail(VersionSummary):
    form_id: str
    definition: dict[str, Any]


class InstrumentPublic(BaseModel):
    form_id: str
    title: str
    created_at: datetime
    versions: list[VersionSummary]


class InstrumentPage(BaseModel):
    items: list[InstrumentPublic]
    total: int
    offset: int
    limit: int


class ValidationReport(BaseModel):
    valid: bool
    form_id: str | None = None
    version: str | None = None
    content_hash: str | None = None
    problems: list[dict[str, Any]] = []
