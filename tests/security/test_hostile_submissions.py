"""Hostile OpenRosa submissions: entities, DTDs, deep nesting, attachments past the announced limit.

Each is refused with a 4xx OpenRosa message and stores nothing.
"""

import pytest
from sqlmodel import Session, func, select

from api.config import Settings
from api.submissions.models import Submission, SubmissionAttachment
from tests.api.collect import basic, multipart
from tests.api.submission_data import publish_bundled
from tests.api.test_openrosa import xml_for
from tests.conftest import TEST_PASSWORD, TEST_SECRET

UPLOAD_LIMIT = 256 * 1024
HEADER = b'<?xml version="1.0"?>'
OPEN = b'<data id="sinmiedo_perception" version="%s">'


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, secret_key=TEST_SECRET,
                    max_upload_bytes=UPLOAD_LIMIT)


@pytest.fixture
def version(engine) -> bytes:
    return publish_bundled(engine, "perception")["perception"].encode()


@pytest.fixture
def auth(make_account):
    make_account("enumerator", username="collector")
    return basic("collector", TEST_PASSWORD)


def stored(engine) -> int:
    with Session(engine) as session:
        return sum(session.exec(select(func.count()).select_from(model)).one()
                   for model in (Submission, SubmissionAttachment))


def billion_laughs(version: bytes) -> bytes:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, 10)
    )
    return HEADER + b"<!DOCTYPE data [" + entities + b"]>" + OPEN % version + b"<consent>&lol9;</consent></data>"


@pytest.mark.parametrize(
    "payload",
    [
        billion_laughs,
        lambda v: HEADER + b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + OPEN % v + b"<c>&x;</c></data>",
        lambda v: HEADER + b'<!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>' + OPEN % v + b"</data>",
        lambda v: HEADER + b'<!DOCTYPE data SYSTEM "http://127.0.0.1:9/x.dtd">' + OPEN % v + b"</data>",
        lambda v: HEADER + b"<!DOCTYPE data [<!ELEMENT data ANY>]>" + OPEN % v + b"</data>",
    ],
    ids=["billion-laughs", "xxe-file", "parameter-entity", "external-dtd", "internal-dtd"],
)
def test_entities_and_dtds_are_422_and_store_nothing(client, engine, auth, version, payload):
    response = client.post("/openrosa/submission", headers=auth, **multipart(payload(version)))
    assert response.status_code == 422, response.text
    assert b"invalid_instance_xml" in response.content
    assert stored(engine) == 0


def test_deep_nesting_is_a_4xx_not_a_recursion_error(client, engine, auth, version):
    depth = 100_000
    xml = HEADER + OPEN % version + b"<g>" * depth + b"x" + b"</g>" * depth + b"</data>"
    response = client.post("/openrosa/submission", headers=auth, **multipart(xml))
    assert 400 <= response.status_code < 500, response.text
    assert stored(engine) == 0


def test_attachment_past_the_announced_limit_is_413_before_it_is_read(client, engine, auth, version):
    announced = client.head("/openrosa/submission", headers=auth).headers["x-openrosa-accept-content-length"]
    assert int(announced) == UPLOAD_LIMIT
    xml = HEADER + OPEN % version + b"<meta><instanceID>uuid:big</instanceID></meta></data>"
    response = client.post("/openrosa/submission", headers=auth,
                           **multipart(xml, ("photo.jpg", b"\xff" * (UPLOAD_LIMIT + 1), "image/jpeg")))
    assert response.status_code == 413
    assert stored(engine) == 0


def test_attachment_names_are_stored_as_plain_base_names(client, engine, auth, version):
    xml = xml_for(engine, "perception")
    response = client.post("/openrosa/submission", headers=auth,
                           **multipart(xml, ("../../etc/cron.d/\u202ephoto.jpg", b"\xff\xd8", "image/jpeg")))
    assert response.status_code == 201, response.text
    with Session(engine) as session:
        assert session.exec(select(SubmissionAttachment.name)).all() == ["_photo.jpg"]
