"""Liveness and readiness probes for orchestrators and the Dockerfile HEALTHCHECK."""

from fastapi import APIRouter, Request
from sqlalchemy import text

from api.errors import ServiceUnavailable
from api.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/health/ready")
def ready(request: Request) -> dict[str, str]:
    """The database answers and its schema is at the migrations' head."""
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = current_revision(engine)
    except Exception as exc:  # any driver error means "not ready", never a 500
        raise ServiceUnavailable("The database is not reachable", code="database_unreachable") from exc
    head = head_revision()
    if current != head:
        raise ServiceUnavailable(
            f"The database schema is at {current or 'nothing'}, the code expects {head}; run `sinmiedo migrate`",
            code="migrations_pending",
        )
    return {"status": "ready", "database": engine.dialect.name, "revision": current}
