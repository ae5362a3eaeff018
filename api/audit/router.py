"""Reading the audit trail (admins only)."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import service
from api.audit.schemas import AuditEventPublic, AuditPage
from api.db import SessionDep
from api.pagination import PageDep
from api.params import RecordIdQuery
from api.security import Permission, require

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, dependencies=[require(Permission.read_audit)])
def list_audit_events(
    session: SessionDep,
    page: PageDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    resource_type: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: RecordIdQuery = None,
) -> AuditPage:
    rows, total = service.page(
        session, offset=page.offset, limit=page.limit, action=action, resource_type=resource_type, actor_id=actor_id
    )
    return AuditPage(
        items=[AuditEventPublic.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )
