"""Releases and their tables. A draft is edited freely; publishing writes the public document
(quality flags, suppression, metadata) once, with its number and content hash, and nothing about a
published release changes afterwards: a correction is a new release naming the one it corrects."""

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class Release(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="draft", sa_type=String(20))  # draft | published
    number: int | None = Field(default=None, unique=True, index=True)
    slug: str | None = Field(default=None, max_length=120)
    title_en: str = Field(max_length=300)
    title_es: str = Field(max_length=300)
    wave: str = Field(max_length=100)
    reference_period: str = Field(max_length=100)
    quality_profile: str = Field(max_length=50)
    # Not `metadata`: SQLAlchemy reserves that name on declarative classes.
    release_metadata: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    comparisons: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    corrects: int | None = None  # the number of the published release this one corrects
    changes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    document: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    content_sha256: str | None = Field(default=None, max_length=64)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    published_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ReleaseTable(SQLModel, table=True):
    __tablename__ = "release_table"
    __table_args__ = (UniqueConstraint("release_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=20)  # "t1", "t2", ...: the table id in URLs and the document
    position: int
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # Where the rows came from: {"analysis_id", "request"} for estimates, null for posted rows.
    origin: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    rows: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
