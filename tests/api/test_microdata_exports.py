"""Microdata exports of the demo wave: every format reads back with its labels, weights, replicate
weights and rows; sensitive answers follow sensitive access; every export is audited."""

import math

import pytest
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.demo_survey.load import SURVEY_CODE, VAWG_SURVEY_CODE
from api.estimates import service as estimates
from survey_defs import load_instrument
from survey_defs.instruments import bundled_instrument_path
from tests.api.demo_wave import WAVE_URL, frame_of
from tests.api.demo_wave import client, demo, engine, loaded, make_account  # noqa: F401 (fixtures)
from tests.api.exported import export

VICTIMIZATION = load_instrument(bundled_instrument_path("victimization"))
CHOICE_LABELS = {c.name: c.label for c in VICTIMIZATION.choice_lists["yes_no"].choices}
OWNS_VEHICLE = VICTIMIZATION.elements()["owns_vehicle"].element.label


def create(client, account, form_id: str, survey_code: str = SURVEY_CODE, **body) -> dict:
    response = client.post(WAVE_URL, json={"survey_code": survey_code, "form_id": form_id, "name": "export",
                                            "lonely_psu": "adjust", **body}, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()


def analysis_survey(engine, analysis_id: int):
    with Session(engine) as session:
        return estimates.analysis_survey(session, estimates.get_analysis(session, analysis_id))


@pytest.fixture(scope="module")
def analyst(make_account):
    return make_account("analyst")


@pytest.fixture(scope="module")
def replicated(client, analyst):
    """Victimization respondents with jackknife replicate weights."""
    return create(client, analyst, "sinmiedo_victimization",
                  steps=[{"kind": "replicates", "options": {"method": "jkn"}}])


@pytest.mark.parametrize("file_format", ["dta", "sav"])
@pytest.mark.parametrize("language", ["es", "en"])
def test_stata_and_spss_files_read_back_with_labels_weights_and_rows(client, engine, analyst, replicated,
                                                                     file_format, language):
    analysis_id = replicated["analysis"]["id"]

    exported = export(client, analyst, analysis_id, file_format, language=language)

    data, labels = exported.microdata.data, exported.microdata.variable_labels
    language_key = {"es": "Español (es)", "en": "English (en)"}[language]
    assert len(data) == replicated["dataset"]["n_rows"] == exported.codebook["rows"]
    assert labels["owns_vehicle"] == OWNS_VEHICLE[language_key]
    assert exported.microdata.value_labels["owns_vehicle"] == {1: CHOICE_LABELS["yes"][language_key],
                                                               2: CHOICE_LABELS["no"][language_key]}
    frame = frame_of(engine, replicated["dataset"]["id"])
    codes = frame["owns_vehicle"].map({"yes": 1.0, "no": 2.0})
    assert data["owns_vehicle"].fillna(-1).tolist() == codes.fillna(-1).tolist()
    survey = analysis_survey(engine, analysis_id)
    replicates = exported.codebook["design"]["replicates"]
    assert replicates["method"] == "jkn" and len(replicates["columns"]) == survey.replicate_weights().shape[1]
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(data[exported.codebook["design"]["weight"]],
                                                                  survey.weights()))
    for index, column in enumerate(replicates["columns"]):
        assert data[column].tolist() == pytest.approx(survey.replicate_weights()[:, index].tolist(), rel=1e-12)
    assert data["stratum"].tolist() == frame["stratum"].tolist() and data["psu"].tolist() == frame["psu"].tolist()
    assert labels["stratum"] == {"es": "Estrato", "en": "Stratum"}[language]


def test_stata_names_are_shortened_and_the_codebook_says_so(client, make_account):
    granted = make_account("analyst", sensitive_access=True)
    created = create(client, granted, "sinmiedo_womens_health", VAWG_SURVEY_CODE)

    exported = export(client, granted, created["analysis"]["id"], "dta")

    long_name = "ipv_sexual_intercourse_out_of_fear_ever"
    entry = next(v for v in exported.codebook["variables"] if v["column"] == long_name)
    assert len(entry["name"]) <= 28 and entry["name"] in exported.microdata.data
    assert entry["sensitive"] is True and entry["module"] == "experiences/partner_acts"
    assert exported.microdata.variable_labels[entry["name"]].startswith("¿Alguna vez su pareja")


def test_parquet_and_csv_read_back_with_choice_names_and_weights(client, engine, analyst, replicated):
    analysis_id = replicated["analysis"]["id"]
    frame = frame_of(engine, replicated["dataset"]["id"])

    for file_format in ("parquet", "csv"):
        exported = export(client, analyst, analysis_id, file_format)
        data = exported.microdata.data
        assert len(data) == len(frame)
        assert data["owns_vehicle"].dropna().tolist() == frame["owns_vehicle"].dropna().tolist()
        assert data["weight"].tolist() == pytest.approx(frame["weight"].tolist(), rel=1e-12)
        assert {f"replicate_{n}" for n in range(1, 6)} <= set(data.columns)
        labels = exported.microdata.variable_labels
        assert labels.get("owns_vehicle") == (OWNS_VEHICLE["Español (es)"] if file_format == "parquet" else None)


def test_personal_identifiers_are_absent_from_every_format(client, analyst, replicated):
    for file_format in ("csv", "parquet", "dta", "sav"):
        exported = export(client, analyst, replicated["analysis"]["id"], file_format, free_text="true")
        assert not {"member_name", "selected_name", "household"} & set(exported.microdata.data.columns)
        assert {"column": "household", "reason": "sample_key"} in exported.codebook["excluded"]


def test_sensitive_answers_only_for_analysts_with_sensitive_access(client, make_account):
    plain, granted = make_account("analyst"), make_account("analyst", sensitive_access=True)
    own = create(client, plain, "sinmiedo_womens_health", VAWG_SURVEY_CODE)
    sensitive = create(client, granted, "sinmiedo_womens_health", VAWG_SURVEY_CODE)

    without = export(client, plain, own["analysis"]["id"], "sav").microdata.data
    with_access = export(client, granted, sensitive["analysis"]["id"], "sav").microdata.data
    refused = client.get(f"/api/v1/analyses/{sensitive['analysis']['id']}/microdata", params={"format": "csv"},
                         headers=plain.headers)
    codebook = client.get(f"/api/v1/analyses/{sensitive['analysis']['id']}/codebook", headers=plain.headers)

    assert "ipv_physical_slapped_ever" not in without and "ipv_physical_slapped_ever" in with_access
    assert "self_rated_health" in without
    assert refused.status_code == 403 and refused.json()["code"] == "sensitive_access_required"
    assert codebook.status_code == 403


def test_every_export_is_audited_with_what_it_held(client, engine, analyst, replicated):
    analysis_id = replicated["analysis"]["id"]

    def events() -> list[AuditEvent]:
        with Session(engine) as session:
            return list(session.exec(select(AuditEvent).where(AuditEvent.action == "microdata.export",
                                                              AuditEvent.resource_id == str(analysis_id))
                                     .order_by(AuditEvent.id)))

    before = len(events())
    export(client, analyst, analysis_id, "csv")
    export(client, analyst, analysis_id, "dta", language="en")

    added = events()[before:]
    assert [(e.actor_username, e.detail["format"], e.detail["language"]) for e in added] == [
        (analyst.user.username, "csv", "es"), (analyst.user.username, "dta", "en")]
    assert "owns_vehicle" in added[0].detail["columns"] and "member_name" not in added[0].detail["columns"]


def test_file_names_are_the_servers_not_the_analysis_name(client, analyst):
    created = create(client, analyst, "sinmiedo_perception", name='../../etc/passwd"; filename="evil.sh')
    analysis_id = created["analysis"]["id"]

    exported = export(client, analyst, analysis_id, "sav")

    assert exported.disposition == f'attachment; filename="analysis-{analysis_id}-respondent-es.zip"'
    assert set(exported.files) == {f"analysis-{analysis_id}-respondent-es.sav", "codebook.csv", "codebook.json"}


def test_incident_rows_carry_the_instance_and_the_respondent_weight(client, analyst, demo):
    created = create(client, analyst, "sinmiedo_victimization", level="incident", repeat="incidents")

    exported = export(client, analyst, created["analysis"]["id"], "dta")

    expected = sum(len(i.answers.get("incidents", [])) for i in demo.interviews if i.instrument == "victimization")
    assert len(exported.microdata.data) == expected
    roles = {v["column"]: v["role"] for v in exported.codebook["variables"]}
    assert roles["instance"] == "identifier" and roles["weight"] == "weight" and roles["psu"] == "design"
    assert exported.microdata.value_labels["incident_crime_type"]


def test_uploaded_files_and_unknown_formats_are_refused(client, analyst, replicated):
    uploaded = client.post("/api/v1/microdata", files={"file": ("d.csv", b"w,y\n1,2\n2,3\n")}, data={"name": "d"},
                           headers=analyst.headers).json()
    analysis = client.post("/api/v1/analyses", json={"dataset_id": uploaded["id"], "name": "u",
                                                     "design": {"weight": "w"}}, headers=analyst.headers).json()

    not_wave = client.get(f"/api/v1/analyses/{analysis['id']}/microdata", params={"format": "csv"},
                          headers=analyst.headers)
    bad_format = client.get(f"/api/v1/analyses/{replicated['analysis']['id']}/microdata", params={"format": "xlsx"},
                            headers=analyst.headers)
    missing = client.get("/api/v1/analyses/999999/microdata", params={"format": "csv"}, headers=analyst.headers)

    assert not_wave.status_code == 422 and not_wave.json()["code"] == "not_a_wave_analysis"
    assert bad_format.status_code == 422 and bad_format.json()["errors"][0]["loc"] == ["query", "format"]
    assert missing.status_code == 404


def test_a_raked_analysis_exports_its_raked_weight_as_the_final_one(client, engine, analyst):
    created = create(client, analyst, "sinmiedo_perception",
                     steps=[{"kind": "rake", "options": {"margins": {"respondent_sex": {"female": 5_100_000,
                                                                                        "male": 4_900_000}}}}])
    analysis_id = created["analysis"]["id"]

    exported = export(client, analyst, analysis_id, "sav", language="en")

    final = exported.codebook["design"]["weight"]
    data = exported.microdata.data
    assert final == "raked_weight" and exported.microdata.variable_labels[final] == "Final weight of the analysis"
    assert data[final].tolist() == pytest.approx(analysis_survey(engine, analysis_id).weights().tolist(), rel=1e-12)
    assert data.groupby("respondent_sex")[final].sum().to_dict() == pytest.approx({"female": 5_100_000,
                                                                                   "male": 4_900_000})
    assert "weight" in data and exported.codebook["design"]["replicates"] is None
