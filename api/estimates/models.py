"""Analysts' microdata, analyses (a design plus weighting steps, stored so they can be re-run)
and the cached results of estimate requests. An analysis never changes: a different design or
different steps is a new analysis, so a cached result always describes what produced it."""

from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlalchemy.sql.expression import false as sa_false
from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class Dataset(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    columns: list[str] = Field(sa_column=Column(JSON, nullable=False))
    n_rows: int
    # Holds answers of sensitive (VAWG) questions: only users with sensitive access may analyse it.
    sensitive: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    # A survey wave's snapshot says what it was built from (survey_code, form_id, level, repeat,
    # instrument_version_id), so its exports are labelled from that instrument; None for uploads.
    source: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    uploaded_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Analysis(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    design: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    steps: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class EstimateResult(SQLModel, table=True):
    __tablename__ = "estimate_result"
    __table_args__ = (UniqueConstraint("analysis_id", "request_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    analysis_id: int = Field(foreign_key="analysis.id", index=True, ondelete="CASCADE")
    request_hash: str = Field(max_length=64)
    request: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    rows: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
