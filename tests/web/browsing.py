"""What the browser tests do on a dashboard page: open it, wait for it, read its figures and tables,
and screenshot it; numbers are compared as each language writes them."""

from pathlib import Path

import numpy
from PIL import Image

from tests.web.conftest import BrowserPage, LiveServer

VIEWPORT_WIDTH = 1200
MIN_PIXEL_STDEV = 12.0  # a blank or single-colour page is far below; a page with charts is far above


def localized(value: float | int | None, language: str) -> str:
    """A number as Intl.NumberFormat writes it with at most 6 decimals (es-ES or en-GB)."""
    if value is None:
        return "—"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    integer, _, fraction = digits.partition(".")
    group, decimal, min_digits = (".", ",", 5) if language == "es" else (",", ".", 4)
    if len(integer) >= min_digits:
        integer = f"{int(integer):,}".replace(",", group)
    return sign + integer + (decimal + fraction if fraction else "")


def open_dashboard(browser_page: BrowserPage, live_server: LiveServer, path: str):
    page = browser_page.page
    page.goto(live_server.url + path)
    page.wait_for_selector('.status[data-state="ready"], .status[data-state="error"]', state="attached", timeout=30_000)
    return page


def assert_ready(page) -> None:
    status = page.locator(".status")
    assert status.get_attribute("data-state") == "ready", status.text_content()


def screenshot(page, artifacts: Path, name: str) -> Image.Image:
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    image = Image.open(path).convert("L")
    assert image.width == VIEWPORT_WIDTH
    assert image.height >= 600
    assert numpy.asarray(image).std() > MIN_PIXEL_STDEV, f"{name}.png looks blank"
    return image


def figure(page, heading: str):
    return page.locator("section.figure").filter(has=page.get_by_role("heading", name=heading, exact=True))


def table_cells(section) -> list[list[str]]:
    section.locator(".view-toggle").click()
    assert section.locator(".table-view").is_visible()
    assert section.locator(".chart").is_hidden()
    return section.locator(".table-view tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.textContent))"
    )


def bars(section) -> int:
    return section.locator('.chart svg path[aria-roledescription="bar"]').count()


SYMBOLS = {"caution": "†", "review": "†", "unreliable": "‡"}


def quality_text(row: dict, language: str) -> str:
    """The table view's quality column for a published row, from the interface catalogue."""
    from api.web.catalogue import catalogue

    strings = catalogue(language)
    if row["suppressed"]:
        return f"{strings['suppressed']}: {strings['reason_' + row['suppression_reason']]}"
    flag = row["flag"] or "not_assessed"
    if flag in ("reliable", "not_assessed"):
        return strings[flag]
    status, _, reason = flag.partition(":")
    return f"{strings['status_' + status]}: {strings['reason_' + reason]}"


def estimate_text(row: dict, language: str) -> str:
    """The table view's estimate: the number with its quality symbol, or "suppressed"."""
    from api.web.catalogue import catalogue

    if row["suppressed"]:
        return catalogue(language)["suppressed"]
    symbol = SYMBOLS.get((row["flag"] or "").partition(":")[0])
    return f"{localized(row['estimate'], language)} {symbol}" if symbol else localized(row["estimate"], language)
