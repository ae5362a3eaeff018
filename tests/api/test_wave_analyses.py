"""Analyses over a survey wave: the frame comes from approved interviews and the sample's probabilities."""

import math

from api.demo_survey.design import interview_frame
from api.demo_survey.load import SURVEY_CODE, VAWG_SURVEY_CODE
from tests.api.demo_wave import WAVE_URL as URL
from tests.api.demo_wave import frame_of
from tests.api.demo_wave import client, demo, engine, loaded, make_account  # noqa: F401 (fixtures)


def test_respondent_frame_weights_come_from_the_sample(client, make_account, engine, demo):
    analyst = make_account("analyst")
    response = client.post(URL, json={"survey_code": SURVEY_CODE, "form_id": "sinmiedo_victimization",
                                      "name": "victimization 2026"}, headers=analyst.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["analysis"]["design"]["strata"] == "stratum" and body["analysis"]["design"]["psu"] == "psu"
    frame = frame_of(engine, body["dataset"]["id"])
    expected = interview_frame(demo, "victimization").set_index("household")
    assert len(frame) == len(expected) == body["notes"]["interviews"]
    joined = frame.merge(expected[["household_weight"]].rename(columns={"household_weight": "household_weight_independent"}),
                         left_on="household", right_index=True)
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(joined["base_weight"],
                                                                   joined["household_weight_independent"]))
    assert (frame["household_weight"] >= frame["base_weight"] - 1e-9).all()  # nonresponse only raises weights
    ratio = frame["household_weight"] / frame["weight"]
    assert all(math.isclose(r, p, rel_tol=1e-12) for r, p in zip(ratio, frame["selection_probability"]))
    assert "member_name" not in frame.columns and "selected_name" not in frame.columns
    # Each PSU's territory code, as the demo drew it, joins the frame (for figures beside police data).
    assert (frame["territory"] == frame["psu"].map({psu.code: psu.territory for psu in demo.psus})).all()


def test_estimates_run_on_the_wave_analysis(client, make_account, demo):
    analyst = make_account("analyst")
    created = client.post(URL, json={"survey_code": SURVEY_CODE, "form_id": "sinmiedo_perception",
                                     "name": "perception", "lonely_psu": "adjust"}, headers=analyst.headers).json()
    rows = client.post(f"/api/v1/analyses/{created['analysis']['id']}/estimates",
                       json={"statistic": "proportion", "variable": "feel_safe_dark", "by": ["respondent_sex"]},
                       headers=analyst.headers)
    assert rows.status_code == 200, rows.text
    shares = {}
    for row in rows.json()["rows"]:
        shares.setdefault(row["respondent_sex"], 0.0)
        shares[row["respondent_sex"]] += row["estimate"]
    assert all(math.isclose(total, 1.0, rel_tol=1e-9) for total in shares.values())


def test_sensitive_answers_stay_out_of_frames_for_analysts_without_access(client, make_account, engine, demo):
    plain, granted = make_account("analyst"), make_account("analyst", sensitive_access=True)
    body = {"survey_code": VAWG_SURVEY_CODE, "form_id": "sinmiedo_womens_health", "name": "vawg"}
    without = client.post(URL, json=body, headers=plain.headers).json()
    with_access = client.post(URL, json=body, headers=granted.headers).json()
    assert "ipv_physical_slapped_ever" in without["notes"]["withheld_sensitive_columns"]
    assert "ipv_physical_slapped_ever" not in frame_of(engine, without["dataset"]["id"]).columns
    assert "ipv_physical_slapped_ever" in frame_of(engine, with_access["dataset"]["id"]).columns


def test_incident_frame_has_one_row_per_incident(client, make_account, engine, demo):
    analyst = make_account("analyst")
    response = client.post(URL, json={"survey_code": SURVEY_CODE, "form_id": "sinmiedo_victimization",
                                      "name": "incidents", "level": "incident", "repeat": "incidents"},
                           headers=analyst.headers)
    assert response.status_code == 201, response.text
    frame = frame_of(engine, response.json()["dataset"]["id"])
    expected = sum(len(i.answers.get("incidents", [])) for i in demo.interviews if i.instrument == "victimization")
    assert len(frame) == expected
    assert {"interview", "instance", "incident_crime_type", "weight", "stratum", "psu"} <= set(frame.columns)


def test_unknown_wave_is_404_and_incident_level_needs_a_repeat(client, make_account, demo):
    analyst = make_account("analyst")
    missing = client.post(URL, json={"survey_code": "nope", "form_id": "x", "name": "n"}, headers=analyst.headers)
    assert missing.status_code == 404
    no_repeat = client.post(URL, json={"survey_code": SURVEY_CODE, "form_id": "sinmiedo_victimization", "name": "n",
                                       "level": "incident"}, headers=analyst.headers)
    assert no_repeat.status_code == 422


def test_sensitive_wave_datasets_are_analysed_only_with_sensitive_access(client, make_account, demo):
    plain, granted = make_account("analyst"), make_account("analyst", sensitive_access=True)
    body = {"survey_code": VAWG_SURVEY_CODE, "form_id": "sinmiedo_womens_health", "name": "vawg sensitive",
            "lonely_psu": "adjust"}
    created = client.post(URL, json=body, headers=granted.headers).json()
    assert created["dataset"]["sensitive"] is True
    analysis_id = created["analysis"]["id"]
    request = {"statistic": "proportion", "variable": "ipv_physical_slapped_ever"}
    allowed = client.post(f"/api/v1/analyses/{analysis_id}/estimates", json=request, headers=granted.headers)
    assert allowed.status_code == 200, allowed.text
    refused = client.post(f"/api/v1/analyses/{analysis_id}/estimates", json=request, headers=plain.headers)
    assert refused.status_code == 403 and refused.json()["code"] == "sensitive_access_required"
    indicator = client.post(f"/api/v1/analyses/{analysis_id}/indicators/sdg_5_2_1_physical", json={},
                            headers=plain.headers)
    assert indicator.status_code == 403
    again = client.post("/api/v1/analyses", json={"dataset_id": created["dataset"]["id"], "name": "copy",
                                                  "design": {"weight": "weight"}}, headers=plain.headers)
    assert again.status_code == 403
    without = client.post(URL, json=body, headers=plain.headers).json()
    assert without["dataset"]["sensitive"] is False
