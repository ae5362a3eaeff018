"""The demo's published release in the dashboard, in Debian's chromium: the demo data (a small
sample, psu_share 0.1) loaded by the demo loader into a live server, and every dashboard page
checked against the release's own JSON: indicator by region with intervals, by region and sex,
by sex and by age group, the trend, the survey beside the police-recorded rate with the dark
figure, table views, CSV downloads and the language switch. Screenshots go to
tests/_artifacts/dashboard/demo-*.png and are checked for obvious breakage."""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import Session

from api.demo import load_demo
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
from tests.web.conftest import LiveServer, requires_chromium, serving

pytestmark = requires_chromium

DEMO_PSU_SHARE = 0.1  # a few hundred interviews: the whole demo loads in well under a minute
SEX = {"es": {"female": "mujeres", "male": "hombres"}, "en": {"female": "women", "male": "men"}}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("demo-dashboard")

    def demo(session: Session) -> None:
        report = load_demo(session, folder / "credentials.txt", psu_share=DEMO_PSU_SHARE)
        assert report.steps[-1].startswith("release: published demo release no. 1"), report.steps

    with serving(f"sqlite:///{folder / 'demo.db'}", demo) as url:
        yield LiveServer(url=url, releases=[httpx.get(f"{url}/api/v1/public/releases/1").json()])


@pytest.fixture(scope="module")
def demo(demo_server) -> dict:
    return demo_server.releases[0]


def demo_table(doc: dict, *disaggregation: str) -> dict:
    return next(t for t in doc["tables"] if t["disaggregation"] == list(disaggregation) and t["source"] == "survey"
                and t["indicator_id"] == "victimization_robbery")


def test_demo_release_has_every_view_the_dashboard_draws(demo):
    views = {tuple(t["disaggregation"]) for t in demo["tables"] if t["indicator_id"] == "victimization_robbery"}
    assert views == {("territory",), ("territory", "sex"), ("sex",), ("age_group",)}
    assert [t["source"] for t in demo["tables"]].count("administrative") == 1
    assert {c["indicator_id"] for c in demo["comparisons"]} == {"victimization_robbery", "victimization_assault"}
    for comparison in demo["comparisons"]:
        assert 0 <= comparison["dark_figure"] <= 1
        assert comparison["dark_figure"] == pytest.approx(1 - comparison["recorded_rate"] / comparison["survey_estimate"])
    flags = {row["flag"].partition(":")[0] for t in demo["tables"] for row in t["rows"] if not row["suppressed"]}
    assert "unreliable" in flags  # a small sample: the page must mark unreliable cells


def robbery_page(demo_server, browser_page, demo, *disaggregation, language="es"):
    published = demo_table(demo, *disaggregation)
    page = open_dashboard(browser_page, demo_server, f"/dashboard/releases/1/tables/{published['id']}?lang={language}")
    assert_ready(page)
    return page, published


def expected_rows(rows, first, language, *others):
    return [[first(row), *(other(row) for other in others), estimate_text(row, language), localized(row["ci_low"], language),
             localized(row["ci_high"], language), localized(row["se"], language), localized(row["cv"], language),
             localized(row["n"], language), quality_text(row, language)] for row in rows]


def test_indicator_by_region_draws_bars_intervals_and_marks(demo_server, browser_page, demo, artifacts):
    page, published = robbery_page(demo_server, browser_page, demo, "territory")
    section = figure(page, f"{published['title']['es']}, por región")
    drawn = [row for row in published["rows"] if not row["suppressed"]]
    assert bars(section) == len(drawn)
    with_interval = [row for row in drawn if row["ci_low"] is not None]
    intervals = section.locator('.chart svg line[aria-roledescription="rule mark"]')
    assert intervals.count() == len(with_interval)
    assert [intervals.nth(i).get_attribute("aria-label") for i in range(intervals.count())] == [
        f"{row['territory']}: IC 95% {localized(row['ci_low'], 'es')} – {localized(row['ci_high'], 'es')}"
        for row in with_interval
    ]
    unreliable = [row for row in drawn if row["flag"].startswith("unreliable")]
    assert section.locator(".chart svg text").filter(has_text=re.compile("^‡$")).count() == len(unreliable)
    assert section.locator(".chart svg .role-axis-title").all_text_contents()[:1] == ["Región"]
    legend = " ".join(section.locator(".chart svg .role-legend").all_text_contents())
    assert ("‡ poco fiable" in legend) == bool(unreliable)
    screenshot(page, artifacts, "demo-region-es")
    assert table_cells(section) == expected_rows(published["rows"], lambda r: r["territory"], "es")
    browser_page.assert_clean()


def test_disaggregation_by_region_and_sex(demo_server, browser_page, demo, artifacts):
    page, published = robbery_page(demo_server, browser_page, demo, "territory", "sex", language="en")
    section = figure(page, f"{published['title']['en']}, by region and sex")
    assert bars(section) == sum(not row["suppressed"] for row in published["rows"])
    assert section.locator(".chart svg .role-legend").filter(has_text="Sex").count() == 1
    screenshot(page, artifacts, "demo-region-sex-en")
    assert table_cells(section) == expected_rows(published["rows"], lambda r: r["territory"], "en",
                                                 lambda r: SEX["en"][r["sex"]])
    browser_page.assert_clean()


@pytest.mark.parametrize(("column", "heading", "label"), [
    ("sex", "por sexo", lambda row: SEX["es"][row["sex"]]),
    ("age_group", "por grupo de edad", lambda row: row["age_group"]),
])
def test_disaggregation_by_sex_and_by_age_group(demo_server, browser_page, demo, artifacts, column, heading, label):
    page, published = robbery_page(demo_server, browser_page, demo, column)
    section = figure(page, f"{published['title']['es']}, {heading}")
    assert bars(section) == sum(not row["suppressed"] for row in published["rows"])
    categories = section.locator(".chart svg .role-axis-label text").all_text_contents()
    assert [label(row) for row in published["rows"]] == [c for c in categories if c in {label(r) for r in published["rows"]}]
    screenshot(page, artifacts, f"demo-{column}-es")
    assert table_cells(section) == expected_rows(published["rows"], label, "es")
    browser_page.assert_clean()


def test_trend_reads_the_released_series(demo_server, browser_page, demo):
    page, published = robbery_page(demo_server, browser_page, demo, "territory", language="en")
    series = httpx.get(f"{demo_server.url}/api/v1/public/indicators/victimization_robbery/series").json()
    assert [p["release"] for p in series["releases"]] == [1]
    section = figure(page, f"{published['title']['en']}: trend across waves")
    assert section.locator(".chart svg").count() == 1
    assert section.locator(".legend-note", has_text=catalogue("en")["trend_single_wave"]).count() == 1
    expected = [[demo["wave"], row["territory"], "1", estimate_text(row, "en"), localized(row["ci_low"], "en"),
                 localized(row["ci_high"], "en"), quality_text(row, "en")] for row in published["rows"]]
    assert table_cells(section) == expected
    browser_page.assert_clean()


def test_survey_beside_police_records_with_the_dark_figure(demo_server, browser_page, demo, artifacts):
    page = open_dashboard(browser_page, demo_server, "/dashboard/releases/1")
    assert_ready(page)
    comparisons = demo["comparisons"]
    section = figure(page, catalogue("es")["comparison_heading"])
    assert bars(section) == 2 * len(comparisons)
    assert section.locator(".chart svg text", has_text="Cifra oculta").count() == len(comparisons)
    titles = {t["indicator_id"]: t["title"]["es"] for t in demo["tables"]}
    places = section.locator(".chart svg .role-axis-label text").evaluate_all(  # a line per part of the name
        "texts => texts.map(text => [...text.querySelectorAll('tspan')].map(line => line.textContent).join(' · '))")
    for comparison in comparisons:  # one group of bars per indicator, named
        assert f"{comparison['territory']} ({comparison['period']}) · {titles[comparison['indicator_id']]}" in places
    for comparison in comparisons:
        dark = f"{round(comparison['dark_figure'] * 100, 1):.1f}".replace(".", ",").removesuffix(",0")
        assert section.locator(".chart svg text", has_text=f"Cifra oculta: {dark}").count() >= 1, dark
    methodology = page.locator("#methodology").text_content()
    meta = demo["metadata"]
    for fact in (meta["sample_design"]["description"], meta["fieldwork"]["start"], meta["fieldwork"]["end"],
                 localized(meta["sample"]["interviews_completed"], "es"), *meta["weighting"]["steps"],
                 meta["weighting"]["population"]["source"], *(v["version"] for v in meta["instrument_versions"]),
                 *(s["source"] for s in meta["administrative_sources"]),
                 f"menos de {meta['disclosure']['minimum_base']} casos",
                 *(indicator["definition"] for indicator in meta["indicators"]),
                 *(indicator["counting_rule"] for indicator in meta["indicators"])):
        assert fact in methodology
    screenshot(page, artifacts, "demo-release-es")
    cells = table_cells(section)
    assert [(c[0], c[3], c[7], c[8]) for c in cells] == [
        (c["territory"], localized(c["survey_estimate"], "es"), localized(c["recorded_rate"], "es"),
         localized(c["dark_figure"], "es")) for c in comparisons
    ]
    browser_page.assert_clean()


def test_language_switch_translates_titles_axes_and_categories(demo_server, browser_page, demo):
    page, published = robbery_page(demo_server, browser_page, demo, "sex")
    assert page.locator("h1").text_content() == published["title"]["es"]
    section = figure(page, f"{published['title']['es']}, por sexo")
    assert section.locator(".chart svg .role-axis-title").all_text_contents()[0] == "Sexo"
    page.get_by_role("link", name="English").click()
    page.wait_for_selector('.status[data-state="ready"]', state="attached", timeout=30_000)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").text_content() == published["title"]["en"]
    section = figure(page, f"{published['title']['en']}, by sex")
    assert section.locator(".chart svg .role-axis-title").all_text_contents()[0] == "Sex"
    labels = section.locator(".chart svg .role-axis-label text").all_text_contents()
    assert {"women", "men"} <= set(labels) and not {"female", "male", "mujeres"} & set(labels)
    browser_page.assert_clean()


def test_table_csv_download_is_the_published_table(demo_server, browser_page, demo):
    page, published = robbery_page(demo_server, browser_page, demo, "age_group", language="en")
    section = figure(page, f"{published['title']['en']}, by age group")
    with page.expect_download() as download_info:
        section.locator(".download").click()
    downloaded = Path(download_info.value.path()).read_bytes()
    assert downloaded == httpx.get(f"{demo_server.url}/api/v1/public/releases/1/tables/{published['id']}.csv").content
    downloaded = downloaded.decode()
    rows = list(csv.DictReader(io.StringIO(downloaded)))
    assert [row["age_group"] for row in rows] == [row["age_group"] for row in published["rows"]]
    for row, cell in zip(rows, published["rows"], strict=True):
        assert (row["estimate"] == "") == cell["suppressed"]
        if not cell["suppressed"]:
            assert float(row["estimate"]) == pytest.approx(cell["estimate"], rel=1e-12)
    browser_page.assert_clean()
