"""The dashboard's HTML shells: language, the switch that keeps the page, and nothing from outside."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.releases.service import COMPLEMENTARY
from api.web.catalogue import LANGUAGES, catalogue
from tests.web.releases import publish_all
from weighting.quality import PROFILES, STATUSES

SCRIPT = Path(__file__).resolve().parents[2] / "api" / "web" / "static" / "dashboard.js"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def _urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def published(client, make_account) -> list[dict]:
    return publish_all(client, make_account("analyst", sensitive_access=True).headers)


def test_page_is_spanish_by_default(client):
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="es">' in response.text
    assert catalogue("es")["releases_heading"] in response.text


def test_english_page_sets_its_lang_and_strings(client, published):
    response = client.get("/dashboard/releases/3?lang=en")
    assert '<html lang="en">' in response.text
    assert catalogue("en")["methodology"] in response.text
    assert catalogue("es")["methodology"] not in response.text


def test_language_switch_links_to_the_same_page(client, published):
    response = client.get("/dashboard/releases/3/tables/t1?lang=es")
    assert 'href="/dashboard/releases/3/tables/t1?lang=en"' in response.text


@pytest.mark.parametrize("path", ["/dashboard/releases/99", "/dashboard/releases/1/tables/t9"])
def test_unpublished_release_or_table_is_a_404_page(client, published, path):
    response = client.get(f"{path}?lang=en")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in response.text
    assert f"<h1>{catalogue('en')['not_found']}</h1>" in response.text


def test_unknown_language_is_refused_naming_the_parameter(client):
    response = client.get("/dashboard?lang=fr")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["query", "lang"]


def test_pages_load_nothing_from_outside_the_service(client, published):
    for path in ("/dashboard", "/dashboard/releases/1", "/dashboard/releases/1/tables/t1"):
        response = client.get(path)
        assert response.status_code == 200, path
        urls = _urls(response.text)
        assert urls, path
        assert all(url.startswith(("/", "#")) for url in urls), urls


def test_vendored_chart_library_is_served(client):
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"):
        response = client.get(f"/dashboard/static/vendor/{name}")
        assert response.status_code == 200, name
        assert "javascript" in response.headers["content-type"]


def test_every_string_the_script_asks_for_is_in_both_catalogues():
    wanted = set(re.findall(r'\bt\("([a-z0-9_]+)"', SCRIPT.read_text()))
    assert wanted, "the script reads no string through t()"
    for language in LANGUAGES:
        assert wanted - set(catalogue(language)) == set(), language


def test_every_quality_status_and_reason_reads_in_both_languages():
    reasons = {reason for profile in PROFILES.values() for rule in profile.rules for reason in rule.explanations()}
    wanted = {f"reason_{reason}" for reason in reasons | {COMPLEMENTARY}}
    wanted |= {f"status_{status}" for status in STATUSES if status != "suppressed"} | {"suppressed"}
    for language in LANGUAGES:
        assert wanted - set(catalogue(language)) == set(), language
