"""Recording audit events; every read of respondent-level data calls `record`.

The event joins the caller's transaction: if the request fails, the access it
describes did not happen either.
"""

from typing import Any

from sqlmodel import Session

from api.audit import repository
from api.audit.models import AuditEvent
from api.logs import request_id_var


def record(
    session: Session,
    actor: Any,
    action: str,
    resource_type: str,
    resource_id: Any,
    detail: dict[str, Any] | None,
) -> None:
    repository.add(
        session,
        AuditEvent(
            actor_id=getattr(actor, "id", None),
            actor_username=getattr(actor, "username", None),
            action=action,
            resource_type=resource_type,
            resource_id=None if resource_id is None else str(resource_id),
            request_id=request_id_var.get(),
            detail=detail,
        ),
    )


def page(session: Session, **filters: Any) -> tuple[list[AuditEvent], int]:
    return repository.page(session, **filters)
