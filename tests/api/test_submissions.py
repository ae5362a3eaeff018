"""JSON submissions through HTTP: validation, idempotency, batches, revisions, review, scoping."""

import uuid

import pytest
from sqlmodel import Session, func, select

from api.audit.models import AuditEvent
from api.submissions.models import Submission, SubmissionPersonal, SubmissionRevision
from tests.api.submission_data import interview, publish_bundled

URL = "/api/v1/submissions"


@pytest.fixture
def versions(engine):
    return publish_bundled(engine, "perception", "victimization", "vawg")


@pytest.fixture
def enumerator(make_account):
    return make_account("enumerator", vawg_certified=True, sex="female")


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_valid_interview_is_created(client, versions, enumerator, engine):
    body = interview("victimization", versions["victimization"])
    response = client.post(URL, json=body, headers=enumerator.headers)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["instance_id"] == body["instance_id"]
    assert stored["revision"] == 1 and stored["review_status"] == "received"
    assert stored["duration_seconds"] == 29 * 60
    assert len(stored["answers"]["incidents"]) == 3
    assert count(engine, Submission) == 1


def test_invalid_interview_is_422_with_every_path_and_nothing_stored(client, versions, enumerator, engine):
    body = interview("victimization", versions["victimization"])
    body["answers"]["incidents"][2]["incident_reported"] = "maybe"
    body["answers"]["incidents"][0]["incident_cost"] = "a lot"
    response = client.post(URL, json=body, headers=enumerator.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "answers_invalid"
    paths = {e["path"]: e["type"] for e in problem["errors"]}
    assert paths["incidents[2].incident_reported"] == "not_in_choices"
    assert paths["incidents[0].incident_cost"] == "wrong_type"
    located = next(e for e in problem["errors"] if e["path"] == "incidents[2].incident_reported")
    assert located["loc"] == ["answers", "incidents", 2, "incident_reported"]
    assert count(engine, Submission) == 0


def test_resending_the_same_interview_returns_the_stored_one(client, versions, enumerator, engine):
    body = interview("perception", versions["perception"])
    first = client.post(URL, json=body, headers=enumerator.headers)
    again = client.post(URL, json=body, headers=enumerator.headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["received_at"] == first.json()["received_at"]
    assert count(engine, Submission) == 1 and count(engine, SubmissionRevision) == 1


def test_same_instance_with_other_content_is_409(client, versions, enumerator, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    body["answers"]["trust_police"] = "a_lot"
    response = client.post(URL, json=body, headers=enumerator.headers)
    assert response.status_code == 409
    assert response.json()["code"] == "instance_conflict"
    assert count(engine, SubmissionRevision) == 1


def test_unknown_or_draft_instrument_is_404(client, versions, enumerator):
    body = interview("perception", "999")
    response = client.post(URL, json=body, headers=enumerator.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "version_not_found"


def test_paradata_must_end_after_it_starts(client, versions, enumerator):
    body = interview("perception", versions["perception"])
    body["paradata"]["ended_at"] = "2026-11-21T09:00:00-05:00"
    response = client.post(URL, json=body, headers=enumerator.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "paradata"]


@pytest.mark.parametrize("role", ["analyst", "designer", "supervisor", "admin"])
def test_only_enumerators_submit(client, versions, make_account, role):
    account = make_account(role)
    response = client.post(URL, json=interview("perception", versions["perception"]), headers=account.headers)
    assert response.status_code == 403


def test_vawg_instrument_needs_a_certified_enumerator(client, versions, make_account, engine):
    uncertified = make_account("enumerator")
    response = client.post(URL, json=interview("vawg", versions["vawg"]), headers=uncertified.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "vawg_certification_required"
    assert count(engine, Submission) == 0


def test_exact_gps_is_kept_apart_from_answers(client, versions, enumerator, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    with Session(engine) as session:
        revision = session.exec(select(SubmissionRevision)).one()
        personal = session.get(SubmissionPersonal, revision.id)
    assert "gps" not in revision.answers
    assert (personal.latitude, personal.longitude) == (-12.0464, -77.0428)


def test_batch_reports_each_interview_and_one_bad_one_blocks_nothing(client, versions, enumerator, engine):
    good = [interview("perception", versions["perception"]) for _ in range(3)]
    invalid = interview("perception", versions["perception"], trust_police="maybe")
    malformed = {"instance_id": "not-a-uuid", "answers": {}}
    response = client.post(f"{URL}/batch", json={"submissions": [good[0], invalid, good[1], malformed, good[2]]},
                           headers=enumerator.headers)
    assert response.status_code == 200
    result = response.json()
    assert [r["status"] for r in result["results"]] == ["created", "invalid", "created", "invalid", "created"]
    assert (result["created"], result["invalid"]) == (3, 2)
    assert result["results"][1]["errors"][0]["path"] == "trust_police"
    assert count(engine, Submission) == 3


def test_interrupted_batch_resent_creates_no_duplicate(client, versions, enumerator, engine):
    batch = [interview("victimization", versions["victimization"]) for _ in range(6)]
    # The first half reached the server before the connection dropped.
    client.post(f"{URL}/batch", json={"submissions": batch[:3]}, headers=enumerator.headers)
    response = client.post(f"{URL}/batch", json={"submissions": batch}, headers=enumerator.headers)
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["duplicate"] * 3 + ["created"] * 3
    assert count(engine, Submission) == 6


def test_batch_flags_conflicts_and_repeats_inside_one_batch(client, versions, enumerator, engine):
    same_id = str(uuid.uuid4())
    first = interview("perception", versions["perception"], instance_id=same_id)
    changed = interview("perception", versions["perception"], instance_id=same_id, trust_police="a_lot")
    response = client.post(f"{URL}/batch", json={"submissions": [first, first, changed]}, headers=enumerator.headers)
    assert [r["status"] for r in response.json()["results"]] == ["created", "duplicate", "conflict"]
    assert count(engine, Submission) == 1


def test_batch_is_capped_at_500(client, versions, enumerator):
    body = {"submissions": [{}] * 501}
    response = client.post(f"{URL}/batch", json=body, headers=enumerator.headers)
    assert response.status_code == 422


def test_edit_creates_a_revision_and_keeps_the_previous_answers(client, versions, enumerator, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    changed = {**body["answers"], "trust_police": "a_lot"}
    response = client.put(f"{URL}/{body['instance_id']}", json={"answers": changed, "reason": "respondent corrected"},
                          headers=enumerator.headers)
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 2
    assert response.json()["answers"]["trust_police"] == "a_lot"
    history = client.get(f"{URL}/{body['instance_id']}/revisions", headers=enumerator.headers).json()
    assert [(h["revision"], h["answers"]["trust_police"]) for h in history] == [(1, "little"), (2, "a_lot")]
    assert history[1]["reason"] == "respondent corrected"
    assert history[1]["author"] == enumerator.user.username


def test_invalid_edit_changes_nothing(client, versions, enumerator, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    response = client.put(f"{URL}/{body['instance_id']}",
                          json={"answers": {**body["answers"], "trust_police": "maybe"}, "reason": "typo"},
                          headers=enumerator.headers)
    assert response.status_code == 422
    assert count(engine, SubmissionRevision) == 1


def test_an_edit_reason_or_review_comment_with_a_nul_character_is_refused_by_field(client, versions, enumerator,
                                                                                   make_account, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    edit = client.put(f"{URL}/{body['instance_id']}", json={"answers": body["answers"], "reason": "ty\u0000po"},
                      headers=enumerator.headers)
    review = client.post(f"{URL}/{body['instance_id']}/review", json={"action": "return", "comment": "Q5\u0000"},
                         headers=make_account("supervisor").headers)
    assert [e["loc"] for e in edit.json()["errors"]] == [["body", "reason"]]
    assert [e["loc"] for e in review.json()["errors"]] == [["body", "comment"]]
    assert count(engine, SubmissionRevision) == 1
    assert client.get(f"{URL}/{body['instance_id']}", headers=enumerator.headers).json()["review_status"] == "received"


def test_enumerators_read_only_their_own_interviews(client, versions, enumerator, make_account):
    other = make_account("enumerator")
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    assert client.get(f"{URL}/{body['instance_id']}", headers=enumerator.headers).status_code == 200
    assert client.get(f"{URL}/{body['instance_id']}", headers=other.headers).status_code == 404
    assert client.get(URL, headers=other.headers).json()["total"] == 0
    assert client.get(URL, headers=enumerator.headers).json()["total"] == 1


def test_sensitive_answers_are_withheld_from_roles_without_access(client, versions, enumerator, make_account):
    body = interview("vawg", versions["vawg"])
    assert client.post(URL, json=body, headers=enumerator.headers).status_code == 201
    plain = make_account("supervisor")
    granted = make_account("supervisor", sensitive_access=True)
    hidden = client.get(f"{URL}/{body['instance_id']}", headers=plain.headers).json()
    shown = client.get(f"{URL}/{body['instance_id']}", headers=granted.headers).json()
    assert "ipv_physical_slapped_ever" not in hidden["answers"]
    assert "ipv_physical_slapped_ever" in hidden["withheld"]
    assert shown["answers"]["ipv_physical_slapped_ever"] == "yes"
    assert shown["withheld"] == []
    assert hidden["answers"]["privacy_check"] == "private"


def test_every_read_of_an_interview_is_audited(client, versions, enumerator, make_account, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    supervisor = make_account("supervisor")
    client.get(f"{URL}/{body['instance_id']}", headers=supervisor.headers)
    client.get(URL, headers=supervisor.headers)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.actor_id == supervisor.user.id)).all()
    assert {e.action for e in events} == {"submission.read", "submission.list"}
    listed = next(e for e in events if e.action == "submission.list")
    assert listed.detail["instance_ids"] == [body["instance_id"]]


def test_review_return_then_resubmit_then_approve(client, versions, enumerator, make_account):
    supervisor = make_account("supervisor")
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    iid = body["instance_id"]
    no_comment = client.post(f"{URL}/{iid}/review", json={"action": "return"}, headers=supervisor.headers)
    assert no_comment.status_code == 422
    returned = client.post(f"{URL}/{iid}/review", json={"action": "return", "comment": "Check Q5"},
                           headers=supervisor.headers)
    assert returned.json()["review_status"] == "returned"
    fixed = client.put(f"{URL}/{iid}", json={"answers": {**body["answers"], "trust_judges": "none"},
                                             "reason": "rechecked Q5"}, headers=enumerator.headers)
    assert fixed.json()["review_status"] == "resubmitted"
    approved = client.post(f"{URL}/{iid}/review", json={"action": "approve"}, headers=supervisor.headers)
    assert approved.json()["review_status"] == "approved"
    locked = client.put(f"{URL}/{iid}", json={"answers": body["answers"], "reason": "late change"},
                        headers=enumerator.headers)
    assert locked.status_code == 409
    assert client.get(f"{URL}?review_status=approved", headers=supervisor.headers).json()["total"] == 1


def test_enumerators_cannot_review(client, versions, enumerator):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    response = client.post(f"{URL}/{body['instance_id']}/review", json={"action": "approve"}, headers=enumerator.headers)
    assert response.status_code == 403


def test_soft_delete_hides_and_admin_restores(client, versions, enumerator, make_account, engine):
    supervisor, admin = make_account("supervisor"), make_account("admin")
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    iid = body["instance_id"]
    assert client.delete(f"{URL}/{iid}", headers=supervisor.headers).status_code == 204
    assert client.get(f"{URL}/{iid}", headers=supervisor.headers).status_code == 404
    assert client.get(URL, headers=supervisor.headers).json()["total"] == 0
    assert count(engine, Submission) == 1  # still stored
    assert client.post(f"{URL}/{iid}/restore", headers=supervisor.headers).status_code == 403
    restored = client.post(f"{URL}/{iid}/restore", headers=admin.headers)
    assert restored.status_code == 200 and restored.json()["deleted"] is False
    assert client.get(f"{URL}/{iid}", headers=supervisor.headers).status_code == 200


def test_personal_identifiers_need_permission_and_are_audited(client, versions, enumerator, make_account, engine):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    iid = body["instance_id"]
    assert client.get(f"{URL}/{iid}/personal", headers=enumerator.headers).status_code == 403
    supervisor = make_account("supervisor")
    response = client.get(f"{URL}/{iid}/personal", headers=supervisor.headers)
    assert response.status_code == 200
    assert response.json()["gps"]["latitude"] == -12.0464
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "submission.read_personal" in actions


def test_openrosa_style_instance_ids_name_the_same_interview(client, versions, enumerator):
    body = interview("perception", versions["perception"])
    client.post(URL, json=body, headers=enumerator.headers)
    response = client.get(f"{URL}/uuid:{body['instance_id'].upper()}", headers=enumerator.headers)
    assert response.status_code == 200


def test_roster_names_are_kept_apart_from_answers(client, versions, enumerator, make_account, engine):
    body = interview("victimization", versions["victimization"])
    client.post(URL, json=body, headers=enumerator.headers)
    with Session(engine) as session:
        revision = session.exec(select(SubmissionRevision)).one()
        personal = session.get(SubmissionPersonal, revision.id)
    assert all("member_name" not in member for member in revision.answers["members"])
    assert personal.data["members[0].member_name"] == "Rosa"
    shown = client.get(f"{URL}/{body['instance_id']}", headers=make_account("supervisor").headers).json()
    assert "Rosa" not in str(shown)
