"""The audit trail: who did what, when, to which record."""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel

from api.db_types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # No foreign key: the trail must outlive the users it names.
    actor_id: int | None = Field(default=None, index=True)
    actor_username: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, index=True)
    resource_type: str = Field(max_length=64)
    resource_id: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
