"""Row-level rules beyond those in tests/api/test_submissions.py and test_fieldwork_collection.py:
another enumerator's interview is invisible through every route that names it, and sensitive
answers stay withheld in an interview's revision history too."""

import pytest

from tests.api.submission_data import interview, publish_bundled

URL = "/api/v1/submissions"


@pytest.fixture
def versions(engine):
    return publish_bundled(engine, "perception", "vawg")


@pytest.fixture
def enumerator(make_account):
    return make_account("enumerator", vawg_certified=True, sex="female")


def test_another_enumerators_interview_cannot_be_read_edited_or_traced(client, versions, enumerator, make_account):
    body = interview("perception", versions["perception"])
    assert client.post(URL, json=body, headers=enumerator.headers).status_code == 201
    other = make_account("enumerator")
    item = f"{URL}/{body['instance_id']}"
    assert client.get(f"{item}/revisions", headers=other.headers).status_code == 404
    changed = {**body["answers"], "trust_police": "a_lot"}
    edit = client.put(item, json={"answers": changed, "reason": "not mine"}, headers=other.headers)
    assert edit.status_code == 404
    history = client.get(f"{item}/revisions", headers=enumerator.headers).json()
    assert [h["revision"] for h in history] == [1]


def test_revisions_withhold_sensitive_answers_from_roles_without_access(client, versions, enumerator, make_account):
    body = interview("vawg", versions["vawg"])
    assert client.post(URL, json=body, headers=enumerator.headers).status_code == 201
    plain = make_account("supervisor")
    granted = make_account("supervisor", sensitive_access=True)
    revisions = f"{URL}/{body['instance_id']}/revisions"
    [hidden] = client.get(revisions, headers=plain.headers).json()
    [shown] = client.get(revisions, headers=granted.headers).json()
    assert "ipv_physical_slapped_ever" not in hidden["answers"]
    assert shown["answers"]["ipv_physical_slapped_ever"] == "yes"
