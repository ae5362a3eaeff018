"""All SQL touching the audit trail."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.audit.models import AuditEvent


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)
    session.flush()


def page(
    session: Session, *, offset: int, limit: int, action: str | None, resource_type: str | None, actor_id: int | None
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if resource_type:
        query = query.where(AuditEvent.resource_type == resource_type)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(AuditEvent.id).desc()).offset(offset).limit(limit)).all()
    return list(rows), total
