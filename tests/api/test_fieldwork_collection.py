"""Collection under fieldwork: assignment scoping of submissions and form lists, supervisors'
reading scope, the VAWG rules, progress and quality flags."""

import copy
import math
import re
import uuid

import defusedxml.ElementTree as SafeET
import pytest
from sqlmodel import Session, select

from api.audit.models import AuditEvent
from api.fieldwork import facts
from api.fieldwork import repository as fieldwork_repository
from api.fieldwork.models import InterviewFacts
from api.fieldwork.repository import Facts
from api.submissions.models import Submission

from tests.api.collect import basic, instance_xml, multipart
from tests.api.test_intake_groups import post_together
from tests.api.submission_data import FORMS, interview
from tests.api.test_fieldwork import URL, assign, create_survey, published, upload
from tests.api.test_openrosa import compiled
from tests.conftest import TEST_PASSWORD
from tests.databases import large_version_columns_read, statements_run

SUBMISSIONS = "/api/v1/submissions"
HOUSEHOLDS = "psu,household,selection_probability\n" + "".join(
    f"{psu},{n:03d},0.25\n" for psu in ("EA01", "EA02", "EA03") for n in range(1, 7)
)
# EA01's centroid is where submission_data's interviews are taken; EA02's lies about 6 km away.
PSUS = """stratum,psu,selection_probability,latitude,longitude
URB,EA01,0.2,-12.0464,-77.0428
URB,EA02,0.2,-12.1000,-77.0300
URB,EA03,0.2,,
"""
STRATA = "stratum\nURB\n"


@pytest.fixture
def versions(engine):
    return published(engine, "perception", "victimization", "vawg")


@pytest.fixture
def field(client, versions, make_account):
    """A wave using victimization and VAWG; a team of three certified women, a certified man and an
    uncertified woman; EA01, EA02, EA03 assigned to the three certified women."""
    admin, supervisor = make_account("admin"), make_account("supervisor")
    people = {
        "ana": make_account("enumerator", username="ana", vawg_certified=True, sex="female"),
        "bea": make_account("enumerator", username="bea", vawg_certified=True, sex="female"),
        "cruz": make_account("enumerator", username="cruz", vawg_certified=True, sex="female"),
        "dan": make_account("enumerator", username="dan", vawg_certified=True, sex="male"),
        "eva": make_account("enumerator", username="eva", sex="female"),
    }
    create_survey(client, admin.headers, ["sinmiedo_victimization", "sinmiedo_womens_health"])
    assert upload(client, admin.headers, strata=STRATA, psus=PSUS, households=HOUSEHOLDS).status_code == 201
    team_id = client.post(f"{URL}/teams", json={"name": "Lima"}, headers=supervisor.headers).json()["id"]
    for account in people.values():
        client.post(f"{URL}/teams/{team_id}/members", json={"username": account.user.username},
                    headers=supervisor.headers)
    for name, psu in (("ana", "EA01"), ("bea", "EA02"), ("cruz", "EA03")):
        assert assign(client, supervisor.headers, people[name], psu).status_code == 201
    return {"admin": admin, "supervisor": supervisor, "versions": versions, **people}


def assignment_ids(client, account) -> list[int]:
    return [a["id"] for a in client.get(f"{URL}/my-assignments", headers=account.headers).json()]


def submit(client, field, account, name: str, assignment_id: int | None, **changes):
    body = submission_body(field, name, assignment_id, **changes)
    return client.post(SUBMISSIONS, json=body, headers=account.headers)


def submission_body(field, name: str, assignment_id: int | None, *, answers: dict | None = None,
                    instance_id: str | None = None, minutes: int = 29, gps: tuple[float, float] | None = None) -> dict:
    body = interview(name, field["versions"][name], instance_id=instance_id)
    if answers is not None:
        body["answers"] = answers
    body["assignment_id"] = assignment_id
    body["paradata"]["ended_at"] = f"2026-11-21T{10 + (2 + minutes) // 60:02d}:{(2 + minutes) % 60:02d}:00-05:00"
    if gps is not None:
        body["paradata"]["gps"] = {"latitude": gps[0], "longitude": gps[1], "accuracy": 5.0}
    return body


def vawg_answers(*, disclosing: bool) -> dict:
    answers = copy.deepcopy(FORMS["vawg"][1])
    if not disclosing:
        answers.update(ipv_physical_slapped_ever="no", np_attempted_intercourse_since15="no")
        del answers["ipv_physical_slapped_12m"], answers["np_attempted_intercourse_12m"]
    return answers


# --- submissions follow assignments -----------------------------------------------------------------

def test_interview_for_ones_own_assignment_is_accepted(client, field):
    response = submit(client, field, field["ana"], "victimization", assignment_ids(client, field["ana"])[0])

    assert response.status_code == 201, response.text


def test_interview_for_someone_elses_assignment_is_refused(client, field):
    response = submit(client, field, field["bea"], "victimization", assignment_ids(client, field["ana"])[0])

    assert response.status_code == 403 and response.json()["code"] == "assignment_not_yours"


def test_interview_naming_no_existing_assignment_is_422(client, field):
    response = submit(client, field, field["ana"], "victimization", 99_999)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["assignment_id"]


def test_instrument_outside_the_wave_is_refused(client, field):
    named = submit(client, field, field["ana"], "perception", assignment_ids(client, field["ana"])[0])
    unnamed = submit(client, field, field["ana"], "perception", None)

    assert named.status_code == 422 and named.json()["code"] == "instrument_not_in_survey"
    assert unnamed.status_code == 403 and unnamed.json()["code"] == "instrument_not_assigned"


def test_resend_after_reassignment_returns_the_stored_interview(client, field):
    first = assignment_ids(client, field["ana"])[0]
    instance_id = str(uuid.uuid4())
    assert submit(client, field, field["ana"], "victimization", first, instance_id=instance_id).status_code == 201
    assign(client, field["admin"].headers, field["bea"], "EA01", ["001"])

    resent = submit(client, field, field["ana"], "victimization", first, instance_id=instance_id)

    assert resent.status_code == 200


def _form_ids(client, account) -> list[str]:
    response = client.get("/openrosa/formList", headers=basic(account.user.username, TEST_PASSWORD))
    root = SafeET.fromstring(response.content)
    return sorted(node.text for node in root.iter("{http://openrosa.org/xforms/xformsList}formID"))


def test_form_list_offers_only_the_waves_instruments_and_vawg_to_certified_women(client, field, make_account):
    assign(client, field["supervisor"].headers, field["dan"], "EA03", ["006"])
    assign(client, field["supervisor"].headers, field["eva"], "EA03", ["005"])
    unassigned = make_account("enumerator", vawg_certified=True, sex="female")

    assert _form_ids(client, field["ana"]) == ["sinmiedo_victimization", "sinmiedo_womens_health"]
    assert _form_ids(client, field["dan"]) == ["sinmiedo_victimization"]
    assert _form_ids(client, field["eva"]) == ["sinmiedo_victimization"]
    assert _form_ids(client, unassigned) == ["sinmiedo_perception", "sinmiedo_victimization",
                                             "sinmiedo_womens_health"]
    # The instrument API shows an enumerator the same forms as their OpenRosa list, and no others.
    for account in (field["ana"], field["dan"], field["eva"], unassigned):
        assert _api_form_ids(client, account) == _form_ids(client, account)


def _api_form_ids(client, account) -> list[str]:
    page = client.get("/api/v1/instruments", headers=account.headers).json()
    assert page["total"] == len(page["items"])
    return sorted(item["form_id"] for item in page["items"])


def test_forms_off_an_enumerators_list_cannot_be_read_or_downloaded_by_them(client, field, make_account):
    analyst = make_account("analyst")
    numbers = {FORMS[name][0]: field["versions"][name] for name in ("perception", "vawg")}

    for form_id, number in numbers.items():
        base = f"/api/v1/instruments/{form_id}"
        readable = [base, f"{base}/versions/{number}", f"{base}/versions/{number}/xform",
                    f"{base}/versions/{number}/xlsform", f"{base}/versions/{number}/preview"]
        for url in readable:
            assert client.get(url, headers=analyst.headers).status_code == 200, url
        # ana's wave does not use perception; eva is not certified for the VAWG instrument.
        reader = field["ana"] if form_id == "sinmiedo_perception" else field["eva"]
        for url in readable:
            response = client.get(url, headers=reader.headers)
            assert response.status_code == 404, url
            assert response.headers["content-type"] == "application/problem+json"


def test_openrosa_interview_of_an_instrument_outside_the_wave_is_refused(client, engine, field):
    xml = instance_xml(compiled(engine, "sinmiedo_perception"), FORMS["perception"][1], str(uuid.uuid4()))

    response = client.post("/openrosa/submission", headers=basic("ana", TEST_PASSWORD), **multipart(xml))

    assert response.status_code == 403
    assert b"instrument_not_assigned" in response.content


def _collect_vawg(client, engine, account, household_code: str | None):
    answers = copy.deepcopy(FORMS["vawg"][1])
    if household_code is not None:
        answers["household_code"] = household_code
    xml = instance_xml(compiled(engine, "sinmiedo_womens_health"), answers, str(uuid.uuid4()))
    return client.post("/openrosa/submission", headers=basic(account.user.username, TEST_PASSWORD), **multipart(xml))


def test_collect_interview_finds_its_assignment_by_household_code_and_vawg_allows_one_per_household(
        client, engine, field):
    first = _collect_vawg(client, engine, field["ana"], "EA01/002")
    assert first.status_code == 201, first.text
    stored = client.get(SUBMISSIONS, headers=field["admin"].headers).json()["items"]
    mine = {a["household"]: a["id"] for a in client.get(f"{URL}/my-assignments", headers=field["ana"].headers).json()}
    assert [item["assignment_id"] for item in stored] == [mine["002"]]

    second = _collect_vawg(client, engine, field["ana"], "EA01/002")
    assert second.status_code == 409 and b"vawg_household_already_interviewed" in second.content
    assert _collect_vawg(client, engine, field["ana"], "EA01/003").status_code == 201


def test_json_interview_without_an_assignment_finds_it_by_household_code(client, field):
    answers = copy.deepcopy(FORMS["vawg"][1])
    answers["household_code"] = "EA01/004"
    first = submit(client, field, field["ana"], "vawg", None, answers=answers)
    assert first.status_code == 201, first.text
    mine = {a["household"]: a["id"] for a in client.get(f"{URL}/my-assignments", headers=field["ana"].headers).json()}
    assert first.json()["assignment_id"] == mine["004"]

    second = submit(client, field, field["ana"], "vawg", None, answers=answers)
    assert second.status_code == 409 and second.json()["code"] == "vawg_household_already_interviewed"
    answers["household_code"] = "EA02/001"
    assert submit(client, field, field["ana"], "vawg", None, answers=answers).json()["code"] == "household_not_assigned"
    answers["household_code"] = "EA01/00\u00004"  # no household's code (PostgreSQL could not even look it up)
    assert submit(client, field, field["ana"], "vawg", None, answers=answers).json()["code"] == "household_not_assigned"


def test_collect_resend_after_the_household_is_reassigned_is_still_a_duplicate(client, engine, field):
    answers = copy.deepcopy(FORMS["vawg"][1])
    answers["household_code"] = "EA01/005"
    xml = instance_xml(compiled(engine, "sinmiedo_womens_health"), answers, str(uuid.uuid4()))
    headers = basic("ana", TEST_PASSWORD)
    assert client.post("/openrosa/submission", headers=headers, **multipart(xml)).status_code == 201
    assign(client, field["admin"].headers, field["bea"], "EA01", ["005"])

    resent = client.post("/openrosa/submission", headers=headers, **multipart(xml))

    assert resent.status_code == 201, resent.text
    assert client.get(SUBMISSIONS, headers=field["admin"].headers).json()["total"] == 1


@pytest.mark.parametrize("code", ["EA02/001", "EA01/999", "EA01-001"], ids=["anothers", "unknown", "malformed"])
def test_collect_interview_for_a_household_not_assigned_to_the_enumerator_is_refused(client, engine, field, code):
    response = _collect_vawg(client, engine, field["ana"], code)

    assert response.status_code == 422
    assert (b"answers_invalid" if code == "EA01-001" else b"household_not_assigned") in response.content
    assert client.get(SUBMISSIONS, headers=field["admin"].headers).json()["total"] == 0


# --- VAWG -------------------------------------------------------------------------------------------

def test_vawg_needs_a_female_enumerator_when_the_wave_requires_it(client, field):
    assign(client, field["supervisor"].headers, field["dan"], "EA03", ["006"])
    target = assignment_ids(client, field["dan"])[0]

    response = submit(client, field, field["dan"], "vawg", target)

    assert response.status_code == 403 and response.json()["code"] == "vawg_female_enumerator_required"


def test_a_wave_may_let_certified_men_collect_vawg(client, field):
    create_survey(client, field["admin"].headers, ["sinmiedo_womens_health"], code="wave2",
                  vawg_requires_female_enumerator=False)
    upload(client, field["admin"].headers, survey="wave2", strata=STRATA, psus=PSUS, households=HOUSEHOLDS)
    assign(client, field["supervisor"].headers, field["dan"], "EA01", ["001"], survey="wave2")

    response = submit(client, field, field["dan"], "vawg", assignment_ids(client, field["dan"])[0])

    assert response.status_code == 201, response.text


def test_vawg_needs_a_certified_enumerator(client, field):
    assign(client, field["supervisor"].headers, field["eva"], "EA03", ["005"])

    response = submit(client, field, field["eva"], "vawg", assignment_ids(client, field["eva"])[0])

    assert response.status_code == 403 and response.json()["code"] == "vawg_certification_required"


def test_second_vawg_interview_for_a_household_is_refused_but_a_resend_is_not(client, field):
    first, second = assignment_ids(client, field["ana"])[:2]
    instance_id = str(uuid.uuid4())

    created = submit(client, field, field["ana"], "vawg", first, instance_id=instance_id)
    resent = submit(client, field, field["ana"], "vawg", first, instance_id=instance_id)
    again = submit(client, field, field["ana"], "vawg", first)
    other_household = submit(client, field, field["ana"], "vawg", second)

    assert (created.status_code, resent.status_code, other_household.status_code) == (201, 200, 201)
    assert again.status_code == 409 and again.json()["code"] == "vawg_household_already_interviewed"


def test_vawg_interviews_of_one_household_arriving_together_give_one_interview(app, client, field, engine):
    """Single interviews arriving together are validated before any of them is stored (on SQLite, committed
    as a group): the household's claim still admits only the first."""
    household = assignment_ids(client, field["ana"])[0]
    bodies = [submission_body(field, "vawg", household) for _ in range(3)]

    responses = post_together(app, [(body, field["ana"].headers) for body in bodies])

    assert sorted(response.status_code for response in responses) == [201, 409, 409]
    assert {response.json().get("code") for response in responses if response.status_code == 409} == {
        "vawg_household_already_interviewed"}
    with Session(engine) as session:
        stored = session.exec(select(Submission.instance_id).where(Submission.assignment_id == household)).all()
    assert stored == [next(r.json()["instance_id"] for r in responses if r.status_code == 201)]


def test_batch_refuses_a_second_vawg_interview_of_the_same_household(client, field):
    target = assignment_ids(client, field["ana"])[2]
    items = []
    for _ in range(2):
        body = interview("vawg", field["versions"]["vawg"])
        body["assignment_id"] = target
        items.append(body)

    result = client.post(f"{SUBMISSIONS}/batch", json={"submissions": items}, headers=field["ana"].headers).json()

    assert [r["status"] for r in result["results"]] == ["created", "conflict"]
    assert result["results"][1]["errors"][0]["type"] == "vawg_household_already_interviewed"


def test_deleting_a_vawg_interview_frees_its_household(client, field):
    target = assignment_ids(client, field["ana"])[0]
    instance_id = submit(client, field, field["ana"], "vawg", target).json()["instance_id"]
    client.delete(f"{SUBMISSIONS}/{instance_id}", headers=field["supervisor"].headers)

    assert submit(client, field, field["ana"], "vawg", target).status_code == 201


# --- supervisors read their teams' interviews -------------------------------------------------------

def test_supervisor_reads_only_their_teams_interviews(client, field, make_account):
    instance_id = submit(client, field, field["ana"], "victimization",
                         assignment_ids(client, field["ana"])[0]).json()["instance_id"]
    other = make_account("supervisor")
    client.post(f"{URL}/teams", json={"name": "Callao"}, headers=other.headers)

    assert client.get(f"{SUBMISSIONS}/{instance_id}", headers=field["supervisor"].headers).status_code == 200
    assert client.get(f"{SUBMISSIONS}/{instance_id}", headers=other.headers).status_code == 404
    assert client.get(SUBMISSIONS, headers=other.headers).json()["total"] == 0
    assert client.get(SUBMISSIONS, headers=field["admin"].headers).json()["total"] == 1


def test_supervisor_decides_many_interviews_at_once_with_a_verdict_each(client, field, make_account, engine):
    own = [submit(client, field, field["ana"], "victimization", a).json()["instance_id"]
           for a in assignment_ids(client, field["ana"])[:3]]
    client.post(f"{SUBMISSIONS}/{own[0]}/review", json={"action": "approve"}, headers=field["supervisor"].headers)
    stranger = make_account("enumerator", username="zoe")
    theirs = submit(client, field, stranger, "victimization", None).json()["instance_id"]
    unknown = str(uuid.uuid4())
    decided = [*own, theirs, unknown]

    refused = client.post(f"{SUBMISSIONS}/review", json={"instance_ids": decided, "action": "return"},
                          headers=field["supervisor"].headers)
    assert refused.status_code == 422  # returning needs a comment, for every interview alike
    result = client.post(f"{SUBMISSIONS}/review", json={"instance_ids": decided, "action": "approve"},
                         headers=field["supervisor"].headers)

    assert result.status_code == 200, result.text
    body = result.json()
    assert [(r["instance_id"], r["status"]) for r in body["results"]] == [
        (own[0], "already_approved"), (own[1], "approved"), (own[2], "approved"),
        (theirs, "not_found"), (unknown, "not_found")]  # another team's interview is not revealed
    assert (body["approved"], body["already_approved"], body["not_found"], body["returned"]) == (2, 1, 2, 0)
    for instance_id in own:
        assert client.get(f"{SUBMISSIONS}/{instance_id}", headers=field["admin"].headers).json()["review_status"] \
            == "approved"
    assert client.get(f"{SUBMISSIONS}/{theirs}", headers=field["admin"].headers).json()["review_status"] == "received"
    with Session(engine) as session:
        approvals = session.exec(select(AuditEvent.resource_id).where(AuditEvent.action == "submission.approve")).all()
    assert sorted(approvals) == sorted(own)


# --- progress and quality flags ---------------------------------------------------------------------

def test_progress_per_psu_and_enumerator(client, field):
    ana = assignment_ids(client, field["ana"])
    for assignment_id, code in zip(ana, ["1.1", "1.1", "2.11", "4.60"], strict=False):
        client.post(f"{URL}/assignments/{assignment_id}/dispositions", json={"code": code},
                    headers=field["ana"].headers)
    for assignment_id, minutes in zip(ana, (20, 30, 40), strict=False):
        submit(client, field, field["ana"], "victimization", assignment_id, minutes=minutes)
    assign(client, field["admin"].headers, field["dan"], "EA03", ["006"])

    progress = client.get(f"{URL}/surveys/wave1/progress", headers=field["admin"].headers).json()

    ea01 = next(row for row in progress["by_psu"] if row["psu"] == "EA01")
    # RR1 over worked households: I=2, R=1, NE=1 -> 2 / 3.
    assert ea01 == {"psu": "EA01", "households": 6, "assigned": 6, "completed": 2,
                    "response_rate": pytest.approx(2 / 3, rel=1e-12), "interviews": 3,
                    "median_duration_seconds": 1800.0}
    assert {row["enumerator"]: row["assigned"] for row in progress["by_enumerator"]} == {
        "ana": 6, "bea": 6, "cruz": 5, "dan": 1}
    cruz = next(row for row in progress["by_enumerator"] if row["enumerator"] == "cruz")
    assert (cruz["completed"], cruz["response_rate"], cruz["median_duration_seconds"]) == (0, None, None)


@pytest.mark.parametrize("path", [f"{URL}/surveys/wave1/progress", f"{URL}/surveys/wave1/quality-flags",
                                  "/api/v1/submissions"])
def test_reads_of_many_interviews_leave_their_versions_large_columns_unread(client, field, engine, path):
    """Joined to each interview, a version's definition, source file and XForm (hundreds of kilobytes)
    came back once per row: a wave of 20,000 interviews read 4 GB and took its progress a minute."""
    for assignment_id in assignment_ids(client, field["ana"])[:3]:
        assert submit(client, field, field["ana"], "victimization", assignment_id).status_code == 201
    with statements_run(engine) as statements:
        response = client.get(path, headers=field["admin"].headers)
    assert response.status_code == 200, response.text
    of_interviews = [statement for statement in statements if "FROM submission" in statement]
    assert of_interviews  # the interviews were read
    assert large_version_columns_read(of_interviews) == set()


def _flags(client, account, **params):
    response = client.get(f"{URL}/surveys/wave1/quality-flags", params=params, headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_interview_far_too_short_is_flagged(client, field):
    ana = assignment_ids(client, field["ana"])
    short = None
    for assignment_id, minutes in zip(ana, (29, 29, 29, 2), strict=False):
        short = submit(client, field, field["ana"], "victimization", assignment_id, minutes=minutes).json()

    flags = [f for f in _flags(client, field["supervisor"]) if f["flag"] == "too_short"]

    # median of (1740, 1740, 1740, 120) s is 1740; half of it is 870.
    assert [(f["instance_id"], f["value"], f["reference"]) for f in flags] == [(short["instance_id"], 120.0, 870.0)]


def test_too_short_judges_pace_so_a_visit_stopped_at_the_privacy_check_is_not_suspect(client, field):
    ana = assignment_ids(client, field["ana"])
    stopped = {key: value for key, value in FORMS["vawg"][1].items()
               if key in ("start", "today", "household_consent", "n_members", "members")}
    stopped.update(privacy_check="not_private", reschedule_date="2026-11-24")
    for assignment_id in ana[:4]:
        assert submit(client, field, field["ana"], "vawg", assignment_id, minutes=29).status_code == 201
    # 8 minutes is under half the full interviews' 29 (a duration rule would flag it), but for 15 answers
    # against their 38 it is a normal pace.
    brief = submit(client, field, field["ana"], "vawg", ana[4], answers=stopped, minutes=8).json()
    rushed = submit(client, field, field["ana"], "vawg", ana[5], minutes=5).json()

    flags = {f["instance_id"]: f for f in _flags(client, field["supervisor"]) if f["flag"] == "too_short"}

    assert set(flags) == {rushed["instance_id"]}
    assert brief["instance_id"] not in flags
    # The rushed interview answered as much as the full ones: its reference is half their duration.
    assert flags[rushed["instance_id"]]["reference"] == pytest.approx(870.0, rel=1e-12)


def test_failed_privacy_check_is_flagged(client, field):
    start = {key: value for key, value in FORMS["vawg"][1].items()
             if key in ("start", "today", "household_consent", "n_members", "members")}
    answers = {**start, "privacy_check": "not_private", "reschedule_date": "2026-11-24"}
    response = submit(client, field, field["ana"], "vawg", assignment_ids(client, field["ana"])[0], answers=answers)
    assert response.status_code == 201, response.text

    flags = [f for f in _flags(client, field["supervisor"]) if f["flag"] == "privacy_check_failed"]

    assert [(f["enumerator"], f["instance_id"]) for f in flags] == [("ana", response.json()["instance_id"])]


def _great_circle_m(a, b) -> float:
    # The spherical law of cosines: an independent check of the haversine distance.
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    return 6_371_008.8 * math.acos(math.sin(lat1) * math.sin(lat2)
                                   + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1))


def test_gps_far_from_the_assigned_psu_is_flagged_without_revealing_it(client, field):
    near = submit(client, field, field["bea"], "victimization", assignment_ids(client, field["bea"])[0],
                  gps=(-12.1010, -77.0310)).json()
    far = submit(client, field, field["bea"], "victimization", assignment_ids(client, field["bea"])[1]).json()

    flags = [f for f in _flags(client, field["supervisor"], gps_radius_m=500) if f["flag"] == "gps_far_from_psu"]

    expected = _great_circle_m((-12.0464, -77.0428), (-12.1000, -77.0300))
    assert [f["instance_id"] for f in flags] == [far["instance_id"]]
    assert flags[0]["value"] == pytest.approx(round(expected), abs=1)
    assert near["instance_id"] not in {f["instance_id"] for f in flags}
    assert "-12.0464" not in str(flags) and "77.04" not in str(flags)


def test_disclosure_rates_far_below_and_above_the_team_are_flagged(client, field):
    """ana 0/5, bea 5/5, cruz 2/5 VAWG interviews disclose.

    ana against bea+cruz (7/10): P(X=0 | n=5, p=.7) = .3^5 = 0.00243 -> low;
    bea against ana+cruz (2/10): P(X=5 | p=.2) = .2^5 = 0.00032 -> high;
    cruz against ana+bea (5/10): p = 1 -> no flag.
    """
    for name, disclosing in (("ana", 0), ("bea", 5), ("cruz", 2)):
        for index, assignment_id in enumerate(assignment_ids(client, field[name])[:5]):
            response = submit(client, field, field[name], "vawg", assignment_id,
                              answers=vawg_answers(disclosing=index < disclosing))
            assert response.status_code == 201, response.text

    flags = [f for f in _flags(client, field["supervisor"]) if f["flag"].startswith("disclosure")]

    assert [(f["flag"], f["enumerator"], f["value"]) for f in flags] == [
        ("disclosure_rate_low", "ana", 0.0), ("disclosure_rate_high", "bea", 1.0)]
    assert [f["reference"] for f in flags] == pytest.approx([0.7, 0.2], rel=1e-12)
    assert "p = 0.00243" in flags[0]["detail"] and "p = 0.00032" in flags[1]["detail"]


def _answers_read(statements: list[str]) -> list[str]:
    return [statement for statement in statements if re.search(r"submission_revision\.answers\b", statement)]


def test_flags_read_each_revisions_answers_once_and_keep_what_they_need(client, field, engine):
    """Parsing every interview's answers at every read took a wave of 100,000 interviews 8-15 s and 800 MB."""
    ana = assignment_ids(client, field["ana"])
    for assignment_id, minutes in zip(ana, (29, 29, 29, 2), strict=False):
        assert submit(client, field, field["ana"], "victimization", assignment_id, minutes=minutes).status_code == 201
    with statements_run(engine) as first_read:
        first = _flags(client, field["supervisor"])
    with statements_run(engine) as second_read:
        second = _flags(client, field["supervisor"])

    assert [f["flag"] for f in first] == ["too_short"] and second == first
    assert len(_answers_read(first_read)) == 1
    assert _answers_read(second_read) == []
    with Session(engine) as session:
        kept = session.exec(select(InterviewFacts.answered)).all()
    assert len(kept) == 4 and len(set(kept)) == 1 and kept[0] > 20


def test_an_edit_gets_facts_of_its_own(client, field, engine):
    """A privacy check corrected by an edit (a new revision) is no longer flagged."""
    start = {key: value for key, value in FORMS["vawg"][1].items()
             if key in ("start", "today", "household_consent", "n_members", "members")}
    failed = {**start, "privacy_check": "not_private", "reschedule_date": "2026-11-24"}
    created = submit(client, field, field["ana"], "vawg", assignment_ids(client, field["ana"])[0], answers=failed)
    instance_id = created.json()["instance_id"]
    assert [f["instance_id"] for f in _flags(client, field["supervisor"])] == [instance_id]

    edited = client.put(f"{SUBMISSIONS}/{instance_id}", headers=field["ana"].headers,
                        json={"answers": FORMS["vawg"][1], "reason": "the respondent was alone: typed wrong"})
    assert edited.status_code == 200, edited.text

    assert _flags(client, field["supervisor"]) == []
    with Session(engine) as session:
        assert sorted(session.exec(select(InterviewFacts.privacy_check)).all()) == ["not_private", "private"]


def test_flags_read_answers_a_chunk_of_revisions_at_a_time(client, field, engine, monkeypatch):
    ana = assignment_ids(client, field["ana"])
    for assignment_id, minutes in zip(ana, (29, 29, 29, 29, 2), strict=False):
        assert submit(client, field, field["ana"], "victimization", assignment_id, minutes=minutes).status_code == 201
    monkeypatch.setattr(facts, "ANSWERS_CHUNK", 2)

    with statements_run(engine) as statements:
        flags = _flags(client, field["supervisor"])

    assert [f["flag"] for f in flags] == ["too_short"]
    assert len(_answers_read(statements)) == 3  # 2 + 2 + 1


def test_facts_kept_meanwhile_by_a_concurrent_read_are_left_as_they_are(client, field, engine):
    submit(client, field, field["ana"], "victimization", assignment_ids(client, field["ana"])[0])
    _flags(client, field["supervisor"])
    with Session(engine) as session:
        revision_id, answered = session.exec(select(InterviewFacts.revision_id, InterviewFacts.answered)).one()
        fieldwork_repository.keep_facts(session, {revision_id: Facts(answered + 1, None, False, False)})
        session.commit()
        assert session.exec(select(InterviewFacts.answered)).all() == [answered]


def test_supervisor_sees_flags_of_their_team_only(client, field, make_account):
    ana = assignment_ids(client, field["ana"])
    for assignment_id, minutes in zip(ana, (29, 29, 2), strict=False):
        submit(client, field, field["ana"], "victimization", assignment_id, minutes=minutes)
    other = make_account("supervisor")
    client.post(f"{URL}/teams", json={"name": "Callao"}, headers=other.headers)

    assert len(_flags(client, field["supervisor"])) == 1
    assert _flags(client, other) == []
