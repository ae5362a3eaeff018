"""How a batch stores its interviews: each row with its own interview, a concurrent upload of the
same interviews met one at a time, and a value the database cannot hold refusing only its interview."""

import json

import pytest
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from sqlmodel import Session, select

from api.openapi_bodies import parse_body
from api.submissions import repository
from api.submissions.bodies import batch_items
from api.submissions.schemas import BatchIn, UnreadableItem
from api.submissions.models import Submission, SubmissionPersonal, SubmissionRevision
from tests.api.submission_data import interview, publish_bundled
from tests.databases import before_insert_trigger

BATCH = "/api/v1/submissions/batch"


@pytest.fixture
def versions(engine):
    return publish_bundled(engine, "perception", "victimization")


@pytest.fixture
def enumerator(make_account):
    return make_account("enumerator")


def stored(engine) -> dict[str, tuple[Submission, SubmissionRevision, SubmissionPersonal | None]]:
    with Session(engine) as session:
        rows = session.exec(select(Submission, SubmissionRevision)
                            .where(SubmissionRevision.submission_id == Submission.id)).all()
        return {s.instance_id: (s, r, session.get(SubmissionPersonal, r.id)) for s, r in rows}


def test_each_interview_of_a_batch_gets_its_own_revision_and_personal_row(client, versions, enumerator, engine):
    items = []
    for index in range(7):
        item = interview("victimization" if index % 2 else "perception",
                         versions["victimization" if index % 2 else "perception"])
        item["paradata"]["gps"] = None if index == 3 else {"latitude": -12.0 - index, "longitude": -77.0 + index}
        item["paradata"]["device_id"] = f"tablet-{index}"
        item["paradata"]["started_at"] = f"2026-11-21T10:0{index}:00-05:00"
        items.append(item)
    response = client.post(BATCH, json={"submissions": items}, headers=enumerator.headers)
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 7
    rows = stored(engine)
    for index, item in enumerate(items):
        submission, revision, personal = rows[item["instance_id"]]
        assert submission.device_id == f"tablet-{index}"
        assert (submission.started_at.hour, submission.started_at.minute) == (15, index)
        assert submission.instrument_version_id and ("incidents" in revision.answers) == bool(index % 2)
        assert revision.revision == 1 and revision.content_hash == submission.content_hash
        assert f'"device_id":"tablet-{index}"' in revision.payload
        if index == 3:
            assert personal is None or personal.latitude is None
        else:
            assert (personal.latitude, personal.longitude) == (-12.0 - index, -77.0 + index)


def test_interviews_stored_meanwhile_by_another_upload_are_duplicates_or_conflicts(
        client, versions, enumerator, engine, monkeypatch):
    earlier = [interview("perception", versions["perception"]) for _ in range(2)]
    client.post(BATCH, json={"submissions": earlier}, headers=enumerator.headers)
    changed = {**earlier[1], "answers": {**earlier[1]["answers"], "trust_police": "a_lot"}}
    new = interview("perception", versions["perception"])
    # The batch reads no stored interview, as when a concurrent upload commits them just after the read:
    # its insert then meets the unique instance ids and each interview is taken in on its own.
    monkeypatch.setattr(repository, "content_hashes", lambda session, instance_ids: {})
    response = client.post(BATCH, json={"submissions": [new, earlier[0], changed]}, headers=enumerator.headers)
    assert [r["status"] for r in response.json()["results"]] == ["created", "duplicate", "conflict"]
    rows = stored(engine)
    assert len(rows) == 3
    assert rows[earlier[1]["instance_id"]][1].answers["trust_police"] == earlier[1]["answers"]["trust_police"]
    assert rows[new["instance_id"]][2] is not None


@pytest.mark.parametrize("body", [
    b"not json", b'{"submissions": [{"a": 1}]', b"[]", b"{}", b'{"submissions": {}}', b'{"submissions": null}',
    b'{"submissions": [' + b",".join([b"{}"] * 501) + b"]}",
    b'{"submissions": [{"a": ' + b"[" * 250 + b"]" * 250 + b"}]}",
    b'{"other": ' + b"[" * 250 + b"]" * 250 + b', "submissions": [{"a": 1}]}',
])
def test_a_malformed_batch_body_gets_the_errors_of_the_declared_body(client, enumerator, body):
    with pytest.raises(RequestValidationError) as declared:
        parse_body(BatchIn, body)
    response = client.post(BATCH, content=body, headers={**enumerator.headers, "content-type": "application/json"})
    assert response.status_code == 422
    expected = [(list(e["loc"]), e["type"], e["msg"]) for e in declared.value.errors()]
    assert [(e["loc"], e["type"], e["msg"]) for e in response.json()["errors"]] == expected


@pytest.mark.parametrize("stray", ["3", "null", '"text"', "[]", "[{}]", "NaN"])
def test_a_value_that_is_no_interview_refuses_only_itself(client, versions, enumerator, engine, stray):
    good = [interview("perception", versions["perception"]) for _ in range(2)]
    body = f'{{"submissions": [{json.dumps(good[0])}, {stray}, {json.dumps(good[1])}]}}'.encode()
    headers = {**enumerator.headers, "content-type": "application/json"}
    for expected in (["created", "invalid", "created"], ["duplicate", "invalid", "duplicate"]):  # then resent
        response = client.post(BATCH, content=body, headers=headers)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["status"] for r in results] == expected
        assert results[1]["instance_id"] is None
        assert [(e["loc"], e["type"]) for e in results[1]["errors"]] == [([], "model_type")]
        assert response.json()["invalid"] == 1
    assert set(stored(engine)) == {item["instance_id"] for item in good}


def test_an_interview_with_half_a_character_refuses_only_itself(client, versions, enumerator, engine):
    # JSON allows a lone UTF-16 surrogate (a device cut "\ud83d\ude00" in two); pydantic's and msgspec's
    # parsers refuse the whole body for it, which a device would resend for ever.
    good = [interview("perception", versions["perception"]) for _ in range(2)]
    cut = [json.dumps(interview("perception", versions["perception"])) for _ in range(2)]
    cut[0] = cut[0].replace('"device_id": "', '"device_id": "\\ud83d', 1)
    cut[1] = cut[1].replace('"trust_police"', '"\\ude00trust"', 1)
    body = f'{{"submissions": [{json.dumps(good[0])}, {cut[0]}, {json.dumps(good[1])}, {cut[1]}]}}'.encode()
    headers = {**enumerator.headers, "content-type": "application/json"}
    for expected in (["created", "invalid", "created", "invalid"], ["duplicate", "invalid", "duplicate", "invalid"]):
        response = client.post(BATCH, content=body, headers=headers)
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["status"] for r in results] == expected
        assert [(e["loc"], e["type"]) for e in results[1]["errors"]] == [(["paradata", "device_id"], "lone_surrogate")]
        assert [(e["loc"], e["type"]) for e in results[3]["errors"]] == [(["answers"], "lone_surrogate")]
        assert results[1]["instance_id"] == json.loads(cut[0])["instance_id"]
    assert set(stored(engine)) == {item["instance_id"] for item in good}


def test_a_single_interview_with_half_a_character_is_told_where(client, versions, enumerator, engine):
    """Refused as a whole by the parsers with the position in the body only; now with each place, as in a batch."""
    body = json.dumps(interview("perception", versions["perception"]))
    cut = body.replace('"device_id": "', '"device_id": "\\ud83d', 1).replace('"trust_police"', '"\\ude00trust"', 1)
    response = client.post("/api/v1/submissions", content=cut.encode(),
                           headers={**enumerator.headers, "content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert [(e["loc"], e["type"]) for e in response.json()["errors"]] == [
        (["body", "answers"], "lone_surrogate"), (["body", "paradata", "device_id"], "lone_surrogate")]
    assert stored(engine) == {}
    # Any other unreadable body keeps the parser's own error.
    broken = client.post("/api/v1/submissions", content=body[:-1].encode(),
                         headers={**enumerator.headers, "content-type": "application/json"})
    assert [e["type"] for e in broken.json()["errors"]] == ["json_invalid"]


def test_half_a_character_in_a_name_and_its_value_is_reported_in_text():
    (first, text), (second, _) = batch_items(b'{"submissions": [{"k\\udc00": "\\ud800"}, {"a": 1}]}')
    assert isinstance(first, UnreadableItem) and text == "" and second == {"a": 1}
    assert [error["loc"] for error in first.errors] == [[], ["k\\udc00"]]  # the name shown escaped
    json.dumps(first.errors, ensure_ascii=False).encode("utf-8")  # a reply can hold them


def test_a_body_with_half_a_character_nested_beyond_the_limit_gets_the_declared_error():
    body = b'{"submissions": [{"a": "\\ud83d"}, {"b": ' + b"[" * 150 + b"]" * 150 + b"}]}"
    with pytest.raises(RequestValidationError) as declared:
        parse_body(BatchIn, body)
    with pytest.raises(RequestValidationError) as read:
        batch_items(body)
    assert read.value.errors() == declared.value.errors()


@pytest.mark.parametrize("body", [
    # msgspec refuses NaN and infinity: the body goes the declared way, each text written compact
    b'{"x": NaN, "submissions": [{"a": 1, "b": [1e999, -0.0, 123456789012345678901234567890], "a": {"c": NaN}},'
    b' {"s": "\\ud83d\\ude00\\u0000"}, {}]}',
    # msgspec reads it: each text is the body's slice
    b'{"x": [1, {}], "submissions": [{"a": 1, "b": [1e300, -0.0, 123456789012345678901234567890, 0.1, 2.5e-7],'
    b' "a": {"c": null}}, {"s": "\\ud83d\\ude00\\u0000 \\u00f1 \xc3\xb1"} , {}], "submissions": [{"k": true}]}',
    # nested deeper than msgspec's reading is trusted to match the declared one: declared
    b'{"submissions": [{"a": ' + b"[" * 150 + b"]" * 150 + b"}]}",
    b'{"other": ' + b"[" * 150 + b"]" * 150 + b', "submissions": [{"a": 1}]}',
    # values that are no interview are read as they are (each is then refused on its own)
    b'{"submissions": [{}, [], 3, null, "x", 2.5, true]}',
    b'{"submissions": [{}, [NaN], 3]}',
])
def test_a_batch_body_is_read_as_the_declared_body_reads_it(body):
    read, declared = batch_items(body), parse_body(BatchIn, body).submissions
    assert repr([item for item, _ in read]) == repr(declared)
    assert [type(item) for item, _ in read] == [type(item) for item in declared]
    assert ([list(item) for item, _ in read if isinstance(item, dict)]
            == [list(item) for item in declared if isinstance(item, dict)])
    for item, text in read:
        assert json.loads(text) == item or "NaN" in text or "Infinity" in text


def test_each_interview_of_a_batch_keeps_its_text_as_it_came(client, versions, enumerator, engine):
    items = [interview("victimization", versions["victimization"]) for _ in range(2)]
    texts = [json.dumps(item, indent=1) for item in items]  # as a device might write them
    body = '{"submissions": [' + ", ".join(texts) + "]}"
    assert [text for _, text in batch_items(body.encode())] == texts
    response = client.post(BATCH, content=body, headers={**enumerator.headers, "content-type": "application/json"})
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 2
    rows = stored(engine)
    assert [rows[item["instance_id"]][1].payload for item in items] == texts


def _stored_text(engine, instance_id: str) -> tuple:
    """An interview's three rows as the database holds them (JSON and times as stored text), without
    what differs between two interviews by design: ids, instance id, received and written times."""
    with Session(engine) as session:
        return session.execute(text(
            "SELECT s.instrument_version_id, s.enumerator_id, s.assignment_id, s.current_revision, s.content_hash,"
            " s.source, s.review_status, CAST(s.started_at AS TEXT), CAST(s.ended_at AS TEXT), s.duration_seconds,"
            " s.device_id, r.revision, CAST(r.answers AS TEXT), r.payload, r.payload_format, r.content_hash,"
            " r.author_id, CAST(p.data AS TEXT), p.latitude, p.longitude, p.gps_accuracy"
            " FROM submission s JOIN submission_revision r ON r.submission_id = s.id"
            " LEFT JOIN submission_personal p ON p.revision_id = r.id WHERE s.instance_id = :instance_id"),
            {"instance_id": instance_id}).one()


def test_a_batch_stores_each_interview_as_the_single_endpoint_stores_it(client, versions, enumerator, engine):
    # The single endpoint binds its rows through SQLAlchemy's statements; the batch binds them itself.
    item = interview("victimization", versions["victimization"])
    item["paradata"]["gps"]["accuracy"] = None
    assert client.post("/api/v1/submissions", json=item, headers=enumerator.headers).status_code == 201
    expected = _stored_text(engine, item["instance_id"])
    with Session(engine) as session:  # the same interview again, now through the batch
        session.execute(text("DELETE FROM submission WHERE instance_id = :i"), {"i": item["instance_id"]})
        session.commit()
    response = client.post(BATCH, json={"submissions": [item]}, headers=enumerator.headers)
    assert [r["status"] for r in response.json()["results"]] == ["created"]
    assert _stored_text(engine, item["instance_id"]) == expected
    assert expected[17] is not None and expected[12].startswith('{"start": ')  # personal row, json.dumps's text


# Values the database cannot hold (PostgreSQL: NUL in text, an integer beyond its `integer`; both: a time
# beyond the year 9999 in UTC) or that JSON cannot mean (an infinite accuracy, read from 1e999).
UNSTORABLE = {
    "NUL in the device id": ('"device_id": "bench"', '"device_id": "tab\\u0000let"', ["paradata", "device_id"]),
    "NUL in the form id": ('"form_id": "sinmiedo_perception"', '"form_id": "sinmiedo_\\u0000perception"',
                           ["instrument", "form_id"]),
    "start before year 1 in UTC": ('"started_at": "2026-11-21T10:02:00-05:00"',
                                   '"started_at": "0001-01-01T00:00:00+14:00"',
                                   ["paradata", "started_at"]),
    "end after 9999 in UTC": ('"ended_at": "2026-11-21T10:31:00-05:00"', '"ended_at": "9999-12-31T23:59:59-14:00"',
                              ["paradata", "ended_at"]),
    "assignment id beyond any id": ('"assignment_id": null', '"assignment_id": 100000000000000000000',
                                    ["assignment_id"]),
    "infinite GPS accuracy": ('"accuracy": 5.0', '"accuracy": 1e999', ["paradata", "gps", "accuracy"]),
}


def _unstorable_text(versions, case: str) -> tuple[dict, str]:
    found, replacement, _ = UNSTORABLE[case]
    body = interview("perception", versions["perception"])
    body["paradata"].update(device_id="bench", gps={"latitude": -12.0, "longitude": -77.0, "accuracy": 5.0})
    body["assignment_id"] = None
    text = json.dumps(body)
    assert found in text
    return body, text.replace(found, replacement)


@pytest.mark.parametrize("case", sorted(UNSTORABLE))
def test_a_value_the_database_cannot_hold_refuses_only_its_interview(client, versions, enumerator, engine, case):
    bad, bad_text = _unstorable_text(versions, case)
    good = [interview("perception", versions["perception"]) for _ in range(2)]
    body = f'{{"submissions": [{json.dumps(good[0])}, {bad_text}, {json.dumps(good[1])}]}}'
    headers = {**enumerator.headers, "content-type": "application/json"}

    response = client.post(BATCH, content=body, headers=headers)

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert [error["loc"] for error in results[1]["errors"]] == [UNSTORABLE[case][2]]
    single = client.post("/api/v1/submissions", content=bad_text, headers=headers)
    assert single.status_code == 422, single.text
    assert [error["loc"] for error in single.json()["errors"]] == [["body", *UNSTORABLE[case][2]]]
    assert set(stored(engine)) == {item["instance_id"] for item in good}


def refused_by_the_database(engine, device_id: str):
    """PostgreSQL refuses (a data exception, SQLSTATE 22023) any submission row from this device: a value
    no schema foresaw, as a new column's limit might be."""
    return before_insert_trigger(engine, "submission", f"""
        IF NEW.device_id = '{device_id}' THEN
          RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023';
        END IF;
        RETURN NEW;""")


def test_a_value_the_database_refuses_while_storing_refuses_only_its_interview(client, versions, enumerator,
                                                                               engine, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a data exception raised by a trigger: PostgreSQL only")
    items = [interview("perception", versions["perception"]) for _ in range(3)]
    items[1]["paradata"]["device_id"] = "refused-tablet"
    with refused_by_the_database(engine, "refused-tablet"):
        response = client.post(BATCH, json={"submissions": items}, headers=enumerator.headers)
        again = client.post(BATCH, json={"submissions": items}, headers=enumerator.headers)

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert [error["type"] for error in results[1]["errors"]] == ["unstorable_value"]
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "invalid", "duplicate"]
    assert set(stored(engine)) == {items[0]["instance_id"], items[2]["instance_id"]}
