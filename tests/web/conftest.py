"""A real server and a real browser for the dashboard tests.

uvicorn serves the app on 127.0.0.1 (a free port) over a temporary, migrated SQLite database into
which the releases of tests/web/releases.py are published through the API. Debian's chromium is
driven by Playwright with a fresh profile; nothing is downloaded, and any request that leaves the
machine is refused and recorded (the dashboard must work offline: no CDN).
"""

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sqlmodel import Session

from api import migrate
from api.app import create_app
from api.config import Settings
from api.db import create_db_engine
from api.users import service as users_service
from api.users.models import Role
from api.users.schemas import UserCreate
from tests.web.releases import publish_all

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts" / "dashboard"
PUBLISHER_PASSWORD = "dashboard tests publish three releases"

NO_CHROMIUM = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
requires_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    releases: list[dict[str, Any]]


@contextmanager
def serving(database_url: str, prepare: Callable[[Session], None]) -> Iterator[str]:
    """uvicorn serving the app over a migrated database that ``prepare`` fills first; yields its URL."""
    import uvicorn

    migrate.upgrade(database_url)
    engine = create_db_engine(database_url)
    settings = Settings(environment="test", database_url=database_url,
                        secret_key="dashboard-test-secret-that-is-long-enough-0123456789", log_level="WARNING")
    with Session(engine) as session:
        prepare(session)
        session.commit()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="dashboard-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import httpx2 as httpx

    def publisher(session: Session) -> None:
        users_service.create_user(
            session, UserCreate(username="publisher", role=Role.analyst, password=PUBLISHER_PASSWORD, sensitive_access=True),
            actor=None,
        )

    with serving(f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'dashboard.db'}", publisher) as url:
        with httpx.Client(base_url=url, timeout=30) as http:
            login = http.post("/api/v1/auth/token", data={"username": "publisher", "password": PUBLISHER_PASSWORD})
            assert login.status_code == 200, login.text
            published = publish_all(http, {"Authorization": f"Bearer {login.json()['access_token']}"})
        yield LiveServer(url=url, releases=published)


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1200, "height": 900}, locale="es-ES",
        )
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@dataclass
class BrowserPage:
    """A page plus what went wrong on it: script errors, console errors and off-machine requests."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.outside_requests == [], "the dashboard asked for something outside the service"
        assert self.errors == [], "the page reported errors"


@pytest.fixture
def browser_page(browser_context) -> Iterator[BrowserPage]:
    page = browser_context.new_page()
    watched = BrowserPage(page)

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            watched.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda error: watched.errors.append(f"pageerror: {error}"))
    page.on("console", lambda message: watched.errors.append(f"console: {message.text}") if message.type == "error" else None)
    yield watched
    page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
