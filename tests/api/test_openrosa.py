"""OpenRosa 1.0 as ODK Collect uses it: form list, download, HEAD/POST submission, dedupe, edits, auth."""

import hashlib
import uuid

import defusedxml.ElementTree as SafeET
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.app import create_app
from api.config import Settings
from api.instruments import service as instruments
from api.instruments.models import InstrumentVersion
from api.submissions.models import Submission, SubmissionAttachment, SubmissionRevision
from tests.api.collect import basic, instance_xml, multipart
from tests.api.submission_data import FORMS, publish_bundled
from tests.conftest import TEST_PASSWORD
from tests.databases import large_version_columns_read, statements_run

NS = {"x": "http://openrosa.org/xforms/xformsList"}


@pytest.fixture
def versions(engine):
    return publish_bundled(engine, "perception", "victimization", "vawg")


@pytest.fixture
def collector(make_account):
    return make_account("enumerator", username="collector", vawg_certified=True)


@pytest.fixture
def auth(collector):
    return basic("collector", TEST_PASSWORD)


def compiled(engine, form_id: str):
    with Session(engine) as session:
        row = session.exec(select(InstrumentVersion)).all()
        version = next(v for v in row if v.definition["settings"]["form_id"] == form_id)
        return instruments.compiled(version)


def xml_for(engine, name: str, instance_id: str | None = None, deprecated: str | None = None, **changes) -> bytes:
    form_id, answers = FORMS[name]
    return instance_xml(compiled(engine, form_id), {**answers, **changes}, instance_id or str(uuid.uuid4()), deprecated)


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def assert_openrosa(response):
    assert response.headers["x-openrosa-version"] == "1.0"
    assert "date" in response.headers


def test_form_list_leaves_the_versions_large_columns_unread(client, versions, auth, engine):
    """Devices ask for the form list at every sync: it read each published version's definition, source
    file and XForm (hundreds of kilobytes each) to list a name and a hash."""
    with statements_run(engine) as statements:
        assert client.get("/openrosa/formList", headers=auth).status_code == 200
    assert any("FROM instrument_version" in statement for statement in statements)
    assert large_version_columns_read(statements) == set()


def test_form_list_names_each_form_with_the_md5_of_the_exact_xform(client, versions, auth):
    response = client.get("/openrosa/formList", headers=auth)
    assert response.status_code == 200
    assert_openrosa(response)
    root = SafeET.fromstring(response.content)
    forms = {x.find("x:formID", NS).text: x for x in root.findall("x:xform", NS)}
    assert set(forms) == {"sinmiedo_perception", "sinmiedo_victimization", "sinmiedo_womens_health"}
    entry = forms["sinmiedo_perception"]
    download = client.get(entry.find("x:downloadUrl", NS).text, headers=auth)
    assert download.status_code == 200
    assert entry.find("x:hash", NS).text == "md5:" + hashlib.md5(download.content).hexdigest()
    manifest = client.get(entry.find("x:manifestUrl", NS).text, headers=auth)
    assert manifest.status_code == 200 and b"xformsManifest" in manifest.content


def test_form_list_with_a_form_id_lists_that_form_only(client, versions, auth, make_account):
    def listed(query: str, headers) -> list[str]:
        response = client.get(f"/openrosa/formList{query}", headers=headers)
        assert response.status_code == 200
        return [x.find("x:formID", NS).text for x in SafeET.fromstring(response.content).findall("x:xform", NS)]

    assert listed("?formID=sinmiedo_perception", auth) == ["sinmiedo_perception"]
    assert listed("?formID=sinmiedo_unknown", auth) == []
    assert listed("?formID=" + "x" * 5000, auth) == []  # any text: an OpenRosa answer, never a JSON 422
    assert len(listed("?deviceID=collect%3Aabc", auth)) == 3  # Collect's own query parameter changes nothing
    uncertified = basic(make_account("enumerator", username="nocert").user.username, TEST_PASSWORD)
    assert listed("?formID=sinmiedo_womens_health", uncertified) == []  # still only what the user may collect


def test_a_nul_in_the_url_gets_an_openrosa_answer_naming_where(client, versions, auth):
    response = client.get("/openrosa/formList?formID=sinmiedo%00perception", headers=auth)
    assert response.status_code == 422
    text = openrosa_message(response)
    assert "[validation_failed]" in text and "query.formID: must not contain the NUL character" in text


def openrosa_message(response) -> str:
    assert_openrosa(response)
    assert response.headers["content-type"].startswith("text/xml")
    return SafeET.fromstring(response.content).find("r:message", {"r": "http://openrosa.org/http/response"}).text


def test_a_submission_over_the_limit_is_an_openrosa_413_naming_the_size_collect_may_send(client, versions, auth,
                                                                                       settings):
    """The size limit answers before any route (from Content-Length alone): Collect needs the OpenRosa
    headers, the accepted length among them, to send the instance in smaller parts."""
    response = client.post("/openrosa/submission", content=b"x" * (settings.max_upload_bytes + 1),
                           headers={**auth, "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert response.headers["x-openrosa-accept-content-length"] == str(settings.max_upload_bytes)
    assert "[payload_too_large]" in openrosa_message(response)


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/openrosa/no-such-endpoint", 404, "not_found"),
    ("PUT", "/openrosa/submission", 405, "method_not_allowed"),
    ("GET", "/openrosa/formList?formID=a%00b", 422, "validation_failed"),
])
def test_errors_answered_before_or_outside_a_route_are_openrosa_messages(client, versions, auth, method, path,
                                                                         status, code):
    response = client.request(method, path, headers=auth)
    assert response.status_code == status
    assert f"[{code}]" in openrosa_message(response)


def test_an_unexpected_error_is_an_openrosa_500_without_its_message(client, versions, auth, monkeypatch):
    def fails(*_args, **_kwargs):
        raise RuntimeError(" ".join(["internal", "detail"]))

    monkeypatch.setattr("api.openrosa.service.listed_versions", fails)
    response = client.get("/openrosa/formList", headers=auth)
    assert response.status_code == 500
    text = openrosa_message(response)
    assert "[internal_error]" in text and "internal detail" not in text


def test_uncertified_enumerators_do_not_get_the_vawg_form(client, versions, make_account):
    make_account("enumerator", username="plain")
    root = SafeET.fromstring(client.get("/openrosa/formList", headers=basic("plain", TEST_PASSWORD)).content)
    assert "sinmiedo_womens_health" not in {x.find("x:formID", NS).text for x in root.findall("x:xform", NS)}


def test_missing_credentials_get_a_basic_challenge(client, versions):
    response = client.get("/openrosa/formList")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert_openrosa(response)
    assert b"OpenRosaResponse" in response.content


def test_wrong_password_is_401(client, versions, collector):
    response = client.get("/openrosa/formList", headers=basic("collector", "wrong-password"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")


def test_head_submission_announces_limits(client, versions, auth, settings):
    response = client.head("/openrosa/submission", headers=auth)
    assert response.status_code == 204
    assert_openrosa(response)
    assert response.headers["x-openrosa-accept-content-length"] == str(settings.max_upload_bytes)


def test_collect_submission_becomes_the_same_validated_record(client, versions, auth, engine):
    iid = str(uuid.uuid4())
    response = client.post("/openrosa/submission", headers=auth, **multipart(xml_for(engine, "victimization", iid)))
    assert response.status_code == 201, response.text
    assert_openrosa(response)
    assert b"submit_success" in response.content
    with Session(engine) as session:
        submission = session.exec(select(Submission)).one()
        revision = session.exec(select(SubmissionRevision)).one()
    assert submission.instance_id == iid and submission.source == "openrosa"
    assert revision.payload_format == "xml" and revision.payload.startswith("<?xml")
    expected = FORMS["victimization"][1]
    assert revision.answers["robbery_times"] == expected["robbery_times"]
    assert len(revision.answers["incidents"]) == 3
    assert revision.answers["incidents"][1]["incident_not_reported_reasons"] == ["waste_of_time", "distrust_authority"]
    assert submission.started_at is not None


def test_a_start_time_no_column_can_hold_is_left_unknown_and_the_interview_kept(client, versions, auth, engine):
    iid = str(uuid.uuid4())
    xml = xml_for(engine, "victimization", iid, start="0001-01-01T00:00:00+14:00")  # before year 1 in UTC
    response = client.post("/openrosa/submission", headers=auth, **multipart(xml))
    assert response.status_code == 201, response.text
    with Session(engine) as session:
        submission = session.exec(select(Submission)).one()
    assert submission.instance_id == iid
    assert submission.started_at is None and submission.duration_seconds is None


def test_identical_resend_adds_missing_attachments_without_duplicating(client, versions, auth, engine):
    iid = str(uuid.uuid4())
    xml = xml_for(engine, "perception", iid)
    first = client.post("/openrosa/submission", headers=auth,
                        **multipart(xml, ("photo1.jpg", b"\xff\xd8jpeg-1", "image/jpeg"), incomplete=True))
    second = client.post("/openrosa/submission", headers=auth,
                         **multipart(xml, ("photo2.jpg", b"\xff\xd8jpeg-2", "image/jpeg")))
    third = client.post("/openrosa/submission", headers=auth, **multipart(xml))
    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 201)
    assert count(engine, Submission) == 1 and count(engine, SubmissionRevision) == 1
    with Session(engine) as session:
        names = {a.name for a in session.exec(select(SubmissionAttachment))}
    assert names == {"photo1.jpg", "photo2.jpg"}


def test_different_xml_under_a_known_instance_id_is_409(client, versions, auth, engine):
    iid = str(uuid.uuid4())
    client.post("/openrosa/submission", headers=auth, **multipart(xml_for(engine, "perception", iid)))
    other = xml_for(engine, "perception", iid, trust_police="a_lot")
    response = client.post("/openrosa/submission", headers=auth, **multipart(other))
    assert response.status_code == 409
    assert_openrosa(response)
    assert b"instance_conflict" in response.content


def test_deprecated_id_creates_a_new_revision(client, versions, auth, engine):
    original, edited = str(uuid.uuid4()), str(uuid.uuid4())
    client.post("/openrosa/submission", headers=auth, **multipart(xml_for(engine, "perception", original)))
    edit = xml_for(engine, "perception", edited, deprecated=original, trust_police="a_lot")
    response = client.post("/openrosa/submission", headers=auth, **multipart(edit))
    assert response.status_code == 201, response.text
    again = client.post("/openrosa/submission", headers=auth, **multipart(edit))
    assert again.status_code == 201
    with Session(engine) as session:
        submission = session.exec(select(Submission)).one()
        revisions = session.exec(select(SubmissionRevision).order_by(SubmissionRevision.revision)).all()
    assert submission.instance_id == original and submission.current_revision == 2
    assert [r.answers["trust_police"] for r in revisions] == ["little", "a_lot"]
    assert revisions[1].instance_id == edited


def test_invalid_answers_are_422_with_the_paths(client, versions, auth, engine):
    response = client.post("/openrosa/submission", headers=auth,
                           **multipart(xml_for(engine, "perception", trust_police="maybe")))
    assert response.status_code == 422
    assert b"answers_invalid" in response.content
    assert count(engine, Submission) == 0


def test_entities_and_dtds_are_refused(client, versions, auth, engine):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<data id="sinmiedo_perception" version="2026.1">&lol2;</data>')
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<data id="sinmiedo_perception" version="2026.1"><consent>&x;</consent></data>')
    for payload in (bomb, xxe):
        response = client.post("/openrosa/submission", headers=auth, **multipart(payload))
        assert response.status_code == 422
        assert b"invalid_instance_xml" in response.content
    assert count(engine, Submission) == 0


def test_unknown_form_is_404(client, versions, auth):
    xml = b'<?xml version="1.0"?><data id="nope" version="1"><meta><instanceID>uuid:x</instanceID></meta></data>'
    response = client.post("/openrosa/submission", headers=auth, **multipart(xml))
    assert response.status_code == 404
    assert_openrosa(response)


def test_missing_xml_part_is_400(client, versions, auth):
    response = client.post("/openrosa/submission", headers=auth, files={"photo": ("p.jpg", b"x", "image/jpeg")})
    assert response.status_code == 400
    assert b"xml_part_missing" in response.content


def test_device_token_in_the_url_authenticates_until_revoked(client, versions, collector, make_account, engine):
    admin = make_account("admin")
    created = client.post(f"/api/v1/users/{collector.user.id}/device-tokens", json={"label": "tablet 07"},
                          headers=admin.headers)
    assert created.status_code == 201
    server = created.json()["collect_server_url"]
    path = server.split("://", 1)[1].split("/", 1)[1]
    listing = client.get(f"/{path}/formList")
    assert listing.status_code == 200
    root = SafeET.fromstring(listing.content)
    assert all(f"/{path}/forms/" in x.find("x:downloadUrl", NS).text for x in root.findall("x:xform", NS))
    response = client.post(f"/{path}/submission", **multipart(xml_for(engine, "perception")))
    assert response.status_code == 201
    revoked = client.delete(f"/api/v1/users/{collector.user.id}/device-tokens/{created.json()['id']}",
                            headers=admin.headers)
    assert revoked.status_code == 204
    assert client.get(f"/{path}/formList").status_code == 401


def test_vawg_submission_needs_certification(client, versions, make_account, engine):
    make_account("enumerator", username="plain")
    response = client.post("/openrosa/submission", headers=basic("plain", TEST_PASSWORD),
                           **multipart(xml_for(engine, "vawg")))
    assert response.status_code == 403
    assert b"vawg_certification_required" in response.content


def test_behind_a_proxy_the_public_url_starts_every_address_collect_is_given(settings, engine, versions, collector,
                                                                              make_account):
    public = "https://encuestas.example.org/sinmiedo"
    behind_proxy = Settings.model_validate({**settings.model_dump(), "public_url": public + "/"})
    with TestClient(create_app(behind_proxy, engine=engine)) as proxied:
        admin = make_account("admin")
        created = proxied.post(f"/api/v1/users/{collector.user.id}/device-tokens", json={"label": "tablet 07"},
                               headers=admin.headers)
        server = created.json()["collect_server_url"]
        assert server.startswith(f"{public}/openrosa/key/")
        for root, headers in ((f"{public}/openrosa", basic("collector", TEST_PASSWORD)), (server, {})):
            listing = proxied.get(root.removeprefix(public) + "/formList", headers=headers)
            assert listing.status_code == 200, listing.text
            entries = SafeET.fromstring(listing.content).findall("x:xform", NS)
            urls = [x.find(f"x:{kind}", NS).text for x in entries for kind in ("downloadUrl", "manifestUrl")]
            assert urls and all(url.startswith(f"{root}/forms/") for url in urls)
            # The proxy takes the prefix off: what it forwards is served.
            assert proxied.get(urls[0].removeprefix(public), headers=headers).status_code == 200


@pytest.mark.parametrize("value", ["encuestas.example.org", "ftp://example.org", "https://example.org/?a=1"])
def test_a_public_url_that_is_no_plain_http_address_is_refused(value):
    with pytest.raises(ValueError, match="SINMIEDO_PUBLIC_URL"):
        Settings(public_url=value)
