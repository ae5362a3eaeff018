"""Catalogue indicators on the demo survey over HTTP, checked against R `survey`, hand computations
from the demo's police files, and the survey set beside the police figures for the same territories.

Survey references: tests/golden/indicators/demo (export_frames.py writes the demo's frames,
make_demo_reference.R the numbers). The first test proves that the frames the database builds on
this backend are exactly those R read, so the demo is deterministic and the references apply.
"""

import io
import math

import numpy as np
import pandas as pd
import pytest
from sqlmodel import Session

import indicators
from api.crime.demo import POPULATION_VERSION, demo_files
from api.estimates import service as estimates
from tests.api.demo_wave import WAVE_URL, client, engine, frame_of, loaded, make_account  # noqa: F401
from tests.indicators.demo_frames import DEMO_GOLDEN, FRAMES, read_fixture, standard_frame, wave_request

REFERENCE = pd.read_csv(DEMO_GOLDEN / "expected.csv", dtype={"by": str, "by_value": str}, keep_default_na=False)
FIELDS = ("estimate", "se", "ci_low", "ci_high")
SURVEY_CASES = [(indicator.id, rule.name) for indicator in indicators.list_indicators(source="survey")
                for rule in indicator.rules]
YEAR = 2025


@pytest.fixture(scope="module")
def analyst(make_account):
    return make_account("analyst", sensitive_access=True)


@pytest.fixture(scope="module")
def analyses(client, analyst):
    """frame name -> the from-wave response (dataset and analysis) of the demo's four analysis frames."""
    created = {}
    for name in FRAMES:
        response = client.post(WAVE_URL, json=wave_request(name), headers=analyst.headers)
        assert response.status_code == 201, response.text
        created[name] = response.json()
    return created


def reference(indicator_id: str, rule: str, by: str = "") -> pd.DataFrame:
    found = REFERENCE[(REFERENCE.indicator == indicator_id) & (REFERENCE.rule == rule) & (REFERENCE.by == by)]
    assert len(found), f"no R reference for {indicator_id}/{rule}: add it to make_demo_reference.R"
    return found


def assert_matches(got: dict, expected: pd.Series) -> None:
    for field in FIELDS:
        assert got[field] == pytest.approx(float(expected[field]), rel=1e-6, abs=1e-12), field


# --- the demo survey's frames and every survey indicator ------------------------------------------

@pytest.mark.parametrize("name", list(FRAMES))
def test_the_frames_built_from_the_database_are_the_committed_fixture(engine, analyses, name):
    built = standard_frame(frame_of(engine, analyses[name]["dataset"]["id"]), name)
    fixture = read_fixture(name)
    assert list(built.columns) == list(fixture.columns)
    assert len(built) == len(fixture) > 0
    for column in fixture.columns:
        expected, got = fixture[column], built[column]
        if pd.api.types.is_numeric_dtype(expected) and pd.api.types.is_numeric_dtype(got):
            np.testing.assert_allclose(got.to_numpy(float), expected.to_numpy(float), rtol=1e-12, err_msg=column)
        else:
            assert texts(got) == texts(expected), column


def texts(values: pd.Series) -> list[str | None]:
    """Text cells with missing and empty alike (a CSV cannot tell them apart)."""
    return [None if value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value))
            else str(value) for value in values.astype(object)]


def victim_based(engine, analyses, indicator_id: str, rule: str) -> dict:
    """Victim-based 16.3.1 needs both frames (indicators.with_victim_reporting): computed by the library on
    the analyses' own surveys, as an analyst's notebook would."""
    with Session(engine) as session:
        respondents = estimates.analysis_survey(session, estimates.get_analysis(
            session, analyses["victimization"]["analysis"]["id"]))
        incidents = estimates.analysis_survey(session, estimates.get_analysis(
            session, analyses["incidents"]["analysis"]["id"]))
    survey = type(respondents)(
        data=indicators.with_victim_reporting(respondents.data, incidents.data, respondent_id="interview"),
        design=respondents.design, calibration=respondents.calibration,
    )
    [row] = indicators.compute(indicator_id, survey, rule=rule, quality_profile="inegi").rows
    return {field: getattr(row, field) for field in FIELDS}


@pytest.mark.parametrize(("indicator_id", "rule"), SURVEY_CASES, ids=["/".join(case) for case in SURVEY_CASES])
def test_every_survey_indicator_on_the_demo_matches_r_survey(client, engine, analyst, analyses, indicator_id, rule):
    indicator = indicators.get_indicator(indicator_id)
    [expected] = [row for _, row in reference(indicator_id, rule).iterrows()]
    frame = "incidents" if indicator.rule(rule).frame == "incident" else indicator.instrument
    if rule == "victim_based":
        got = victim_based(engine, analyses, indicator_id, rule)
    else:
        response = client.post(f"/api/v1/analyses/{analyses[frame]['analysis']['id']}/indicators/{indicator_id}",
                               json={"rule": rule, "quality_profile": "inegi"}, headers=analyst.headers)
        assert response.status_code == 200, response.text
        [got] = response.json()["rows"]
        assert response.json()["metadata"]["counting_rule"] == rule
    assert_matches(got, expected)


# --- administrative indicators against the demo's police files, by hand -------------------------

def demo_table(name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(demo_files()[name]), dtype={"territory": str})


def population(year: int, sex: str | None = None, region: str | None = None) -> int:
    table = demo_table("poblacion.csv")
    table = table[(table.year == year) & ((table.sex == sex) if sex else True)]
    if region:
        table = table[table.territory.str[:2] == region]
    return int(table.population.sum())


def homicide_victims(region: str | None = None) -> pd.DataFrame:
    records = demo_table("victimas-homicidio-policia.csv")
    records = records[records.date.str[:4] == str(YEAR)]
    return records[records.territory.str[:2] == region] if region else records


def hand_sdg_16_1_1(region: str | None) -> tuple[int, int]:
    return len(homicide_victims(region)), population(YEAR, region=region)


def hand_femicide_rate(region: str | None) -> tuple[int, int]:
    victims = homicide_victims(region)
    women = victims[victims.victim_sex == "female"]
    femicides = women.relationship.isin(["intimate_partner", "family_member"]) | \
        women.gender_related_context.fillna("").ne("")
    return int(femicides.sum()), population(YEAR, "female", region)


HAND = {"sdg_16_1_1": ("/api/v1/crime/rates/homicide", hand_sdg_16_1_1),
        "femicide_rate": ("/api/v1/crime/rates/femicide", hand_femicide_rate)}
ADMINISTRATIVE = [indicator.id for indicator in indicators.list_indicators(source="administrative")]


@pytest.mark.parametrize("indicator_id", ADMINISTRATIVE)
@pytest.mark.parametrize("region", [None, "01", "02", "03"])
def test_every_administrative_indicator_matches_a_hand_count_of_the_demo_police_files(client, analyst, indicator_id,
                                                                                     region):
    assert indicator_id in HAND, f"no hand computation for {indicator_id}: add one"
    url, hand = HAND[indicator_id]
    count, people = hand(region)
    response = client.get(url, params={"year": YEAR, **({"territory": region} if region else {})},
                          headers=analyst.headers)
    assert response.status_code == 200, response.text
    [row] = response.json()["rows"]
    assert (row["count"], row["population"]) == (count, people) and count > 0
    assert row["rate"] == pytest.approx(count * 100_000 / people, rel=1e-12)
    assert row["population_version"] == POPULATION_VERSION and row["source"] == "police"


# --- the survey beside the police: one row per territory and period --------------------------------

def comparisons_url(analyses) -> str:
    return f"/api/v1/analyses/{analyses['victimization']['analysis']['id']}/comparisons"


def police_count(offence: str, region: str) -> int:
    counts = demo_table("conteos-policia-2025.csv")
    return int(counts[(counts.offence == offence) & (counts.territory.str[:2] == region)]["count"].sum())


def test_survey_victims_by_region_sit_beside_police_victims_with_the_recording_ratio(client, analyst, analyses):
    response = client.post(comparisons_url(analyses), json={
        "indicator_id": "survey_victims_robbery", "year": YEAR, "territory_level": "region",
    }, headers=analyst.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["metadata"]["records"] == {"source": "police", "year": YEAR, "iccs_scope": "0401",
                                           "basis": "counts", "population_version": POPULATION_VERSION}
    assert body["metadata"]["survey"]["counting_rule"] == "victims"
    rows = {row["territory"]: row for row in body["rows"]}
    assert set(rows) == {"01", "02", "03"}
    for region, row in rows.items():
        [expected] = [r for _, r in reference("survey_victims_robbery", "victims", "region").iterrows()
                      if r.by_value == region]
        assert_matches({field: row[f"survey_{field}"] for field in FIELDS}, expected)
        recorded, people = police_count("ROB-PER", region), population(YEAR, region=region)
        assert (row["recorded"], row["population"], row["period"]) == (recorded, people, str(YEAR))
        assert (row["unit"], row["recorded_unit"], row["source"]) == ("victims", "victims", "police")
        assert row["population_version"] == POPULATION_VERSION and row["iccs_scope"] == "0401"
        assert row["recorded_rate"] == pytest.approx(recorded * 100_000 / people, rel=1e-12)
        assert row["survey_per_100000"] == pytest.approx(row["survey_estimate"] * 100_000 / people, rel=1e-12)
        estimate, low, high = (float(expected[field]) for field in ("estimate", "ci_low", "ci_high"))
        assert row["recording_ratio"] == pytest.approx(recorded / estimate, rel=1e-6)
        assert row["recording_ratio_ci_low"] == pytest.approx(recorded / high, rel=1e-6)
        # A survey interval reaching below zero leaves the ratio's upper bound unbounded (null in JSON).
        if low > 0:
            assert row["recording_ratio_ci_high"] == pytest.approx(recorded / low, rel=1e-6)
        else:
            assert row["recording_ratio_ci_high"] is None
        assert row["dark_figure"] == pytest.approx(1 - recorded / estimate, rel=1e-6)
        assert row["dark_figure_ci_high"] == pytest.approx(1 - recorded / high, rel=1e-6)
        assert row["dark_figure_ci_low"] == pytest.approx(max(0.0, 1 - recorded / low) if low > 0 else 0.0, abs=1e-9)


def test_municipalities_without_survey_victims_keep_their_row_without_a_ratio(client, analyst, analyses, engine):
    response = client.post(comparisons_url(analyses), json={"indicator_id": "survey_victims_robbery", "year": YEAR},
                           headers=analyst.headers)
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    frame = frame_of(engine, analyses["victimization"]["dataset"]["id"])
    assert {row["territory"] for row in rows} == set(frame["territory"])
    zero = [row for row in rows if row["survey_estimate"] == 0]
    assert zero and all(row["recording_ratio"] is None and row["recorded"] >= 0 for row in zero)
    assert all(row["territory_name"] for row in rows)


def test_forensic_figures_are_a_source_of_their_own(client, analyst, analyses):
    body = {"indicator_id": "survey_victims_sexual_offence", "year": YEAR, "territory_level": "region"}
    police = client.post(comparisons_url(analyses), json=body, headers=analyst.headers).json()["rows"]
    forensic = client.post(comparisons_url(analyses), json={**body, "source": "forensic"},
                           headers=analyst.headers).json()["rows"]
    assert {row["source"] for row in forensic} == {"forensic"}
    assert [row["survey_estimate"] for row in police] == [row["survey_estimate"] for row in forensic]
    assert [row["recorded"] for row in police] != [row["recorded"] for row in forensic]


def test_survey_incidents_are_never_divided_by_police_victims(client, analyst, analyses):
    response = client.post(comparisons_url(analyses), json={
        "indicator_id": "survey_incidents_robbery", "year": YEAR, "territory_level": "region",
    }, headers=analyst.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "unit_mismatch"
    assert "incidents" in problem["detail"] and "victims" in problem["detail"]


@pytest.mark.parametrize(("body", "code"), [
    ({"indicator_id": "victimization_prevalence_robbery"}, "not_comparable"),
    ({"indicator_id": "survey_victims_robbery", "territory_column": "stratum"}, "unknown_territory"),
    ({"indicator_id": "survey_victims_robbery", "territory_column": "nope"}, "missing_column"),
    ({"indicator_id": "survey_victims_robbery", "source": "prosecution"}, "no_counts"),
    ({"indicator_id": "survey_victims_robbery", "year": 2019}, "population_missing"),
])
def test_what_cannot_be_set_side_by_side_is_refused_with_its_reason(client, analyst, analyses, body, code):
    response = client.post(comparisons_url(analyses), json={"year": YEAR, **body}, headers=analyst.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code


def test_comparisons_need_the_analyse_permission_and_a_known_indicator(client, make_account, analyst, analyses):
    body = {"indicator_id": "survey_victims_robbery", "year": YEAR}
    assert client.post(comparisons_url(analyses), json=body,
                       headers=make_account("enumerator").headers).status_code == 403
    unknown = client.post(comparisons_url(analyses), json={**body, "indicator_id": "nope"}, headers=analyst.headers)
    assert unknown.status_code == 404
