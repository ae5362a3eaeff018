"""Releases: drafting, preview, publication, immutability, numbering, corrections and disclosure."""

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from api.releases.demo import DemoTable, publish_demo_release
from api.releases.schemas import Bilingual
from api.releases.service import content_sha256, disclose
from tests.api.release_data import (
    METADATA,
    add_table,
    cell,
    create_release,
    published_release,
    release_body,
    safety_rows,
    spec_body,
    table_body,
)
from tests.api.test_estimates import analysis, upload
from tests.weighting.test_disclosure import recoverable
from weighting.disclosure import margin_relations
from weighting.quality import get_profile

EXAMPLE = json.loads((Path(__file__).parents[1] / "web" / "fixtures" / "release_example.json").read_text())


@pytest.fixture
def analyst(make_account):
    return make_account("analyst")


def rows_by(table, *columns):
    return {tuple(row[c] for c in columns): row for row in table["rows"]}


def test_published_release_has_the_documented_shape(client, analyst):
    doc = published_release(client, analyst)
    # The example the dashboard is built against has exactly the keys a real release has.
    assert set(doc) == set(EXAMPLE)
    assert set(doc["metadata"]) == set(EXAMPLE["metadata"])
    assert set(doc["metadata"]["disclosure"]) == set(EXAMPLE["metadata"]["disclosure"])
    (table,) = doc["tables"]
    assert set(table) == set(EXAMPLE["tables"][0])
    assert set(table["rows"][0]) - {"sex"} == set(EXAMPLE["tables"][0]["rows"][0]) - {"territory", "sex"}
    assert set(doc["comparisons"][0]) == set(EXAMPLE["comparisons"][0])
    assert (doc["number"], doc["slug"], doc["corrects"]) == (1, "1-safety-survey-2026-wave", None)
    assert doc["published_at"].endswith("Z")
    assert doc["content_sha256"] == content_sha256(doc)


def test_preview_shows_the_disclosed_table_without_a_number(client, analyst):
    release_id = create_release(client, analyst)
    add_table(client, analyst, release_id, table_body(safety_rows(female_n=12), ["sex"]))
    preview = client.get(f"/api/v1/releases/{release_id}/preview", headers=analyst.headers)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["number"] is None and body["content_sha256"] is None
    assert rows_by(body["tables"][0], "sex", "level")[("female", "safe")]["suppressed"] is True
    assert client.get("/api/v1/public/releases/1").status_code == 404


def test_published_release_is_immutable(client, analyst):
    release_id = create_release(client, analyst)
    add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"]))
    assert client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers).status_code == 200
    attempts = [
        client.patch(f"/api/v1/releases/{release_id}", json={"wave": "2027"}, headers=analyst.headers),
        client.delete(f"/api/v1/releases/{release_id}", headers=analyst.headers),
        add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"])),
        client.delete(f"/api/v1/releases/{release_id}/tables/t1", headers=analyst.headers),
        client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers),
    ]
    assert [r.status_code for r in attempts] == [409] * 5
    assert {r.json()["code"] for r in attempts} == {"release_immutable"}
    assert client.get("/api/v1/public/releases/1").json()["wave"] == "2026"


def test_releases_are_numbered_in_publication_order(client, analyst):
    first, second = create_release(client, analyst), create_release(client, analyst)
    for release_id in (second, first):
        add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"]))
        client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers)
    numbers = {r["id"]: r["number"] for r in client.get("/api/v1/releases", headers=analyst.headers).json()}
    assert numbers == {second: 1, first: 2}


def test_correction_names_the_release_and_what_changed(client, analyst):
    published_release(client, analyst)
    missing_changes = client.post("/api/v1/releases", json=release_body(corrects=1), headers=analyst.headers)
    assert missing_changes.status_code == 422
    unknown = client.post("/api/v1/releases", json=release_body(corrects=7, changes="x"), headers=analyst.headers)
    assert unknown.status_code == 422 and unknown.json()["code"] == "corrected_release_not_found"
    release_id = create_release(client, analyst, corrects=1, changes="Female estimate recomputed")
    add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"]))
    doc = client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers).json()
    assert (doc["number"], doc["corrects"], doc["changes"]) == (2, 1, "Female estimate recomputed")


def test_release_without_tables_or_indicator_definitions_is_not_published(client, analyst):
    release_id = create_release(client, analyst)
    empty = client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers)
    assert empty.status_code == 422 and empty.json()["code"] == "empty_release"
    add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"], indicator_id="sdg_99_9_9"))
    undefined = client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers)
    assert undefined.status_code == 422 and undefined.json()["code"] == "incomplete_metadata"
    assert undefined.json()["errors"][0]["loc"] == ["tables", "t1", "indicator_id"]


def test_metadata_needs_its_required_sections(client, analyst):
    metadata = {key: value for key, value in METADATA.items() if key != "fieldwork"}
    response = client.post("/api/v1/releases", json=release_body(metadata=metadata), headers=analyst.headers)
    assert response.status_code == 422
    assert ["body", "metadata", "fieldwork"] in [e["loc"] for e in response.json()["errors"]]


def test_unknown_quality_profile_is_refused(client, analyst):
    response = client.post("/api/v1/releases", json=release_body(quality_profile="strict"), headers=analyst.headers)
    assert response.status_code == 422 and response.json()["code"] == "unknown_quality_profile"


def test_posted_rows_are_validated_row_by_row(client, analyst):
    release_id = create_release(client, analyst)
    rows = [cell(0.4, 100, sex="female", level="safe"), cell(0.5, 100, sex="female", level="safe"),
            {**cell(0.5, 100, sex="male", level="safe"), "colour": "red"}, {"sex": "total", "level": "safe"}]
    body = json.dumps(table_body(rows, ["sex"])).replace("0.5,", "NaN,", 1)
    response = client.post(f"/api/v1/releases/{release_id}/tables", content=body,
                           headers={**analyst.headers, "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    problems = {(tuple(e["loc"][2:]), e["type"]) for e in response.json()["errors"]}
    assert problems >= {((1, "estimate"), "not_finite"), ((1, "level"), "duplicate_cell"),
                        ((2, "colour"), "unknown_field"), ((3, "n"), "missing_field"),
                        ((3, "estimate"), "missing_field")}


def test_administrative_table_must_name_its_source(client, analyst):
    release_id = create_release(client, analyst)
    rows = [{"territory": "Norte", "estimate": 31.8, "n": 1279}]
    body = table_body(rows, ["territory"], source="administrative", indicator_id="sdg_16_1_1",
                      unit="rate_per_100000", statistic="total", sdmx_series="VC_IHR_PSRC", sdmx_level=None)
    assert add_table(client, analyst, release_id, body).status_code == 422
    added = add_table(client, analyst, release_id, {**body, "administrative_source": "National Police"})
    assert added.status_code == 201, added.text
    doc = client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers).json()
    (row,) = doc["tables"][0]["rows"]
    assert (row["estimate"], row["n"], row["suppressed"], row["flag"]) == (31.8, 1279, False, "not_assessed")


def test_cell_below_the_minimum_base_is_suppressed_with_its_complement(client, analyst):
    rows = [cell(1800.0, 20, sex="female"), cell(9100.0, 200, sex="male"), cell(10900.0, 220, sex="total")]
    doc = published_release(client, analyst, rows=rows, indicator_id="victims", unit="count", statistic="total",
                            sdmx_series=None, sdmx_level=None)
    table = rows_by(doc["tables"][0], "sex")
    assert table[("female",)]["suppression_reason"] == "min_base"
    # The total would give the female cell away by subtraction; male is the smaller of the two candidates.
    assert table[("male",)]["suppression_reason"] == "complementary"
    assert table[("total",)]["suppressed"] is False and table[("total",)]["estimate"] == 10900.0
    for sex in ("female", "male"):
        row = table[(sex,)]
        assert row["suppressed"] is True
        assert all(row[f] is None for f in ("estimate", "se", "ci_low", "ci_high", "cv", "n", "weighted_n"))


def test_suppressed_proportion_level_takes_a_second_level_with_it(client, analyst):
    doc = published_release(client, analyst, rows=safety_rows(female_n=12))
    table = rows_by(doc["tables"][0], "sex", "level")
    suppressed = {key: row["suppression_reason"] for key, row in table.items() if row["suppressed"]}
    # female/safe is under the base; unsafe = 1 - safe; the male group's cells then give female away
    # through the total group (weighted), so the cheaper male level goes too, and its complement.
    assert suppressed[("female", "safe")] == "min_base" and suppressed[("female", "unsafe")] == "min_base"
    assert suppressed[("male", "safe")] == suppressed[("male", "unsafe")] == "complementary"
    assert not table[("total", "safe")]["suppressed"]


def test_vawg_table_uses_the_stricter_profile(client, make_account):
    analyst = make_account("analyst", sensitive_access=True)  # VAWG drafts are theirs to publish
    rows = [cell(0.21, 40, age_group="15-29", level="any"), cell(0.26, 455, age_group="30-49", level="any")]
    common = {"indicator_id": "sdg_5_2_1", "sdmx_series": "VC_VAW_MARR", "sdmx_level": "any"}
    plain = published_release(client, analyst, rows=rows, disaggregation=("age_group",), **common)
    sensitive = published_release(client, analyst, rows=rows, disaggregation=("age_group",), sensitive=True, **common)
    assert not rows_by(plain["tables"][0], "age_group")[("15-29",)]["suppressed"]
    young = rows_by(sensitive["tables"][0], "age_group")[("15-29",)]
    assert young["suppressed"] and young["suppression_reason"] == "min_base"
    assert sensitive["tables"][0]["quality_profile"] == "vawg"
    assert sensitive["metadata"]["disclosure"]["sensitive_minimum_base"] == 50


def test_two_way_table_leaves_no_suppressed_cell_alone_in_a_margin(client, analyst):
    rows = []
    counts = {"Norte": (2000, 9, 3000), "Centro": (2500, 2600, 1800), "Sur": (1700, 1600, 1500)}
    for territory, values in counts.items():
        for sex, n in zip(("female", "male", "other"), values, strict=True):
            rows.append(cell(n * 10.0, n, territory=territory, sex=sex))
        rows.append(cell(sum(values) * 10.0, sum(values), territory=territory, sex="total"))
    for index, sex in enumerate(("female", "male", "other")):
        column = sum(values[index] for values in counts.values())
        rows.append(cell(column * 10.0, column, territory="total", sex=sex))
    grand = sum(map(sum, counts.values()))
    rows.append(cell(grand * 10.0, grand, territory="total", sex="total"))
    doc = published_release(client, analyst, rows=rows, disaggregation=("territory", "sex"), indicator_id="victims",
                            unit="count", statistic="total", sdmx_series=None, sdmx_level=None)
    table = rows_by(doc["tables"][0], "territory", "sex")
    hidden = {key for key, row in table.items() if row["suppressed"]}
    assert ("Norte", "male") in hidden and len(hidden) == 4
    for axis in (0, 1):
        lines = {key[axis] for key in table}
        for line in lines:
            assert len({key for key in hidden if key[axis] == line}) != 1, line
    # Greedy by the documented rule: Sur/male is the cheapest partner in column male, Sur/other the
    # cheapest in row Sur, and Norte/other closes the rectangle.
    assert hidden == {("Norte", "male"), ("Norte", "other"), ("Sur", "male"), ("Sur", "other")}


def test_table_from_an_analysis_matches_its_estimate_rows(client, analyst):
    dataset_id = upload(client, analyst).json()["id"]
    analysis_id = analysis(client, analyst, dataset_id).json()["id"]
    request = {"statistic": "proportion", "variable": "sch.wide", "by": ["stype"]}
    estimated = client.post(f"/api/v1/analyses/{analysis_id}/estimates", json=request, headers=analyst.headers)
    release_id = create_release(client, analyst)
    added = client.post(f"/api/v1/releases/{release_id}/tables/from-analysis", headers=analyst.headers,
                        json=spec_body(analysis_id=analysis_id, request=request))
    assert added.status_code == 201, added.text
    assert added.json()["rows"] == estimated.json()["rows"]
    assert added.json()["spec"]["disaggregation"] == ["stype"]
    preview = client.get(f"/api/v1/releases/{release_id}/preview", headers=analyst.headers).json()
    (used,) = preview["metadata"]["analyses"]
    assert used["analysis_id"] == analysis_id and used["design"]["strata"] == "stype"
    rows = preview["tables"][0]["rows"]
    assert all(row["flag"] for row in rows)
    published = [row for row in rows if not row["suppressed"]]
    for row in published:
        original = next(r for r in estimated.json()["rows"] if (r["stype"], r["level"]) == (row["stype"], row["level"]))
        assert math.isclose(row["estimate"], original["estimate"], rel_tol=1e-12)


def test_unknown_analysis_is_404(client, analyst):
    release_id = create_release(client, analyst)
    response = client.post(f"/api/v1/releases/{release_id}/tables/from-analysis", headers=analyst.headers,
                           json=spec_body(analysis_id=99, request={"statistic": "mean", "variable": "x"}))
    assert response.status_code == 404 and response.json()["code"] == "analysis_not_found"


def test_draft_can_be_edited_and_tables_removed(client, analyst):
    release_id = create_release(client, analyst)
    add_table(client, analyst, release_id, table_body(safety_rows(), ["sex"]))
    edited = client.patch(f"/api/v1/releases/{release_id}", json={"wave": "2026b"}, headers=analyst.headers)
    assert edited.status_code == 200 and edited.json()["wave"] == "2026b"
    assert client.delete(f"/api/v1/releases/{release_id}/tables/t1", headers=analyst.headers).status_code == 204
    assert client.get(f"/api/v1/releases/{release_id}", headers=analyst.headers).json()["tables"] == []
    assert client.delete(f"/api/v1/releases/{release_id}", headers=analyst.headers).status_code == 204


def test_demo_release_is_published_from_an_analysis_once(client, analyst, engine):
    dataset_id = upload(client, analyst).json()["id"]
    analysis_id = analysis(client, analyst, dataset_id).json()["id"]
    metadata = {**METADATA, "indicators": [{"indicator_id": "school_wide", "definition": "Met school-wide target"}]}
    table = DemoTable(indicator_id="school_wide", title=Bilingual(en="School-wide target", es="Meta escolar"),
                      variable="sch.wide", by=("stype",), sdmx_level="Yes")
    title = Bilingual(en="Demo release", es="Publicación de demostración")
    with Session(engine, expire_on_commit=False) as session:
        first = publish_demo_release(session, analyst.user, analysis_id, [table], title=title, wave="demo",
                                     reference_period="2026", metadata=metadata)
        again = publish_demo_release(session, analyst.user, analysis_id, [table], title=title, wave="demo",
                                     reference_period="2026", metadata=metadata)
        session.commit()
    assert first["number"] == 1 and again == first
    public = client.get("/api/v1/public/releases/1").json()
    assert public["tables"][0]["disaggregation"] == ["stype"]
    assert {row["stype"] for row in public["tables"][0]["rows"]} == {"E", "H", "M"}


def test_disaggregation_named_like_a_row_field_is_refused(client, analyst):
    release_id = create_release(client, analyst)
    response = add_table(client, analyst, release_id, table_body([cell(0.4, 100)], ["n"]))
    assert response.status_code == 422 and response.json()["code"] == "reserved_column"


def test_changes_belong_to_corrections_only(client, analyst):
    response = client.post("/api/v1/releases", json=release_body(changes="nothing corrected"), headers=analyst.headers)
    assert response.status_code == 422
    release_id = create_release(client, analyst)
    patched = client.patch(f"/api/v1/releases/{release_id}", json={"changes": "x"}, headers=analyst.headers)
    assert patched.status_code == 422 and patched.json()["code"] == "changes_mismatch"


@hypothesis_settings(max_examples=40, deadline=None)
@given(shape=st.tuples(st.integers(2, 4), st.integers(2, 3)), data=st.data())
def test_no_cell_under_the_base_can_be_recovered_from_a_published_table(shape, data):
    territories, sexes = [f"T{i}" for i in range(shape[0])], [f"S{j}" for j in range(shape[1])]
    base = {(t, s): data.draw(st.integers(0, 400)) for t in territories for s in sexes}
    rows = []
    for t in [*territories, "total"]:
        for s in [*sexes, "total"]:
            n = sum(v for (tt, ss), v in base.items() if t in (tt, "total") and s in (ss, "total"))
            rows.append(cell(n * 10.0, n, territory=t, sex=s))
    spec = {"source": "survey", "statistic": "total", "disaggregation": ["territory", "sex"], "total_label": "total"}
    disclosed = disclose(spec, rows, get_profile("min_base"))
    hidden = {i for i, row in enumerate(disclosed) if row["suppressed"]}
    assert {i for i, row in enumerate(rows) if row["n"] < 30} <= hidden
    keys = [{"territory": r["territory"], "sex": r["sex"], "level": None} for r in rows]
    relations = margin_relations(keys, ["territory", "sex", "level"], "total")
    assert recoverable(hidden, relations, len(rows)) == set()
    for original, published in zip(rows, disclosed, strict=True):
        if published["suppressed"]:
            assert published["estimate"] is None and published["n"] is None
        else:
            assert (published["estimate"], published["n"]) == (original["estimate"], original["n"])


def test_infinite_respondent_count_is_422_not_500(client, analyst):
    release_id = create_release(client, analyst)
    body = json.dumps(table_body([cell(0.4, 100, sex="female", level="safe")], ["sex"])).replace('"n": 100', '"n": Infinity')
    response = client.post(f"/api/v1/releases/{release_id}/tables", content=body,
                           headers={**analyst.headers, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "rows", 0, "n"]


def test_comparison_interval_must_hold_its_estimate(client, analyst):
    comparison = {**release_body()["comparisons"][0], "survey_ci_low": 9999.0}
    response = client.post("/api/v1/releases", json=release_body(comparisons=[comparison]), headers=analyst.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:3] == ["body", "comparisons", 0]


def test_tables_of_one_indicator_are_suppressed_together(client, analyst):
    """A table by sex (with its total) and one by sex and age group: within-table suppression alone
    would publish female 30-49 as female - (15-29) - (50+), every term of it published."""
    counts = {"female": (900, 14, 700), "male": (850, 1000, 640)}
    by_sex = [cell(sum(v) * 10.0, sum(v), sex=s) for s, v in counts.items()]
    by_sex.append(cell(sum(map(sum, counts.values())) * 10.0, sum(map(sum, counts.values())), sex="total"))
    by_age = [cell(n * 10.0, n, sex=s, age_group=g) for s, v in counts.items()
              for g, n in zip(("15-29", "30-49", "50+"), v, strict=True)]
    common = {"indicator_id": "victims", "unit": "count", "statistic": "total", "sdmx_series": None, "sdmx_level": None}
    alone = rows_by(published_release(client, analyst, rows=by_age, disaggregation=("sex", "age_group"), **common)
                    ["tables"][0], "sex", "age_group")
    assert [key for key, row in alone.items() if row["suppressed"]] == [("female", "30-49")]  # no total in the table
    release_id = create_release(client, analyst)
    assert add_table(client, analyst, release_id, table_body(by_sex, ["sex"], **common)).status_code == 201
    assert add_table(client, analyst, release_id, table_body(by_age, ["sex", "age_group"], **common)).status_code == 201
    doc = client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers).json()
    sexes, ages = rows_by(doc["tables"][0], "sex"), rows_by(doc["tables"][1], "sex", "age_group")
    assert ages[("female", "30-49")]["suppression_reason"] == "min_base"
    # Whatever is withheld, no published sum pins female 30-49 down: the reader's unknowns are the
    # withheld cells of both tables, tied by female/male = the sum of their age groups.
    known = {("sex", s): row["estimate"] for (s,), row in sexes.items()}
    known |= {("age", s, g): row["estimate"] for (s, g), row in ages.items()}
    unknown = sorted(key for key, value in known.items() if value is None)
    assert len(unknown) >= 2
    for sex in counts:
        members = [("age", sex, g) for g in ("15-29", "30-49", "50+")] + [("sex", sex)]
        assert sum(key in unknown for key in members) != 1, sex
    assert sum(key in unknown for key in (("sex", "female"), ("sex", "male"), ("sex", "total"))) != 1
    assert doc["metadata"]["disclosure"]["complementary_rule"].startswith("Complementary suppression within each table and across")


def test_tables_of_different_indicators_are_suppressed_separately(client, analyst):
    by_sex = [cell(4000.0, 400, sex="female"), cell(3900.0, 390, sex="male"), cell(7900.0, 790, sex="total")]
    by_age = [cell(140.0, 14, sex="female", age_group="15-29"), cell(3860.0, 386, sex="female", age_group="30+")]
    release_id = create_release(client, analyst)
    common = {"unit": "count", "statistic": "total", "sdmx_series": None, "sdmx_level": None}
    add_table(client, analyst, release_id, table_body(by_sex, ["sex"], indicator_id="victims", **common))
    add_table(client, analyst, release_id, table_body(by_age, ["sex", "age_group"], indicator_id="sdg_16_1_4", **common))
    doc = client.post(f"/api/v1/releases/{release_id}/publish", headers=analyst.headers).json()
    assert not any(row["suppressed"] for row in doc["tables"][0]["rows"])
    assert [row["suppressed"] for row in doc["tables"][1]["rows"]] == [True, False]


def test_published_document_does_not_follow_later_changes_to_its_sources(client, analyst, engine):
    from api.releases.models import ReleaseTable

    doc = published_release(client, analyst)
    with Session(engine) as session:  # the stored rows a draft was built from, changed behind the API's back
        stored = session.exec(select(ReleaseTable)).one()
        stored.rows = [{**row, "estimate": 0.99} for row in stored.rows]
        stored.spec = {**stored.spec, "indicator_id": "changed"}
        session.add(stored)
        session.commit()
    served = client.get("/api/v1/public/releases/1").json()
    assert served == doc and content_sha256(served) == doc["content_sha256"]
    assert client.get("/api/v1/public/indicators/sdg_16_1_4/series").json()["releases"][0]["tables"] == doc["tables"]
    assert client.get("/api/v1/public/indicators/changed/series").status_code == 404
