"""The dashboard in a real browser: Debian's chromium, driven by Playwright, against a real server.

The expected numbers are the published documents the server returned (tests/web/releases.py),
formatted the way each language writes numbers; screenshots go to tests/_artifacts/dashboard/.
"""

import csv
import io
import re
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from api.web.catalogue import catalogue
from tests.web.browsing import (
    assert_ready,
    bars,
    estimate_text,
    figure,
    localized,
    open_dashboard,
    quality_text,
    screenshot,
    table_cells,
)
from tests.web.conftest import LiveServer, requires_chromium
from tests.web.releases import FORMULA_COMPARISON

pytestmark = requires_chromium

def release(live_server: LiveServer, number: int) -> dict[str, Any]:
    return next(doc for doc in live_server.releases if doc["number"] == number)


def table(doc: dict[str, Any], table_id: str) -> dict[str, Any]:
    return next(t for t in doc["tables"] if t["id"] == table_id)


def test_home_lists_every_release_and_the_latest_indicators(browser_page, live_server, artifacts):
    page = open_dashboard(browser_page, live_server, "/dashboard")
    assert_ready(page)
    assert page.locator("html").get_attribute("lang") == "es"
    listed = page.locator(".release-list a").all_text_contents()
    assert listed == [f"{doc['number']}. {doc['title']['es']}" for doc in reversed(live_server.releases)]
    latest = live_server.releases[-1]
    assert page.locator("#latest .indicator-list a").all_text_contents() == [t["title"]["es"] for t in latest["tables"]]
    screenshot(page, artifacts, "home-es")
    browser_page.assert_clean()


def test_indicator_by_territory_draws_and_tabulates_the_published_numbers(browser_page, live_server, artifacts):
    doc = release(live_server, 3)
    published = table(doc, "t1")
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1")
    assert_ready(page)
    section = figure(page, f"{published['title']['es']}, por territorio")
    totals = [row for row in published["rows"] if row["sex"] == "total"]
    assert section.locator(".chart svg").count() == 1
    assert bars(section) == len(totals)
    screenshot(page, artifacts, "indicator-t1-es")
    expected = [
        [row["territory"], localized(row["estimate"], "es"), localized(row["ci_low"], "es"), localized(row["ci_high"], "es"),
         localized(row["se"], "es"), localized(row["cv"], "es"), localized(row["n"], "es"), catalogue("es")["reliable"]]
        for row in totals
    ]
    assert table_cells(section) == expected
    browser_page.assert_clean()


def test_administrative_rates_draw_without_intervals(browser_page, live_server):
    published = table(release(live_server, 3), "t3")
    assert published["source"] == "administrative"
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t3")
    assert_ready(page)
    assert page.locator("#views section.figure").count() == 1  # every row is a sex total: no by-sex chart
    section = figure(page, f"{published['title']['es']}, por territorio")
    assert bars(section) == len(published["rows"])
    assert section.locator('.chart svg [aria-roledescription="rule mark"]').count() == 0
    assert [c[:4] + c[-1:] for c in table_cells(section)] == [
        [row["territory"], localized(row["estimate"], "es"), "—", "—", catalogue("es")["not_assessed"]]
        for row in published["rows"]
    ]
    browser_page.assert_clean()


def test_disaggregation_by_sex_sets_women_beside_men(browser_page, live_server):
    published = table(release(live_server, 3), "t1")
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1?lang=en")
    assert_ready(page)
    section = figure(page, f"{published['title']['en']}, by territory and sex")
    by_sex = [row for row in published["rows"] if row["sex"] != "total"]
    assert bars(section) == len(by_sex)
    cells = table_cells(section)
    assert [(c[0], c[1], c[2]) for c in cells] == [
        (row["territory"], {"female": "women", "male": "men"}[row["sex"]], localized(row["estimate"], "en")) for row in by_sex
    ]
    browser_page.assert_clean()


def test_suppressed_cells_say_why_and_draw_no_bar(browser_page, live_server, artifacts):
    published = table(release(live_server, 3), "t2")
    suppressed = [row for row in published["rows"] if row["suppressed"]]
    assert {row["suppression_reason"] for row in suppressed} == {"min_base", "complementary"}
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t2?lang=en")
    assert_ready(page)
    section = figure(page, f"{published['title']['en']}, by age group")
    assert bars(section) == len(published["rows"]) - len(suppressed)
    assert section.locator(".chart svg text", has_text="suppressed").count() == len(suppressed)
    screenshot(page, artifacts, "indicator-t2-suppressed-en")
    strings = catalogue("en")
    rows = {cells[0]: cells for cells in table_cells(section)}
    for row in suppressed:
        cells = rows[row["age_group"]]
        assert cells[1] == "suppressed"
        assert cells[-1] == f"suppressed: {strings['reason_' + row['suppression_reason']]}"
        assert set(cells[2:-1]) == {"—"}
    browser_page.assert_clean()


def test_flagged_cell_is_lighter_marked_and_explained(browser_page, live_server, artifacts):
    published = table(release(live_server, 1), "t1")
    flagged = [row for row in published["rows"] if row["flag"] == "caution:cv" and row["sex"] == "total"]
    assert len(flagged) == 1
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/1/tables/t1?lang=en")
    assert_ready(page)
    section = figure(page, f"{published['title']['en']}, by territory")
    screenshot(page, artifacts, "indicator-t1-flagged-en")
    assert section.locator(".chart svg text").filter(has_text=re.compile("^†$")).count() == 1
    legend = section.locator(".chart svg .role-legend").all_text_contents()
    assert any("† use with caution" in text and "‡ unreliable" in text for text in legend), legend
    assert opacities(section) == [0.45, 1, 1]
    rows = {cells[0]: cells for cells in table_cells(section)}
    cells = rows[flagged[0]["territory"]]
    assert cells[1] == f"{localized(flagged[0]['estimate'], 'en')} †"
    assert cells[-1] == "use with caution: high coefficient of variation"
    assert section.locator('tr[data-quality="flagged"]').count() == 1
    browser_page.assert_clean()


def opacities(section) -> list[float]:
    return sorted(section.locator('.chart svg path[aria-roledescription="bar"]').evaluate_all(
        "paths => paths.map(p => Number(p.getAttribute('opacity') ?? 1))"
    ))


def test_trend_shows_each_wave_once_as_corrected(browser_page, live_server, artifacts):
    first, corrected = release(live_server, 1), release(live_server, 3)
    assert corrected["corrects"] == 2
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1?lang=en")
    assert_ready(page)
    title = table(corrected, "t1")["title"]["en"]
    section = figure(page, f"{title}: trend across waves")
    assert section.locator(".chart svg .mark-line path").count() == 3  # Norte, Centro, Sur
    expected = [
        [doc["wave"], row["territory"], str(doc["number"]), estimate_text(row, "en"),
         localized(row["ci_low"], "en"), localized(row["ci_high"], "en"), quality_text(row, "en")]
        for doc in (first, corrected) for row in table(doc, "t1")["rows"] if row["sex"] == "total"
    ]
    assert any(cells[3].endswith(" †") for cells in expected)  # release 1's flagged cell keeps its mark
    assert table_cells(section) == expected
    browser_page.assert_clean()


def test_survey_is_set_beside_recorded_rates_with_the_dark_figure(browser_page, live_server, artifacts):
    comparisons = release(live_server, 3)["comparisons"]
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3")
    assert_ready(page)
    section = figure(page, catalogue("es")["comparison_heading"])
    assert bars(section) == 2 * len(comparisons)
    assert section.locator(".chart svg text", has_text="Cifra oculta").count() == len(comparisons)
    screenshot(page, artifacts, "release-3-es")
    cells = table_cells(section)
    assert [(c[0], c[3], c[7], c[8]) for c in cells] == [
        (c["territory"], localized(c["survey_estimate"], "es"), localized(c["recorded_rate"], "es"),
         localized(c["dark_figure"], "es")) for c in comparisons
    ]
    browser_page.assert_clean()


def test_language_switch_keeps_the_page(browser_page, live_server):
    published = table(release(live_server, 3), "t1")
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1")
    assert page.locator("h1").text_content() == published["title"]["es"]
    page.get_by_role("link", name="English").click()
    page.wait_for_selector('.status[data-state="ready"]', state="attached", timeout=30_000)
    assert page.url == f"{live_server.url}/dashboard/releases/3/tables/t1?lang=en"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").text_content() == published["title"]["en"]
    assert page.locator(".view-toggle").first.text_content() == "Show table"
    browser_page.assert_clean()


def test_keyboard_reaches_language_switch_toggles_and_downloads(browser_page, live_server):
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1?lang=en")
    assert_ready(page)
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == "Show table":
            break
    assert "Español" in reached
    assert reached[-1] == "Show table"
    page.keyboard.press("Enter")
    first = page.locator("section.figure").first
    assert first.locator(".view-toggle").get_attribute("aria-pressed") == "true"
    assert first.locator(".table-view table").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Download CSV"
    browser_page.assert_clean()


def test_csv_download_is_the_public_table_csv(browser_page, live_server):
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1?lang=en")
    assert_ready(page)
    href = page.locator("section.figure .download").first.get_attribute("href")
    assert href == "/api/v1/public/releases/3/tables/t1.csv"
    response = httpx.get(live_server.url + href)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    browser_page.assert_clean()


def test_charts_are_labelled_and_described(browser_page, live_server):
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t2?lang=en")
    assert_ready(page)
    charts = page.locator(".chart")
    assert charts.count() == 2  # by age group, trend
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "graphics-document"
        assert chart.get_attribute("aria-label")
        description = page.locator(f"#{chart.get_attribute('aria-describedby')}")
        assert description.text_content().strip()
    assert page.locator(".table-view caption").count() == 2
    browser_page.assert_clean()


def _contrast(foreground: list[float], background: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_text_contrast_meets_wcag_aa(browser_page, live_server):
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3/tables/t1?lang=en")
    assert_ready(page)
    colours = page.evaluate("""() => {
        const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const background = (node) => {
            for (; node; node = node.parentElement) {
                const colour = getComputedStyle(node).backgroundColor;
                if (!colour.endsWith(', 0)') && colour !== 'transparent') return rgb(colour);
            }
            return [255, 255, 255];
        };
        const selectors = ['h1', '.facts dt', '.breadcrumbs a', '.site-title', '.language-switch a', '.view-toggle',
                           '.download', '.chart-description'];
        return selectors.map((selector) => {
            const node = document.querySelector(selector);
            return [selector, rgb(getComputedStyle(node).color), background(node)];
        });
    }""")
    for selector, foreground, background in colours:
        assert _contrast(foreground, background) >= 4.5, selector
    browser_page.assert_clean()


def test_missing_release_is_a_404_page(browser_page, live_server):
    response = browser_page.page.goto(f"{live_server.url}/dashboard/releases/99")
    assert response.status == 404
    assert browser_page.page.locator("h1").text_content() == catalogue("es")["not_found"]
    assert browser_page.page.locator(".status").count() == 0  # nothing left loading
    assert browser_page.outside_requests == []


def test_comparison_csv_download_holds_the_published_comparisons(browser_page, live_server):
    comparisons = release(live_server, 3)["comparisons"]
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/3?lang=en")
    assert_ready(page)
    section = figure(page, catalogue("en")["comparison_heading"])
    with page.expect_download() as download_info:
        section.locator(".download").click()
    download = download_info.value
    assert download.suggested_filename == "release-3-comparisons.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert [list(row) for row in rows] == [list(c) for c in comparisons]
    for row, published in zip(rows, comparisons, strict=True):
        for key, value in published.items():
            if value is None:
                assert row[key] == "", key
            elif isinstance(value, int | float):
                assert float(row[key]) == value, key
            else:
                assert row[key] == value, key
    browser_page.assert_clean()


def test_downloaded_csv_defuses_spreadsheet_formulas(browser_page, live_server):
    page = open_dashboard(browser_page, live_server, "/dashboard/releases/1?lang=en")
    assert_ready(page)
    section = figure(page, catalogue("en")["comparison_heading"])
    with page.expect_download() as download_info:
        section.locator(".download").click()
    territories = [row["territory"] for row in csv.DictReader(io.StringIO(Path(download_info.value.path()).read_text()))]
    assert territories[-1] == "'" + FORMULA_COMPARISON["territory"]
    browser_page.assert_clean()
