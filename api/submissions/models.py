"""Interviews as received. Nothing accepted is rewritten: every change of answers is a new
revision row with its author, time and reason; the submission points at its current one.
Personal identifiers (names, phones, addresses, exact GPS) live in their own table, never
next to the answers that feed analysis."""

from datetime import datetime
from typing import Any

from sqlalchemy import Float, LargeBinary, String, Text, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class Submission(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    instance_id: str = Field(max_length=64, unique=True, index=True)
    instrument_version_id: int = Field(foreign_key="instrument_version.id", index=True)
    enumerator_id: int = Field(foreign_key="user.id", index=True)
    assignment_id: int | None = Field(default=None, index=True)
    current_revision: int = 1
    content_hash: str = Field(max_length=64)  # of the first accepted content: what a resend must match
    source: str = Field(default="json", sa_type=String(10))  # json | openrosa
    review_status: str = Field(default="received", sa_type=String(20), index=True)
    review_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    started_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    duration_seconds: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    device_id: str | None = Field(default=None, max_length=100)
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    deleted_by: int | None = Field(default=None, foreign_key="user.id")


class SubmissionRevision(SQLModel, table=True):
    __tablename__ = "submission_revision"
    __table_args__ = (UniqueConstraint("submission_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    # No index of its own: the unique (submission_id, revision) one leads with it.
    submission_id: int = Field(foreign_key="submission.id", ondelete="CASCADE")
    revision: int
    # The device's own id for this revision, when it has one (an ODK edit gets a new instanceID
    # and names the one it replaces as deprecatedID); resends of an edit are matched on it.
    instance_id: str | None = Field(default=None, max_length=64, unique=True)
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))  # exactly as received (JSON text or XML)
    payload_format: str = Field(default="json", sa_type=String(10))
    content_hash: str = Field(max_length=64)
    author_id: int = Field(foreign_key="user.id")
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class SubmissionPersonal(SQLModel, table=True):
    """Personal identifiers of one revision, kept apart from its answers."""

    __tablename__ = "submission_personal"

    revision_id: int = Field(foreign_key="submission_revision.id", primary_key=True, ondelete="CASCADE")
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    latitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    longitude: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    gps_accuracy: float | None = Field(default=None, sa_column=Column(Float, nullable=True))


class SubmissionAttachment(SQLModel, table=True):
    """A media file sent with an interview (OpenRosa multipart); never replaced once stored."""

    __tablename__ = "submission_attachment"
    __table_args__ = (UniqueConstraint("submission_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
