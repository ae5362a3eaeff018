"""Fieldwork over HTTP: the sample import, teams, assignments, dispositions and response rates."""

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.fieldwork import service
from api.fieldwork.models import Household, HouseholdContact
from api.instruments.models import Instrument, InstrumentVersion
from tests.api.submission_data import publish_bundled

URL = "/api/v1/fieldwork"

STRATA = """stratum,name,psus_selected,measure_of_size_total,psus_in_frame
URB,Urban,2,1000,40
RUR,Rural,,,
"""
PSUS = """stratum,psu,selection_probability,measure_of_size,latitude,longitude
URB,EA01,,100,-12.0464,-77.0428
URB,EA02,,250,-12.1000,-77.0300
RUR,EA03,0.05,,,
"""
HOUSEHOLDS = """psu,household,selection_probability,address,phone
EA01,001,0.1,Av. Sol 123,999111222
EA01,002,0.1,,
EA02,001,0.25,Jr. Luna 4,
EA03,001,0.5,,
EA03,002,0.5,,
"""
SAMPLE = {"strata": STRATA, "psus": PSUS, "households": HOUSEHOLDS}
PSUS_WITH_TERRITORY = PSUS.replace("latitude,longitude\n", "latitude,longitude,territory\n").replace(
    "-12.0464,-77.0428", "-12.0464,-77.0428,15001")


_published: dict[tuple[str, tuple[str, ...]], tuple[dict[str, str], list[dict], list[dict]]] = {}


def published(engine: Engine, *names: str) -> dict[str, str]:
    """Bundled instruments published once per database, their rows copied back for later tests
    (publishing converts the XLSForms again, which would dominate these tests' time)."""
    key = (str(engine.url), names)
    if key not in _published:
        versions = publish_bundled(engine, *names)
        with Session(engine) as session:
            _published[key] = (versions, [r.model_dump() for r in session.exec(select(Instrument))],
                               [r.model_dump() for r in session.exec(select(InstrumentVersion))])
        return versions
    versions, instrument_rows, version_rows = _published[key]
    with Session(engine) as session:
        session.add_all([Instrument(**row) for row in instrument_rows])
        session.flush()
        session.add_all([InstrumentVersion(**row) for row in version_rows])
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # rows inserted with their ids leave the sequences behind
            for table in ("instrument", "instrument_version"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
    return versions


def upload(client, headers, survey: str = "wave1", **files: str | bytes):
    contents = {name: files.get(name, SAMPLE[name]) for name in SAMPLE}
    parts = {name: (f"{name}.csv", data if isinstance(data, bytes) else data.encode(), "text/csv")
             for name, data in contents.items()}
    return client.post(f"{URL}/surveys/{survey}/sample", files=parts, headers=headers)


def create_survey(client, headers, form_ids: list[str], code: str = "wave1", **settings):
    body = {"code": code, "name": "Encuesta de victimización 2026", "reference_period_start": "2025-11-01",
            "reference_period_end": "2026-10-31", "fieldwork_start": "2026-11-02", "fieldwork_end": "2026-12-15",
            "form_ids": form_ids, **settings}
    response = client.post(f"{URL}/surveys", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def admin(make_account):
    return make_account("admin")


@pytest.fixture
def wave(client, engine, admin):
    """A wave using the perception instrument, with the sample above imported."""
    published(engine, "perception")
    create_survey(client, admin.headers, ["sinmiedo_perception"])
    assert upload(client, admin.headers).status_code == 201
    return "wave1"


@pytest.fixture
def team(client, make_account):
    """A supervisor leading one team of two enumerators."""
    supervisor = make_account("supervisor")
    first, second = make_account("enumerator"), make_account("enumerator")
    created = client.post(f"{URL}/teams", json={"name": "Lima norte"}, headers=supervisor.headers).json()
    for member in (first, second):
        response = client.post(f"{URL}/teams/{created['id']}/members", json={"username": member.user.username},
                               headers=supervisor.headers)
        assert response.status_code == 200, response.text
    return supervisor, first, second


def assign(client, headers, enumerator, psu: str, households: list[str] | None = None, survey: str = "wave1"):
    body = {"enumerator": enumerator.user.username, "psu": psu}
    if households is not None:
        body["households"] = households
    return client.post(f"{URL}/surveys/{survey}/assignments", json=body, headers=headers)


# --- survey waves and the sample --------------------------------------------------------------------

def test_survey_names_only_existing_instruments(client, admin):
    body = {"code": "w", "name": "W", "form_ids": ["nope"]}
    response = client.post(f"{URL}/surveys", json=body, headers=admin.headers)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"loc": ["form_ids", 0], "msg": "no instrument 'nope'",
                                          "type": "unknown_instrument"}]


def test_sample_import_derives_pps_probabilities_and_keeps_contacts_apart(client, engine, wave, admin):
    survey = client.get(f"{URL}/surveys/{wave}", headers=admin.headers).json()
    with Session(engine) as session:
        frame = service.household_frame(session, service.get_survey(session, wave).id)
        contacts = session.exec(select(HouseholdContact)).all()
        households = session.exec(select(Household)).all()

    assert survey["households"] == 5
    assert survey["only_approved_feed_estimates"] is True and survey["vawg_requires_female_enumerator"] is True
    # pi = n_h * M_hi / M_h = 2 * 100 / 1000 and 2 * 250 / 1000
    assert {(row.psu, row.household): row.psu_probability for row in frame} == {
        ("EA01", "001"): pytest.approx(0.2, rel=1e-12), ("EA01", "002"): pytest.approx(0.2, rel=1e-12),
        ("EA02", "001"): pytest.approx(0.5, rel=1e-12), ("EA03", "001"): 0.05, ("EA03", "002"): 0.05,
    }
    assert {row.household_probability for row in frame if row.psu == "EA01"} == {0.1}
    assert [row.selection_probability for row in frame if row.psu == "EA01"] == pytest.approx([0.02, 0.02], rel=1e-12)
    assert sorted((c.address, c.phone) for c in contacts) == [("Av. Sol 123", "999111222"), ("Jr. Luna 4", None)]
    assert not any(hasattr(row, "address") or hasattr(row, "phone") for row in [*frame, *households])


def test_a_psu_may_give_the_territory_it_lies_in_and_the_frame_carries_it(client, engine, admin):
    published(engine, "perception")
    create_survey(client, admin.headers, ["sinmiedo_perception"])
    assert upload(client, admin.headers, psus=PSUS_WITH_TERRITORY).status_code == 201
    with Session(engine) as session:
        frame = service.household_frame(session, service.get_survey(session, "wave1").id)
    assert {row.psu: row.territory for row in frame} == {"EA01": "15001", "EA02": None, "EA03": None}


def test_sample_is_imported_once(client, wave, admin):
    response = upload(client, admin.headers)

    assert response.status_code == 409
    assert response.json()["code"] == "sample_already_imported"


BAD_ROWS = [
    ("strata", STRATA.replace("psus_in_frame", "psus_in_fram"), [(["strata", 1, "psus_in_fram"], "unknown_column")]),
    ("psus", PSUS.replace("stratum,psu,", "stratum,"), [(["psus", 1, "psu"], "missing_column")]),
    ("strata", "stratum\n", [(["strata", 1], "empty_file")]),
    ("strata", STRATA + "URB,Again,,,\n", [(["strata", 4, "stratum"], "duplicate")]),
    ("strata", STRATA.replace("2,1000,40", "2,1000,1"), [(["strata", 2, "psus_in_frame"], "out_of_range")]),
    ("psus", PSUS.replace("RUR,EA03,0.05", "RUR,EA03,lots"), [(["psus", 4, "selection_probability"], "not_a_number")]),
    ("psus", PSUS.replace("RUR,EA03,0.05", "RUR,EA03,0"), [(["psus", 4, "selection_probability"], "out_of_range")]),
    ("psus", PSUS.replace("RUR,EA03,0.05,", "RUR,EA03,0.05,7"),
     [(["psus", 4, "selection_probability"], "probability_and_size")]),
    ("psus", PSUS.replace("RUR,EA03,0.05,", "RUR,EA03,,"), [(["psus", 4, "selection_probability"], "probability_missing")]),
    ("psus", PSUS.replace("URB,EA02,,250", "URB,EA02,,600"), [(["psus", 3, "measure_of_size"], "probability_above_one")]),
    ("psus", PSUS + "RUR,EA04,,10,,\n", [(["psus", 5, "measure_of_size"], "stratum_size_missing")]),
    ("psus", PSUS + "SUB,EA04,0.1,,,\n", [(["psus", 5, "stratum"], "unknown_stratum")]),
    ("psus", PSUS + "RUR,EA03,0.1,,,\n", [(["psus", 5, "psu"], "duplicate")]),
    ("psus", PSUS.replace("-12.1000,-77.0300", "-12.1000,"), [(["psus", 3, "latitude"], "incomplete_centroid")]),
    ("psus", PSUS.replace("-12.1000,-77.0300", "-95,-77.03"), [(["psus", 3, "latitude"], "out_of_range")]),
    ("psus", PSUS.replace("RUR,EA03,0.05,,,", "RUR,EA03,0.05,,,,extra"), [(["psus", 4], "extra_cells")]),
    ("households", HOUSEHOLDS + "EA09,001,0.5,,\n", [(["households", 7, "psu"], "unknown_psu")]),
    ("households", HOUSEHOLDS + "EA03,002,0.5,,\n", [(["households", 7, "household"], "duplicate")]),
    ("households", HOUSEHOLDS.replace("EA03,002,0.5", "EA03,002,"),
     [(["households", 6, "selection_probability"], "required")]),
    ("households", HOUSEHOLDS.replace("EA03,002,0.5", "EA03,,0.5"), [(["households", 6, "household"], "required")]),
    ("households", HOUSEHOLDS.replace("EA02,001,0.25,Jr. Luna 4,\n", ""), [(["psus", 3, "psu"], "psu_without_households")]),
    ("psus", PSUS.replace("URB,EA02,,250,-12.1000,-77.0300\n", ""),
     [(["strata", 2, "psus_selected"], "psu_count_mismatch")]),
    ("strata", "stratum\nURB\n".encode("utf-16"), [(["strata", 1], "not_utf8")]),
    ("psus", PSUS_WITH_TERRITORY.replace("15001", "x" * 65), [(["psus", 2, "territory"], "too_long")]),
    # What PostgreSQL cannot store is refused on both databases, with its line and column.
    ("households", HOUSEHOLDS.replace("Jr. Luna 4", "Jr. Luna\x004"), [(["households", 4, "address"], "unstorable_text")]),
    ("strata", STRATA.replace("2,1000,40", "2,1000,4000000000"), [(["strata", 2, "psus_in_frame"], "out_of_range")]),
]


@pytest.mark.parametrize(("part", "content", "expected"), BAD_ROWS,
                         ids=[f"{e[0][1]}-{i}" for i, (_, _, e) in enumerate(BAD_ROWS)])
def test_bad_sample_row_is_reported_with_line_and_reason_and_nothing_imported(client, engine, admin, part, content,
                                                                              expected):
    published(engine, "perception")
    create_survey(client, admin.headers, ["sinmiedo_perception"])
    files = {part: content}
    if part == "psus" and "EA02" not in content:
        # Dropping EA02 from psus.csv drops its household too, so the count mismatch is the only problem.
        files["households"] = HOUSEHOLDS.replace("EA02,001,0.25,Jr. Luna 4,\n", "")
    response = upload(client, admin.headers, **files)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "sample_invalid"
    assert [(e["loc"], e["type"]) for e in body["errors"]] == expected
    assert client.get(f"{URL}/surveys/wave1", headers=admin.headers).json()["households"] == 0


def test_every_bad_row_of_every_file_is_reported_at_once(client, engine, admin):
    published(engine, "perception")
    create_survey(client, admin.headers, ["sinmiedo_perception"])

    response = upload(client, admin.headers, psus=PSUS.replace("RUR,EA03,0.05", "RUR,EA03,2"),
                      households=HOUSEHOLDS + "EA01,003,x,,\n")

    # EA03's bad probability is reported once: its households are not reported again as unknown.
    assert [(e["loc"], e["type"]) for e in response.json()["errors"]] == [
        (["psus", 4, "selection_probability"], "out_of_range"),
        (["households", 7, "selection_probability"], "not_a_number"),
    ]


# --- teams and assignments --------------------------------------------------------------------------

def test_supervisor_assigns_only_their_team(client, wave, team, make_account):
    supervisor, first, _ = team
    outsider = make_account("enumerator")

    refused = assign(client, supervisor.headers, outsider, "EA01")
    created = assign(client, supervisor.headers, first, "EA01")

    assert refused.status_code == 403 and refused.json()["code"] == "enumerator_not_in_team"
    assert created.status_code == 201
    assert [(a["psu"], a["household"], a["enumerator"]) for a in created.json()] == [
        ("EA01", "001", first.user.username), ("EA01", "002", first.user.username)]


def test_admin_assigns_anyone_and_a_reassignment_ends_the_earlier_one(client, wave, team, admin, make_account):
    _, first, _ = team
    outsider = make_account("enumerator")
    assign(client, admin.headers, first, "EA03", ["001"])

    moved = assign(client, admin.headers, outsider, "EA03", ["001"])
    listed = client.get(f"{URL}/surveys/{wave}/assignments", headers=admin.headers).json()

    assert moved.status_code == 201
    assert [(a["household"], a["enumerator"]) for a in listed] == [("001", outsider.user.username)]
    assert client.get(f"{URL}/my-assignments", headers=first.headers).json() == []


def test_enumerator_sees_only_their_assignments_with_contacts_and_the_read_is_audited(client, engine, wave, team):
    supervisor, first, second = team
    assign(client, supervisor.headers, first, "EA01")
    assign(client, supervisor.headers, second, "EA02")

    mine = client.get(f"{URL}/my-assignments", headers=first.headers).json()

    assert [(a["survey"], a["psu"], a["household"], a["address"], a["phone"]) for a in mine] == [
        ("wave1", "EA01", "001", "Av. Sol 123", "999111222"), ("wave1", "EA01", "002", None, None)]
    assert mine[0]["form_ids"] == ["sinmiedo_perception"]
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "assignment.read_mine")).all()
    assert [(e.actor_id, e.detail) for e in events] == [(first.user.id, {"households": 2})]


def test_assigning_an_unknown_household_names_it(client, wave, admin, team):
    _, first, _ = team

    response = assign(client, admin.headers, first, "EA01", ["001", "404"])

    assert response.status_code == 422
    assert response.json()["errors"] == [{"loc": ["households", 1], "msg": "no household '404'",
                                          "type": "unknown_household"}]


def test_enumerator_belongs_to_one_team(client, make_account, team):
    _, first, _ = team
    other = make_account("supervisor")
    team_id = client.post(f"{URL}/teams", json={"name": "Callao"}, headers=other.headers).json()["id"]

    response = client.post(f"{URL}/teams/{team_id}/members", json={"username": first.user.username},
                           headers=other.headers)

    assert response.status_code == 409 and response.json()["code"] == "already_in_team"


def test_supervisor_cannot_manage_another_supervisors_team(client, make_account, team):
    supervisor, _, _ = team
    other = make_account("supervisor")
    team_id = client.get(f"{URL}/teams", headers=supervisor.headers).json()[0]["id"]

    response = client.post(f"{URL}/teams/{team_id}/members", json={"username": "x"}, headers=other.headers)

    assert response.status_code == 403 and response.json()["code"] == "not_your_team"
    assert client.get(f"{URL}/teams", headers=other.headers).json() == []


# --- dispositions and response rates ---------------------------------------------------------------

def _assignment_ids(client, headers) -> dict[tuple[str, str], int]:
    return {(a["psu"], a["household"]): a["id"] for a in client.get(f"{URL}/my-assignments", headers=headers).json()}


def test_dispositions_keep_their_history_and_the_latest_wins(client, wave, team):
    supervisor, first, _ = team
    assign(client, supervisor.headers, first, "EA01")
    target = _assignment_ids(client, first.headers)[("EA01", "001")]

    for code in ("2.24", "1.1"):
        response = client.post(f"{URL}/assignments/{target}/dispositions", json={"code": code}, headers=first.headers)
        assert response.status_code == 201
    history = client.get(f"{URL}/assignments/{target}/dispositions", headers=supervisor.headers).json()
    mine = client.get(f"{URL}/my-assignments", headers=first.headers).json()

    assert [(d["code"], d["meaning"], d["recorded_by"]) for d in history] == [
        ("2.24", "no one at residence", first.user.username), ("1.1", "complete interview", first.user.username)]
    assert [(a["household"], a["disposition"]) for a in mine] == [("001", "1.1"), ("002", None)]


def test_disposition_codes_are_aapor_codes_and_only_for_ones_own_assignment(client, wave, team):
    supervisor, first, second = team
    assign(client, supervisor.headers, first, "EA01")
    target = _assignment_ids(client, first.headers)[("EA01", "001")]

    unknown = client.post(f"{URL}/assignments/{target}/dispositions", json={"code": "9.9"}, headers=first.headers)
    foreign = client.post(f"{URL}/assignments/{target}/dispositions", json={"code": "1.1"}, headers=second.headers)

    assert unknown.status_code == 422
    assert foreign.status_code == 403 and foreign.json()["code"] == "assignment_not_yours"


def test_response_rates_follow_aapor_with_e_from_known_eligibility(client, engine, admin, make_account):
    """Hand-computed: I=3 P=1 R=2 NC=1 O=1 UH=1 UO=1 NE=2 (12 households), pending 1.

    RR1 = 3/(4+4+2) = 0.3; RR2 = 4/10 = 0.4; e = 8/(8+2) = 0.8; RR3 = 3/(4+4+0.8*2) = 3/9.6;
    RR4 = 4/9.6; COOP1 = 3/(4+2+1) = 3/7; COOP2 = 4/7; REF1 = 2/10; CON1 = 7/10.
    """
    published(engine, "perception")
    create_survey(client, admin.headers, ["sinmiedo_perception"])
    rows = "".join(f"EA03,{n:03d},0.5,,\n" for n in range(1, 14))
    assert upload(client, admin.headers, households="psu,household,selection_probability,address,phone\n"
                  + rows + "EA01,001,0.1,,\nEA02,001,0.1,,\n").status_code == 201
    enumerator = make_account("enumerator")
    assign(client, admin.headers, enumerator, "EA03")
    ids = [a["id"] for a in client.get(f"{URL}/my-assignments", headers=enumerator.headers).json()]
    codes = ["1.1", "1.1", "1.1", "1.2", "2.11", "2.12", "2.24", "2.33", "3.18", "3.21", "4.60", "4.70"]
    for assignment_id, code in zip(ids, codes, strict=False):
        client.post(f"{URL}/assignments/{assignment_id}/dispositions", json={"code": code}, headers=enumerator.headers)
    # A person-level outcome does not count at the household level.
    client.post(f"{URL}/assignments/{ids[0]}/dispositions", json={"code": "2.11", "person": 2},
                headers=enumerator.headers)

    rates = client.get(f"{URL}/surveys/wave1/response-rates", headers=admin.headers).json()
    person = client.get(f"{URL}/surveys/wave1/response-rates?level=person", headers=admin.headers).json()

    assert rates["counts"] == {"I": 3, "P": 1, "R": 2, "NC": 1, "O": 1, "UH": 1, "UO": 1, "NE": 2}
    assert rates["pending"] == 3
    expected = {"rr1": 0.3, "rr2": 0.4, "e": 0.8, "rr3": 3 / 9.6, "rr4": 4 / 9.6, "coop1": 3 / 7, "coop2": 4 / 7,
                "ref1": 0.2, "con1": 0.7}
    assert {k: rates[k] for k in expected} == pytest.approx(expected, rel=1e-12)
    assert person["counts"]["R"] == 1 and person["rr1"] == 0.0


def test_household_frame_carries_nonresponse_categories(client, engine, wave, team):
    supervisor, first, _ = team
    assign(client, supervisor.headers, first, "EA01")
    ids = _assignment_ids(client, first.headers)
    client.post(f"{URL}/assignments/{ids[('EA01', '001')]}/dispositions", json={"code": "1.1"}, headers=first.headers)
    client.post(f"{URL}/assignments/{ids[('EA01', '002')]}/dispositions", json={"code": "4.60"}, headers=first.headers)

    with Session(engine) as session:
        frame = service.household_frame(session, service.get_survey(session, wave).id)

    assert [(r.stratum, r.psu, r.household, r.disposition_code, r.disposition) for r in frame] == [
        ("RUR", "EA03", "001", None, "unknown"), ("RUR", "EA03", "002", None, "unknown"),
        ("URB", "EA01", "001", "1.1", "respondent"), ("URB", "EA01", "002", "4.60", "ineligible"),
        ("URB", "EA02", "001", None, "unknown")]
