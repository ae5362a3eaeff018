"""Catalogue indicators over HTTP, computed on a stored analysis and checked against R."""

import math

import pytest

import pandas as pd

import indicators
from tests.indicators.conftest import DESIGN, GOLDEN
from weighting import Survey

RESPONDENTS = (GOLDEN / "respondents.csv").read_bytes()


@pytest.fixture
def analyst(make_account):
    return make_account("analyst")


@pytest.fixture
def analysis_id(client, analyst):
    dataset = client.post("/api/v1/microdata", files={"file": ("respondents.csv", RESPONDENTS)},
                          data={"name": "indicator golden"}, headers=analyst.headers)
    assert dataset.status_code == 201, dataset.text
    created = client.post("/api/v1/analyses", json={
        "dataset_id": dataset.json()["id"], "name": "golden", "design": {"weight": "weight", "strata": "region",
                                                                          "psu": "psu"}}, headers=analyst.headers)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_catalogue_is_public_and_lists_counting_rules(client):
    response = client.get("/api/v1/indicators")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == indicators.CATALOGUE_VERSION
    ids = {item["id"] for item in body["indicators"]}
    assert {"sdg_16_1_4", "sdg_16_1_1"} <= ids
    detail = client.get("/api/v1/indicators/sdg_16_1_4").json()
    assert {rule["name"] for rule in detail["rules"]} >= {"un_default", "exclude_dont_know", "use_would_feel_probe"}
    assert client.get("/api/v1/indicators/nope").status_code == 404


def test_indicator_on_an_analysis_matches_the_library_and_is_cached(client, analyst, analysis_id):
    expected = indicators.compute("sdg_16_1_4", Survey(pd.read_csv(GOLDEN / "respondents.csv"), DESIGN),
                                  by="respondent_sex").rows
    url = f"/api/v1/analyses/{analysis_id}/indicators/sdg_16_1_4"
    first = client.post(url, json={"by": ["respondent_sex"]}, headers=analyst.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["metadata"]["counting_rule"] == "un_default"
    assert len(body["rows"]) == len(expected)
    for got, want in zip(body["rows"], expected, strict=True):
        assert math.isclose(got["estimate"], want.estimate, rel_tol=1e-12)
        assert math.isclose(got["se"], want.se, rel_tol=1e-12)
    second = client.post(url, json={"by": ["respondent_sex"]}, headers=analyst.headers)
    assert second.json()["cached"] is True and second.json()["rows"] == body["rows"]


def test_a_counting_rule_variant_changes_the_figure(client, analyst, analysis_id):
    url = f"/api/v1/analyses/{analysis_id}/indicators/sdg_16_1_4"
    default = client.post(url, json={}, headers=analyst.headers).json()["rows"][0]["estimate"]
    variant = client.post(url, json={"rule": "exclude_dont_know"}, headers=analyst.headers).json()
    assert variant["metadata"]["counting_rule"] == "exclude_dont_know"
    assert variant["rows"][0]["estimate"] != default


def test_a_missing_binding_is_422_naming_the_variable(client, analyst, analysis_id):
    response = client.post(f"/api/v1/analyses/{analysis_id}/indicators/sdg_16_1_4",
                           json={"binding": {"name": "other", "columns": {"respondent_sex": "respondent_sex"}}},
                           headers=analyst.headers)
    assert response.status_code == 422
    assert "feel_safe_dark" in response.json()["detail"]


def test_unknown_rule_is_422(client, analyst, analysis_id):
    response = client.post(f"/api/v1/analyses/{analysis_id}/indicators/sdg_16_1_4", json={"rule": "made_up"},
                           headers=analyst.headers)
    assert response.status_code == 422
