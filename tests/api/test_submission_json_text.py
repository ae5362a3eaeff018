"""Interviews' JSON text and content hashes are byte for byte what json.dumps wrote before msgspec did
the writing: stored hashes must keep matching resends."""

import json
import math
import random
import struct

import pytest
from sqlmodel import Session, select

from api.json_text import column_json, column_value, compact_json
from api.submissions.models import Submission, SubmissionRevision
from api.submissions.schemas import SubmissionCreate
from api.submissions.service import canonical_hash, interview_hash
from tests.api.submission_data import interview, publish_bundled


def stdlib(value, sort_keys=False) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys).encode("utf-8")


def awkward_floats() -> list[float]:
    """Every decimal magnitude, both signs, the float edges and random bit patterns."""
    floats = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, 150.5,
              1e-4, 1e-5, 0.00012, 1e15, 1e16, 9999999999999998.0, 123456789012345678.0]
    for exponent in range(-323, 308):
        floats += [mantissa * 10.0**exponent for mantissa in (1.0, 1.5, 9.999, -1.2345678901234567)]
    generator = random.Random(4)
    for _ in range(20_000):
        value = struct.unpack("d", struct.pack("Q", generator.getrandbits(64)))[0]
        if value == value:
            floats.append(value)
    floats += [float("nan"), float("inf"), float("-inf")]
    return floats


@pytest.mark.parametrize("sort_keys", [False, True])
def test_floats_are_written_as_json_dumps_writes_them(sort_keys):
    for value in awkward_floats():
        for wrapped in (value, [value], {"k": value}, {"b": [1, "x", value], "a": {"n": value}}):
            assert compact_json(wrapped, sort_keys=sort_keys) == stdlib(wrapped, sort_keys), repr(wrapped)


def test_every_character_and_escape_is_written_as_json_dumps_writes_it():
    text = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    assert compact_json(text) == stdlib(text)
    for code in range(0x800):
        if not 0xD800 <= code <= 0xDFFF:
            assert compact_json({chr(code): chr(code)}) == stdlib({chr(code): chr(code)})


def test_keys_sort_by_code_point_as_json_dumps_sorts_them():
    keys = ["b", "a", "B", "é", "e", "ä", "中", "😀", "\uffff", "\U00010000", "\ue000", "a1", "", "_", "ab"]
    generator = random.Random(7)
    for _ in range(200):
        shuffled = generator.sample(keys, len(keys))
        value = {key: {inner: index for index, inner in enumerate(shuffled)} for key in shuffled}
        assert compact_json(value, sort_keys=True) == stdlib(value, sort_keys=True)
        assert compact_json(value) == stdlib(value)


def test_integers_of_any_size_nulls_and_strings_that_look_like_numbers():
    for value in (2**63, -(2**63) - 1, 2**64, 10**400, -(10**30), None, True, False, [], {}, [[]],
                  {"a": None}, "1e5", "a,1e5", "[0.00001", "uuid 4b7a-9e08-3e1d", ",-12e-3"):
        assert compact_json(value) == stdlib(value)
        assert compact_json({"v": [value]}, sort_keys=True) == stdlib({"v": [value]}, sort_keys=True)
        assert compact_json({"v": [value]}, finite=True) == stdlib({"v": [value]})


def test_finite_values_with_nulls_are_written_as_json_dumps_writes_them():
    for value in awkward_floats()[:-3]:  # all but NaN and the infinities
        wrapped = {"b": [None, value], "a": {"n": value, "m": None}}
        assert compact_json(wrapped, sort_keys=True, finite=True) == stdlib(wrapped, sort_keys=True), repr(wrapped)


def test_column_text_is_json_dumps_text_with_its_defaults_and_no_nan_or_infinity():
    for value in awkward_floats():
        for text in ("x, y: z", "x, ñ: NaN", "Infinity"):  # ASCII or not (json.dumps writes it), the words too
            wrapped = {"b": [1, text, value, None], "a": {"n": value}, "e": [], "f": {}}
            finite = value if math.isfinite(value) else None
            expected = json.dumps({"b": [1, text, finite, None], "a": {"n": finite}, "e": [], "f": {}})
            assert column_json(wrapped) == expected, repr(wrapped)
            assert json.loads(expected, parse_constant=pytest.fail) is not None  # JSON, as PostgreSQL reads it
    for code in range(0x800):  # every ASCII character (DEL too), the escapes, and some that are not ASCII
        if not 0xD800 <= code <= 0xDFFF:
            assert column_json({chr(code): [chr(code), f"a{chr(code)}b"]}) == json.dumps({chr(code): [chr(code), f"a{chr(code)}b"]})
    for value in (2**64, -(10**30), None, True, [[]], {"a": None}, "😀", {"z": 1, "a": {"y": [], "b": 2}}):
        assert column_json(value) == json.dumps(value)
    with pytest.raises(TypeError):
        column_json({"a": object()})


def test_column_values_are_read_as_json_loads_reads_them():
    texts = [column_json(value) for value in awkward_floats()[:2000]]
    texts += [json.dumps({chr(code): f"a{chr(code)}b"}) for code in range(0x800)]  # escapes, lone surrogates too
    texts += ["123456789012345678901234567890", '{"a": 1, "a": 2}', "1e400", "-1e400", '"\\ud83d"', "-0.0",
              '{"z": 1, "a": [true, null, {}]}', '"\\u00f1 \\n"']
    for text in texts:
        read, expected = column_value(text), json.loads(text)
        assert repr(read) == repr(expected) and list(_keys(read)) == list(_keys(expected)), text  # order kept
    with pytest.raises(ValueError):
        column_value("{not json")


def _keys(value):
    return value.keys() if isinstance(value, dict) else ()


def test_json_columns_are_read_through_column_value_on_both_databases(engine, monkeypatch):
    """A value no parser but Python's reads (a lone surrogate) round-trips through a JSON column."""
    import api.json_text
    calls = []
    monkeypatch.setattr(api.json_text, "_DECODER", _Counting(api.json_text._DECODER, calls))
    from api.audit.models import AuditEvent
    with Session(engine) as session:
        event = AuditEvent(action="test.read", resource_type="t", resource_id="1", detail={"name": "\ud83d", "n": 2**70})
        session.add(event)
        session.commit()
        event_id = event.id
    with Session(engine) as session:
        detail = session.get(AuditEvent, event_id).detail
    assert detail == {"name": "\ud83d", "n": 2**70} and calls  # read by the engine's deserializer


class _Counting:
    def __init__(self, decoder, calls):
        self.decoder, self.calls = decoder, calls

    def decode(self, text):
        self.calls.append(text)
        return self.decoder.decode(text)


def original_hash(item: dict) -> str:
    """The content hash as `prepare` computed it before `interview_hash`."""
    data = SubmissionCreate.model_validate(item)
    return canonical_hash({"form_id": data.instrument.form_id, "version": data.instrument.version,
                           "answers": data.answers, "paradata": data.paradata.model_dump(mode="json"),
                           "assignment_id": data.assignment_id})


def awkward_interview(version: str, **changes) -> dict:
    body = interview("victimization", version)
    body["answers"]["incidents"][0]["incident_cost"] = 0.00001
    body["answers"]["incidents"][1]["incident_cost"] = 1e16
    body["answers"]["members"][0]["member_name"] = "Rosa Quispe Ñaupari \"la tía\"\n😀"
    body["paradata"]["device_id"] = "tablet-ñ"
    return {**body, **changes}


def test_interview_hash_is_the_canonical_hash_of_the_content():
    items = [awkward_interview("1"), awkward_interview("2", assignment_id=7), interview("perception", "1")]
    items[2]["paradata"]["gps"] = None
    items.append({**interview("victimization", "3"), "answers": {"x": float("nan"), "y": [1e-7, {"z": 2**70}]}})
    # The GPS floats, the only ones beside the answers (finite: GPS refuses others): an exponent, none at all.
    for gps in ({"latitude": 1e-05, "longitude": -1e-7, "accuracy": 5.0},
                {"latitude": -0.0, "longitude": 179.99999999999997, "accuracy": 1e16},
                {"latitude": 1.5, "longitude": 2.5, "accuracy": None}):
        item = interview("perception", "1", instance_id=None)
        item["paradata"]["gps"] = gps
        items.append({**item, "assignment_id": 2**31 - 1})
    for item in items:
        assert interview_hash(SubmissionCreate.model_validate(item)) == original_hash(item)


def test_batch_keeps_json_dumps_text_and_hash_of_each_interview(client, engine, make_account):
    version = publish_bundled(engine, "victimization")["victimization"]
    enumerator = make_account("enumerator")
    items = [awkward_interview(version), {**awkward_interview(version), "note": float("nan")},
             interview("victimization", version)]
    response = client.post("/api/v1/submissions/batch", content=json.dumps({"submissions": items}),
                           headers={**enumerator.headers, "content-type": "application/json"})
    assert [r["status"] for r in response.json()["results"]] == ["created"] * 3, response.text
    with Session(engine) as session:
        stored = {s.instance_id: (s, r) for s, r in session.exec(
            select(Submission, SubmissionRevision).where(SubmissionRevision.submission_id == Submission.id))}
    for item in items:
        submission, revision = stored[item["instance_id"]]
        assert revision.payload == json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        assert submission.content_hash == revision.content_hash == original_hash(item)
    assert "NaN" in stored[items[1]["instance_id"]][1].payload


def test_a_nan_answer_is_kept_as_sent_and_stored_as_null_on_both_databases(client, engine, make_account):
    version = publish_bundled(engine, "perception")["perception"]
    enumerator = make_account("enumerator")
    headers = {**enumerator.headers, "content-type": "application/json"}
    single, batched = interview("perception", version), interview("perception", version)
    # A calculation's value as a device sent it: XPath gives NaN for a number of nothing.
    texts = [json.dumps(body).replace('"member_selection_key": 0.81', '"member_selection_key": NaN')
             for body in (single, batched)]
    assert all("NaN" in text for text in texts)

    assert client.post("/api/v1/submissions", content=texts[0], headers=headers).status_code == 201
    response = client.post("/api/v1/submissions/batch", content=f'{{"submissions": [{texts[1]}]}}', headers=headers)
    assert [r["status"] for r in response.json()["results"]] == ["created"], response.text

    with Session(engine) as session:
        revisions = {s.instance_id: r for s, r in session.exec(
            select(Submission, SubmissionRevision).where(SubmissionRevision.submission_id == Submission.id))}
    for body in (single, batched):
        revision = revisions[body["instance_id"]]
        assert revision.answers["members"][0]["member_selection_key"] is None
        assert '"member_selection_key":NaN' in revision.payload.replace(" ", "")
        read = client.get(f"/api/v1/submissions/{body['instance_id']}", headers=enumerator.headers)
        assert read.json()["answers"]["members"][0]["member_selection_key"] is None
    # An edit's revision is written by the ORM, through the engine's serializer: the same text.
    edit = texts[0].replace('"answers": {', '"reason": "NaN kept", "answers": {', 1)
    assert client.put(f"/api/v1/submissions/{single['instance_id']}", content=edit, headers=headers).status_code == 200
    with Session(engine) as session:
        latest = session.exec(select(SubmissionRevision).where(SubmissionRevision.revision == 2)).one()
    assert latest.answers["members"][0]["member_selection_key"] is None
