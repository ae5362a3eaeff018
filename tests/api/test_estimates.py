"""Analysts over HTTP: microdata upload, stored analyses, estimates matching R, cache, bad input."""

import math

import pandas as pd
import pyreadstat
import pytest
from sqlmodel import Session, func, select

from api.estimates.models import Analysis, Dataset, EstimateResult
from tests.databases import empty_all_tables
from tests.weighting.estimators.r_golden_estimators import GOLDEN, golden

APISTRAT = (GOLDEN / "apistrat.csv").read_bytes()
STRAT_DESIGN = {"weight": "pw", "strata": "stype", "fpc": ["fpc"]}


def r_case(case_id: str) -> dict:
    return next(c for c in golden()["cases"] if c["id"] == case_id)


@pytest.fixture
def analyst(make_account):
    return make_account("analyst")


def upload(client, analyst, data: bytes = APISTRAT, filename: str = "apistrat.csv"):
    return client.post("/api/v1/microdata", files={"file": (filename, data)}, data={"name": "API strat"},
                       headers=analyst.headers)


def analysis(client, analyst, dataset_id: int, design=None, steps=()):
    return client.post("/api/v1/analyses", json={"dataset_id": dataset_id, "name": "test", "design": design or STRAT_DESIGN,
                                                "steps": list(steps)}, headers=analyst.headers)


def estimate(client, analyst, analysis_id: int, **request):
    return client.post(f"/api/v1/analyses/{analysis_id}/estimates", json=request, headers=analyst.headers)


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def close(a, b) -> bool:
    return math.isclose(a, b, rel_tol=1e-6)


def test_mean_of_a_stratified_design_matches_r(client, analyst):
    dataset = upload(client, analyst)
    assert dataset.status_code == 201, dataset.text
    assert dataset.json()["n_rows"] == 200
    created = analysis(client, analyst, dataset.json()["id"])
    assert created.status_code == 201, created.text
    response = estimate(client, analyst, created.json()["id"], statistic="mean", variable="api00")
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    (expected,) = r_case("strat/mean/1")["rows"]
    for field in ("estimate", "se", "ci_low", "ci_high", "deff"):
        assert close(row[field], expected[field]), field
    assert (row["n"], row["df"]) == (200, 197)
    assert set(row) >= {"level", "estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "n", "weighted_n", "flag"}


def test_same_request_is_served_from_the_cache(client, analyst, engine):
    dataset_id = upload(client, analyst).json()["id"]
    analysis_id = analysis(client, analyst, dataset_id).json()["id"]
    first = estimate(client, analyst, analysis_id, statistic="proportion", variable="sch.wide", by=["stype"])
    second = estimate(client, analyst, analysis_id, statistic="proportion", variable="sch.wide", by=["stype"])
    assert (first.json()["cached"], second.json()["cached"]) == (False, True)
    assert first.json()["rows"] == second.json()["rows"]
    assert count(engine, EstimateResult) == 1


def test_an_analysis_id_that_comes_round_again_never_gets_the_earlier_design(client, analyst, engine, make_account):
    # Ids restart after a restore (or in another database): the new analysis 1 must not be served
    # the survey built for the old analysis 1 over the same data.
    stratified = analysis(client, analyst, upload(client, analyst).json()["id"]).json()["id"]
    before = estimate(client, analyst, stratified, statistic="mean", variable="api00").json()["rows"][0]
    empty_all_tables(engine)
    analyst = make_account("analyst")
    unstratified = analysis(client, analyst, upload(client, analyst).json()["id"], design={"weight": "pw"}).json()["id"]
    assert unstratified == stratified
    after = estimate(client, analyst, unstratified, statistic="mean", variable="api00").json()["rows"][0]

    assert close(before["se"], r_case("strat/mean/1")["rows"][0]["se"])
    assert after["df"] == 199 and not close(after["se"], before["se"])


def test_raking_step_is_stored_and_matches_r(client, analyst):
    case = r_case("clus1_raked/mean/332")
    spec = case["design"]
    design = {"weight": spec["weight"], "psu": spec["clusters"][0], "fpc": spec["fpc"], "lonely_psu": spec["lonely_psu"]}
    dataset_id = upload(client, analyst, (GOLDEN / "apiclus1.csv").read_bytes(), "apiclus1.csv").json()["id"]
    created = analysis(client, analyst, dataset_id, design,
                       [{"kind": "rake", "options": {"margins": spec["adjustment"]["margins"]}}])
    assert created.status_code == 201, created.text
    assert created.json()["steps"][0]["kind"] == "rake"
    (row,) = estimate(client, analyst, created.json()["id"], statistic="mean", variable=case["args"]["variable"],
                      ci=case["args"]["ci"]).json()["rows"]
    (expected,) = case["rows"]
    assert close(row["estimate"], expected["estimate"]) and close(row["se"], expected["se"])


def test_domain_and_quality_profile(client, analyst):
    dataset_id = upload(client, analyst).json()["id"]
    analysis_id = analysis(client, analyst, dataset_id).json()["id"]
    rows = estimate(client, analyst, analysis_id, statistic="mean", variable="api00", domain={"comp.imp": "Yes"},
                    quality="inegi").json()["rows"]
    (expected,) = r_case("strat/mean/4")["rows"]
    assert close(rows[0]["estimate"], expected["estimate"]) and close(rows[0]["se"], expected["se"])
    assert rows[0]["flag"]


def test_stata_microdata_is_read(client, analyst, tmp_path):
    frame = pd.read_csv(GOLDEN / "apistrat.csv")[["pw", "stype", "fpc", "api00"]]
    path = tmp_path / "apistrat.dta"
    pyreadstat.write_dta(frame, str(path))
    dataset = upload(client, analyst, path.read_bytes(), "apistrat.dta")
    assert dataset.status_code == 201, dataset.text
    assert dataset.json()["columns"] == ["pw", "stype", "fpc", "api00"]


def test_unknown_column_in_the_design_is_422_and_nothing_stored(client, analyst, engine):
    dataset_id = upload(client, analyst).json()["id"]
    response = analysis(client, analyst, dataset_id, {"weight": "pweight", "strata": "stype"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_column" and "pweight" in body["detail"]
    assert count(engine, Analysis) == 0


def test_non_numeric_weight_is_422(client, analyst):
    dataset_id = upload(client, analyst).json()["id"]
    response = analysis(client, analyst, dataset_id, {"weight": "stype"})
    assert response.status_code == 422
    assert "stype" in response.json()["detail"]


def test_raking_that_does_not_converge_is_422(client, analyst):
    dataset_id = upload(client, analyst).json()["id"]
    margins = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1, "Yes": 99999}}
    response = analysis(client, analyst, dataset_id, steps=[{"kind": "rake", "options": {"margins": margins,
                                                                                          "max_iter": 2}}])
    assert response.status_code == 422
    assert response.json()["code"] == "raking_not_converged"


def test_bad_step_options_are_422(client, analyst):
    dataset_id = upload(client, analyst).json()["id"]
    response = analysis(client, analyst, dataset_id, steps=[{"kind": "trim", "options": {"ceiling": 3}}])
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_step"


def test_unknown_estimate_variable_is_422(client, analyst):
    dataset_id = upload(client, analyst).json()["id"]
    analysis_id = analysis(client, analyst, dataset_id).json()["id"]
    response = estimate(client, analyst, analysis_id, statistic="mean", variable="api_00")
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_column"


def test_unreadable_or_unsupported_files_are_422(client, analyst, engine):
    assert upload(client, analyst, b"\x00\x01garbage", "data.sav").status_code == 422
    unsupported = upload(client, analyst, b"a,b\n1,2\n", "data.xlsx")
    assert unsupported.status_code == 422 and unsupported.json()["code"] == "unsupported_format"
    assert count(engine, Dataset) == 0
