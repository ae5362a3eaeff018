"""Instruments and their versions. A published version is immutable: definition, source
file, XForm and hashes never change once `published_at` is set."""

from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, String, Text, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class Instrument(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    form_id: str = Field(max_length=100, unique=True, index=True)
    title: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class InstrumentVersion(SQLModel, table=True):
    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    instrument_id: int = Field(foreign_key="instrument.id", index=True, ondelete="CASCADE")
    version: str = Field(max_length=100)
    status: str = Field(default="draft", sa_type=String(20))  # draft | published | retired
    title: str = Field(max_length=300)
    content_hash: str = Field(max_length=64, index=True)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sensitive: bool = False
    source_filename: str = Field(max_length=255)
    source: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    xform: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    xform_md5: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    published_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    retired_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
