"""Microdata exports of a small wave whose form has free text, a personal identifier and incidents:
what is left out, what is defused, and how incidents are exported."""

import csv
import io
import uuid

import pytest

from tests.api.exported import export
from tests.api.test_fieldwork import URL as FIELDWORK, assign, create_survey, upload

FORM = """| survey |
| | type | name | label::Español (es) | label::English (en) | personal |
| | select_one yn | agrees | ¿Acepta responder? | Do you agree to answer? | |
| | text | phone | Teléfono de contacto | Contact phone | yes |
| | text | comment | Comentario | Comment | |
| | integer | age | Edad | Age | |
| | select_multiple fears | fears | ¿Qué le da miedo? | What do you fear? | |
| | begin_repeat | incidents | Incidentes | Incidents | |
| | text | incident_place | Lugar del incidente | Place of the incident | |
| | select_one yn | incident_reported | ¿Lo denunció? | Did you report it? | |
| | end_repeat | | | | |
| choices |
| | list_name | name | label::Español (es) | label::English (en) |
| | yn | yes | Sí | Yes |
| | yn | no | No | No |
| | fears | dark | La oscuridad | The dark |
| | fears | bus | El autobús | The bus |
| settings |
| | form_id | version | form_title | default_language |
| | barrio | 1 | Encuesta de barrio | Español (es) |
"""
STRATA = "stratum\nURB\n"
PSUS = "stratum,psu,selection_probability\nURB,EA01,0.5\nURB,EA02,0.5\n"
HOUSEHOLDS = "psu,household,selection_probability\nEA01,001,0.5\nEA01,002,0.5\nEA02,001,0.25\nEA02,002,0.25\n"
# Answers a spreadsheet would run as formulas, one per leading character OWASP lists.
FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+2", "-3+4", "@SUM(A1)", "\tcmd", "\rcmd"]
PHONE = "+51 999 111 222"


def answers(n: int) -> dict:
    return {
        "agrees": "yes", "phone": PHONE, "comment": FORMULAS[n % len(FORMULAS)], "age": 30 + n,
        "fears": ["dark", "bus"] if n % 2 else ["dark"],
        "incidents": [{"incident_place": FORMULAS[(n + 3 + k) % len(FORMULAS)], "incident_reported": "no" if k else "yes"}
                      for k in range(n % 3)],
    }


@pytest.fixture
def wave(client, make_account):
    """Four interviews of 'barrio' in one stratum of two PSUs, analysed by an analyst: the analysis id."""
    designer, admin, supervisor = make_account("designer"), make_account("admin"), make_account("supervisor")
    enumerator, analyst = make_account("enumerator"), make_account("analyst")
    assert client.post("/api/v1/instruments", files={"file": ("barrio.md", FORM.encode())},
                       headers=designer.headers).status_code == 201
    assert client.post("/api/v1/instruments/barrio/versions/1/publish", headers=designer.headers).status_code == 200
    create_survey(client, admin.headers, ["barrio"], only_approved_feed_estimates=False)
    assert upload(client, admin.headers, strata=STRATA, psus=PSUS, households=HOUSEHOLDS).status_code == 201
    team = client.post(f"{FIELDWORK}/teams", json={"name": "Centro"}, headers=supervisor.headers).json()["id"]
    client.post(f"{FIELDWORK}/teams/{team}/members", json={"username": enumerator.user.username},
                headers=supervisor.headers)
    for psu in ("EA01", "EA02"):
        assert assign(client, supervisor.headers, enumerator, psu).status_code == 201
    assignments = client.get(f"{FIELDWORK}/my-assignments", headers=enumerator.headers).json()
    for n, assignment in enumerate(assignments):
        body = {"instance_id": str(uuid.uuid4()), "instrument": {"form_id": "barrio", "version": "1"},
                "answers": answers(n), "assignment_id": assignment["id"],
                "paradata": {"started_at": "2026-11-21T10:00:00-05:00", "ended_at": "2026-11-21T10:20:00-05:00",
                             "device_id": "collect:tablet-01"}}
        response = client.post("/api/v1/submissions", json=body, headers=enumerator.headers)
        assert response.status_code == 201, response.text
    return analyst


def analysis(client, analyst, **body) -> int:
    response = client.post("/api/v1/analyses/from-wave", json={"survey_code": "wave1", "form_id": "barrio",
                                                                "name": "barrio", "lonely_psu": "adjust", **body},
                           headers=analyst.headers)
    assert response.status_code == 201, response.text
    return response.json()["analysis"]["id"]


def test_free_text_is_left_out_unless_asked_for(client, wave):
    analysis_id = analysis(client, wave)

    default = export(client, wave, analysis_id, "parquet")
    asked = export(client, wave, analysis_id, "parquet", free_text="true")

    assert "comment" not in default.microdata.data and "comment" in asked.microdata.data
    assert {"column": "comment", "reason": "free_text"} in default.codebook["excluded"]
    assert {"age", "agrees", "fears", "fears__dark"} <= set(default.microdata.data.columns)
    assert sorted(asked.microdata.data["comment"]) == sorted(FORMULAS[:4])  # Parquet holds the text as given


def test_csv_cells_a_spreadsheet_would_run_are_defused(client, wave):
    analysis_id = analysis(client, wave)

    exported = export(client, wave, analysis_id, "csv", free_text="true")
    rows = list(csv.DictReader(io.StringIO(exported.files[exported.data_name].decode(), newline="")))

    incidents = export(client, wave, analysis(client, wave, level="incident", repeat="incidents"), "csv",
                       free_text="true")
    places = list(csv.DictReader(io.StringIO(incidents.files[incidents.data_name].decode(), newline="")))

    texts = [row["comment"] for row in rows] + [row["incident_place"] for row in places]
    assert sorted(text[1:] for text in texts) == sorted(FORMULAS[:4] + FORMULAS[4:] + FORMULAS[:1])
    assert all(text.startswith("'") for text in texts)
    assert all(not row["age"].startswith("'") for row in rows)  # numbers stay numbers


def test_personal_identifiers_never_appear_even_with_free_text(client, wave):
    analysis_id = analysis(client, wave)

    for file_format in ("csv", "parquet", "dta", "sav"):
        exported = export(client, wave, analysis_id, file_format, free_text="true")
        assert not {"phone", "household"} & set(exported.microdata.data.columns), file_format
        for name, content in exported.files.items():
            assert PHONE.encode() not in content, name
    codebook = client.get(f"/api/v1/analyses/{analysis_id}/codebook", params={"free_text": "true"},
                          headers=wave.headers).json()
    assert "phone" not in {variable["column"] for variable in codebook["variables"]}
    assert {"column": "household", "reason": "sample_key"} in codebook["excluded"]


def test_incidents_export_one_row_each_with_labels(client, wave):
    analysis_id = analysis(client, wave, level="incident", repeat="incidents")

    exported = export(client, wave, analysis_id, "sav", language="en")
    data = exported.microdata.data

    expected = sum(len(answers(n)["incidents"]) for n in range(4))
    assert len(data) == expected == exported.codebook["rows"]
    assert exported.microdata.variable_labels["incident_reported"] == "Did you report it?"
    assert exported.microdata.value_labels["incident_reported"] == {1.0: "Yes", 2.0: "No"}
    assert sorted(data["incident_reported"].tolist()) == sorted(
        1.0 if k == 0 else 2.0 for n in range(4) for k in range(n % 3))
    assert {"interview", "instance", "weight", "stratum", "psu"} <= set(data.columns)
    assert "incident_place" not in data.columns


def test_household_codes_repeated_across_psus_keep_their_own_weights(client, wave):
    """Household 001 exists in EA01 (P = 0.5 x 0.5) and in EA02 (P = 0.5 x 0.25)."""
    data = export(client, wave, analysis(client, wave), "parquet").microdata.data

    assert data.groupby("psu")["base_weight"].unique().map(list).to_dict() == {"EA01": [4.0], "EA02": [8.0]}
