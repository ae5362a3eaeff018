"""Open data: published releases without login, as JSON, CSV, SDMX-CSV and a data package;
drafts and respondent-level data never reachable; rate limited per address."""

import copy
import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from api.app import create_app
from api.db import database_turn, get_session
from api.pagination import page_params
from api.releases.exports import SDMX_COLUMNS
from api.releases.models import Release
from api.releases.ratelimit import TokenBucket, public_rate_limit
from api.releases.router import public_indicators_router, public_router
from api.releases.service import content_sha256
from tests.api.release_data import add_table, cell, create_release, published_release, safety_rows, table_body

RESPONDENT_TABLES = ("submission", "submission_revision", "submission_personal", "submission_attachment", "dataset",
                     "analysis", "estimate_result", "release_table")


@pytest.fixture
def analyst(make_account):
    return make_account("analyst")


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_published_release_is_public_without_login(client, analyst):
    doc = published_release(client, analyst)
    listed = client.get("/api/v1/public/releases")
    assert listed.status_code == 200
    assert [(r["number"], r["content_sha256"]) for r in listed.json()] == [(1, doc["content_sha256"])]
    served = client.get("/api/v1/public/releases/1").json()
    assert served == doc
    assert content_sha256(served) == doc["content_sha256"]  # readers can check what they downloaded
    table = client.get("/api/v1/public/releases/1/tables/t1")
    assert table.status_code == 200 and table.json() == doc["tables"][0]


def test_a_release_is_served_exactly_as_it_was_published(client, analyst, engine):
    # A release published by an earlier version of the service, whose document's shape differs from today's
    # model (here: cells without suppression_reason, no comparisons): served as stored, its hash still holds.
    published_release(client, analyst)
    with Session(engine) as session:
        release = session.exec(select(Release).where(Release.number == 1)).one()
        older = copy.deepcopy(release.document)
        del older["comparisons"]
        for table in older["tables"]:
            for row in table["rows"]:
                row.pop("suppression_reason")
        older["content_sha256"] = content_sha256(older)
        release.document, release.content_sha256 = older, older["content_sha256"]
        session.add(release)
        session.commit()
    served = client.get("/api/v1/public/releases/1")
    assert served.status_code == 200, served.text
    assert served.json() == older and content_sha256(served.json()) == older["content_sha256"]
    assert client.get("/api/v1/public/releases/1/tables/t1").json() == older["tables"][0]
    indicator = older["tables"][0]["indicator_id"]
    series = client.get(f"/api/v1/public/indicators/{indicator}/series")
    assert series.status_code == 200, series.text
    assert series.json()["releases"][0]["tables"] == [t for t in older["tables"] if t["indicator_id"] == indicator]


def test_drafts_are_not_public(client, analyst):
    published_release(client, analyst)
    draft_id = create_release(client, analyst)
    assert draft_id == 2
    assert [r["number"] for r in client.get("/api/v1/public/releases").json()] == [1]
    for path in ("/2", "/2/tables/t1", "/2/tables/t1.csv", "/2/sdmx.csv", "/2/datapackage.json", "/1/tables/t9"):
        response = client.get(f"/api/v1/public/releases{path}")
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json")


def test_public_routes_depend_on_nothing_but_a_session_and_the_rate_limit():
    allowed = {get_session, database_turn, public_rate_limit, page_params}
    for route in [*public_router.routes, *public_indicators_router.routes]:
        calls = set()
        pending = list(route.dependant.dependencies)
        while pending:
            dependency = pending.pop()
            calls.add(dependency.call)
            pending.extend(dependency.dependencies)
        assert calls <= allowed, route.path


def test_public_routes_read_only_the_release_table(client, analyst, engine):
    published_release(client, analyst)
    statements: list[str] = []

    def capture(_connection, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", capture)
    try:
        for path in ("", "/1", "/1/tables/t1", "/1/tables/t1.csv", "/1/sdmx.csv", "/1/datapackage.json"):
            assert client.get(f"/api/v1/public/releases{path}").status_code == 200, path
        assert client.get("/api/v1/public/indicators/sdg_16_1_4/series").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    read = {name for statement in statements for name in re.findall(r"\b(?:from|join)\s+\"?(\w+)", statement)}
    assert read == {"release"}
    assert not any(re.search(rf"\b{name}\b", s) for s in statements for name in RESPONDENT_TABLES)


def test_table_csv_escapes_formula_cells(client, analyst):
    rows = [cell(0.4, 100, territory=name, level="safe") for name in ("=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)")]
    rows.append(cell(-0.25, 100, territory="Norte", level="safe"))
    published_release(client, analyst, rows=rows, disaggregation=("territory",))
    response = client.get("/api/v1/public/releases/1/tables/t1.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    parsed = read_csv(response.text)
    assert [row["territory"] for row in parsed] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "Norte"]
    # Numbers are not text: a negative estimate stays a number.
    assert parsed[-1]["estimate"] == "-0.25"


def test_sdmx_csv_has_the_sdg_columns_and_codes(client, analyst):
    rows = [cell(0.3, 12, sex="female", level="safe"), cell(0.7, 12, sex="female", level="unsafe"),
            cell(0.48, 390, sex="male", level="safe"), cell(0.52, 390, sex="male", level="unsafe"),
            cell(0.47, 402, sex="total", level="safe"), cell(0.53, 402, sex="total", level="unsafe")]
    published_release(client, analyst, rows=rows)
    response = client.get("/api/v1/public/releases/1/sdmx.csv")
    assert response.status_code == 200
    header = response.text.splitlines()[0].split(",")
    assert tuple(header) == SDMX_COLUMNS
    observations = {row["SEX"]: row for row in read_csv(response.text)}
    assert set(observations) == {"F", "M", "_T"}  # only the level the series measures ("safe")
    total = observations["_T"]
    assert total["DATAFLOW"] == "IAEG-SDGs:DF_SDG_GLH(1.0)" and total["SERIES"] == "VC_SNS_WALN_DRK"
    assert (total["REF_AREA"], total["TIME_PERIOD"], total["AGE"], total["UNIT_MEASURE"]) == ("XX", "2025", "_T", "PERCENT")
    assert float(total["OBS_VALUE"]) == pytest.approx(47.0)
    assert float(total["LOWER_BOUND"]) == pytest.approx(100 * (0.47 - 1.96 * 0.47 * 0.05))
    assert (observations["F"]["OBS_STATUS"], observations["F"]["CONF_STATUS"], observations["F"]["OBS_VALUE"]) == ("M", "C", "")
    assert observations["F"]["COMMENT_OBS"] == "min_base"


def test_sdmx_age_groups_use_sdg_codes(client, analyst):
    rows = [cell(0.2, 300, age_group=group, level="any") for group in ("15-29", "65+", "total")]
    published_release(client, analyst, rows=rows, disaggregation=("age_group",), indicator_id="sdg_5_2_1",
                      sdmx_series="VC_VAW_MARR", sdmx_level="any")
    ages = [row["AGE"] for row in read_csv(client.get("/api/v1/public/releases/1/sdmx.csv").text)]
    assert ages == ["Y15T29", "Y_GE65", "_T"]


def test_datapackage_describes_each_table_csv(client, analyst):
    doc = published_release(client, analyst)
    package = client.get("/api/v1/public/releases/1/datapackage.json").json()
    assert package["profile"] == "tabular-data-package"
    assert re.fullmatch(r"[a-z0-9._-]+", package["name"]) and package["name"] == doc["slug"]
    assert len(package["resources"]) == len(doc["tables"]) >= 1
    for resource in package["resources"]:
        # Required by the tabular-data-resource profile: name, path (or data), schema and profile.
        assert set(resource) >= {"name", "path", "schema", "profile"}
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"]) and ".." not in resource["path"]
        assert resource["profile"] == "tabular-data-resource"
        fields = resource["schema"]["fields"]
        assert all(set(f) >= {"name", "type"} for f in fields)
        assert {f["type"] for f in fields} <= {"string", "number", "integer", "boolean"}
        served = client.get(f"/api/v1/public/releases/1/{resource['path']}")
        assert served.status_code == 200
        assert served.text.splitlines()[0].split(",") == [f["name"] for f in fields]


def test_public_requests_over_the_limit_get_429(settings, engine, analyst, client):
    published_release(client, analyst)
    limited = create_app(settings.model_copy(update={"public_requests_per_minute": 2}), engine=engine)
    with TestClient(limited, raise_server_exceptions=False) as other:
        answers = [other.get("/api/v1/public/releases/1") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) == 30


def test_rate_limit_is_off_in_tests_unless_asked(client, analyst):
    published_release(client, analyst)
    assert all(client.get("/api/v1/public/releases").status_code == 200 for _ in range(150))


def test_token_bucket_refills_over_time():
    now = [0.0]
    bucket = TokenBucket(per_minute=60, clock=lambda: now[0])
    assert [bucket.take("a") for _ in range(60)] == [0.0] * 60
    assert bucket.take("a") == pytest.approx(1.0)
    assert bucket.take("b") == 0.0  # another address has its own bucket
    now[0] = 2.0
    assert bucket.take("a") == 0.0


def test_sdmx_has_one_observation_per_series_key(client, analyst):
    release_id = create_release(client, analyst)
    counts = [cell(9100.0, 200, sex="male"), cell(8800.0, 210, sex="female")]
    add_table(client, analyst, release_id, table_body(counts, ["sex"], indicator_id="victims", unit="count",
                                                      statistic="total", sdmx_series=None, sdmx_level=None))
    add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"], sdmx_level=None))
    assert client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers).status_code == 200
    observations = read_csv(client.get("/api/v1/public/releases/1/sdmx.csv").text)
    # The proportion table names no level its series measures, so it has no observations to give.
    assert [(o["SERIES"], o["SEX"], o["UNIT_MEASURE"], o["OBS_VALUE"]) for o in observations] == [
        ("victims", "M", "NUMBER", "9100.0"), ("victims", "F", "NUMBER", "8800.0")]


def publish_wave(client, account, wave: str, period: str, female_safe: float, female_n: int = 400, **changes) -> dict:
    release_id = create_release(client, account, wave=wave, reference_period=period, **changes)
    rows = safety_rows(female_n)
    rows[0]["estimate"], rows[1]["estimate"] = female_safe, round(1 - female_safe, 2)
    assert add_table(client, account, release_id, table_body(rows, ["sex"])).status_code == 201
    other = table_body([cell(1200.0, 300, sex="total")], ["sex"], indicator_id="victims", unit="count",
                       statistic="total", sdmx_series=None, sdmx_level=None)
    assert add_table(client, account, release_id, other).status_code == 201
    response = client.post(f"/api/v1/releases/{release_id}/publish", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_indicator_series_holds_each_wave_as_published(client, analyst):
    second = publish_wave(client, analyst, "2026", "2025", 0.37, female_n=12)  # published first, later wave
    first = publish_wave(client, analyst, "2025", "2024", 0.33)
    create_release(client, analyst, wave="2027", reference_period="2026")  # a draft: never in the series
    response = client.get("/api/v1/public/indicators/sdg_16_1_4/series")
    assert response.status_code == 200
    series = response.json()
    assert series["indicator_id"] == "sdg_16_1_4"
    assert [(p["release"], p["wave"]) for p in series["releases"]] == [(2, "2025"), (1, "2026")]
    for point, doc in zip(series["releases"], (first, second), strict=True):
        assert point["tables"] == [doc["tables"][0]]  # the published table, flags and suppression included
        assert point["superseded"] is False
    female_2026 = rows_of(series["releases"][1]["tables"][0])[("female", "safe")]
    assert female_2026["suppressed"] and female_2026["estimate"] is None  # never the draft's 0.37
    assert rows_of(series["releases"][0]["tables"][0])[("female", "safe")]["estimate"] == 0.33
    assert "0.37" not in response.text


def test_indicator_series_shows_a_corrected_wave_once(client, analyst):
    publish_wave(client, analyst, "2025", "2024", 0.33)
    publish_wave(client, analyst, "2026", "2025", 0.36)
    publish_wave(client, analyst, "2026", "2025", 0.38, corrects=2, changes="female estimate revised")
    series = client.get("/api/v1/public/indicators/sdg_16_1_4/series").json()
    assert [p["release"] for p in series["releases"]] == [1, 3]
    assert rows_of(series["releases"][1]["tables"][0])[("female", "safe")]["estimate"] == 0.38
    everything = client.get("/api/v1/public/indicators/sdg_16_1_4/series?include_superseded=true").json()
    assert [(p["release"], p["superseded"]) for p in everything["releases"]] == [(1, False), (2, True), (3, False)]


def test_indicator_series_of_an_unpublished_indicator_is_404(client, analyst):
    publish_wave(client, analyst, "2025", "2024", 0.33)
    response = client.get("/api/v1/public/indicators/sdg_5_2_1/series")
    assert response.status_code == 404 and response.json()["code"] == "indicator_not_published"


def rows_of(table: dict) -> dict:
    return {(row["sex"], row["level"]): row for row in table["rows"]}
