"""The application factory."""

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import configure_mappers

import api.models  # noqa: F401  (every table registered before the first query)
from api.audit.router import router as audit_router
from api.config import Settings, get_settings
from api.crime.router import router as crime_router
from api.db import DatabaseTurns, create_db_engine
from api.errors import install_error_handlers
from api.estimates.router import router as estimates_router
from api.exports.router import router as exports_router
from api.fieldwork.router import router as fieldwork_router
from api.health.router import router as health_router
from api.indicators.router import router as indicators_router
from api.instruments.router import router as instruments_router
from api.logs import carries_token, configure_logging
from api.openapi_bodies import document_bodies
from api.submissions.intake import Intake
from api.submissions.router import router as submissions_router
from api.openrosa.router import router as openrosa_router
from api.openrosa.envelope import OpenRosaEnvelopeMiddleware
from api.middleware import (BodySizeLimitMiddleware, RequestContextMiddleware, UnexpectedErrorMiddleware,
                            UrlTextMiddleware)
from api.releases.router import public_indicators_router
from api.releases.router import public_router as public_releases_router
from api.releases.router import router as releases_router
from api.users.router import auth_router, users_router
from api.web.router import router as web_router

API_PREFIX = "/api/v1"
# Endpoints that take files get the upload limit instead of the JSON limit.
UPLOAD_PREFIXES = (
    f"{API_PREFIX}/instruments", f"{API_PREFIX}/fieldwork", f"{API_PREFIX}/crime", f"{API_PREFIX}/microdata", "/openrosa"
)


_heap_frozen = False


def _freeze_startup_heap() -> None:
    """Leave the objects alive at startup (modules, models, compiled queries: about 270,000) out of
    every later garbage collection. The interview intake allocates many short-lived containers, and
    each full collection walked the whole startup heap again: about a fifth of a batch interview's CPU.
    Once per process: a test process starting many apps must not keep each one's garbage for good."""
    global _heap_frozen
    if not _heap_frozen:
        gc.collect()
        gc.freeze()
        _heap_frozen = True


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Mapped classes work before any ORM query has run: the interview intake builds read-only rows
    # from Core queries, which would otherwise meet attributes not yet set up.
    configure_mappers()
    configure_logging(settings.log_level, settings.log_json)
    owns_engine = engine is None
    engine = engine or create_db_engine(settings.database_url)

    intake = Intake(engine, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        _freeze_startup_heap()
        yield
        intake.close()
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        title="sinmiedo",
        version="0.1.0",
        description="Crime-victimization, perception-of-insecurity and VAWG prevalence surveys: "
        "instruments, collection, weighting, estimates and releases.",
        lifespan=lifespan,
        # FastAPI's log events of unhandled exceptions carry their messages, which may quote respondents'
        # values; the app's own log records them without (api.errors).
        telemetry={"exclude": carries_token, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.database_turns = DatabaseTurns(engine)
    app.state.intake = intake
    install_error_handlers(app)
    app.add_middleware(UrlTextMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        default_limit=settings.max_request_bytes,
        upload_limit=settings.max_upload_bytes,
        upload_prefixes=UPLOAD_PREFIXES,
    )
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(OpenRosaEnvelopeMiddleware, accept_content_length=settings.max_upload_bytes)
    app.add_middleware(RequestContextMiddleware)
    # Routers are matched in the order included, each trying its routes in turn: interviews, by far the
    # most frequent requests, come first (no other router serves paths under theirs).
    app.include_router(submissions_router)
    # The same OpenRosa endpoints behind Basic auth and behind a per-device token in the URL.
    app.include_router(openrosa_router, prefix="/openrosa")
    app.include_router(openrosa_router, prefix="/openrosa/key/{token}")
    for router in (
        health_router,
        auth_router,
        users_router,
        audit_router,
        instruments_router,
        estimates_router,
        exports_router,
        crime_router,
        indicators_router,
        fieldwork_router,
        releases_router,
        public_releases_router,
        public_indicators_router,
        web_router,
    ):
        app.include_router(router)
    document_bodies(app)
    return app
