"""The dashboard's pages and static files; no login, and nothing fetched from outside the service.

Pages are thin shells in the reader's language: the browser script fills them from the public
release endpoints (/api/v1/public/...), so the published JSON stays the one source of the numbers.
The server only checks that the release (and table) is published, so a wrong address is a 404 page.
"""

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api.db import SessionDep
from api.errors import NotFound
from api.params import RecordId
from api.releases import service as releases
from api.web.catalogue import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, Language, catalogue

DASHBOARD_PREFIX = "/dashboard"
PUBLIC_API_PREFIX = "/api/v1/public"
_HERE = Path(__file__).parent

router = APIRouter(tags=["dashboard"])
router.mount(f"{DASHBOARD_PREFIX}/static", StaticFiles(directory=_HERE / "static"), name="dashboard-static")
templates = Jinja2Templates(directory=_HERE / "templates")

LanguageQuery = Annotated[Language, Query(description="Language of the page: es (default) or en")]


def _render(request: Request, template: str, language: Language, status_code: int = 200, **context: object) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    switch = {
        other: f"{request.url.path}?{urlencode({**request.query_params, 'lang': other})}"
        for other in LANGUAGES
        if other != language
    }
    return templates.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "strings": catalogue(language),
            "language_names": LANGUAGE_NAMES,
            "language_links": switch,
            "static": f"{root}{DASHBOARD_PREFIX}/static",
            "dashboard": f"{root}{DASHBOARD_PREFIX}",
            "public_api": f"{root}{PUBLIC_API_PREFIX}",
            **context,
        },
        status_code=status_code,
    )


def _published(session: SessionDep, number: int) -> dict[str, Any] | None:
    try:
        return releases.published_document(session, number)
    except NotFound:
        return None


def _not_found(request: Request, language: Language) -> HTMLResponse:
    return _render(request, "not_found.html", language, status_code=404, page="not_found")


@router.get(DASHBOARD_PREFIX, response_class=HTMLResponse, summary="Dashboard: releases and the latest indicators")
def dashboard_home(request: Request, lang: LanguageQuery = DEFAULT_LANGUAGE) -> HTMLResponse:
    return _render(request, "home.html", lang, page="home")


@router.get(f"{DASHBOARD_PREFIX}/releases/{{number}}", response_class=HTMLResponse, summary="Dashboard: one release")
def dashboard_release(
    request: Request, session: SessionDep, number: RecordId, lang: LanguageQuery = DEFAULT_LANGUAGE
) -> HTMLResponse:
    if _published(session, number) is None:
        return _not_found(request, lang)
    return _render(request, "release.html", lang, page="release", number=number)


@router.get(
    f"{DASHBOARD_PREFIX}/releases/{{number}}/tables/{{table_id}}",
    response_class=HTMLResponse,
    summary="Dashboard: one indicator table of a release",
)
def dashboard_table(
    request: Request, session: SessionDep, number: RecordId, table_id: str, lang: LanguageQuery = DEFAULT_LANGUAGE
) -> HTMLResponse:
    document = _published(session, number)
    if document is None or all(table["id"] != table_id for table in document["tables"]):
        return _not_found(request, lang)
    return _render(request, "table.html", lang, page="table", number=number, table_id=table_id)
