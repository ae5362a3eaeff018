"""Audit trail responses."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_username: str | None
    action: str
    resource_type: str
    resource_id: str | None
    request_id: str | None
    detail: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditEventPublic]
    total: int
    offset: int
    limit: int
