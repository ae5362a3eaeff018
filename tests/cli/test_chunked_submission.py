"""ODK Collect's upload as the Form Submission API allows it: the multipart body in HTTP/1.1 chunks, with
no Content-Length (the API says a server MUST accept it), through `sinmiedo serve` and its HTTP protocol."""

import http.client
import uuid
from pathlib import Path

from sqlmodel import Session, func, select

from api import migrate
from api.db import create_db_engine
from api.instruments import service as instruments
from api.instruments.repository import version_by_form
from api.submissions.models import Submission, SubmissionAttachment
from api.users import service as users_service
from api.users.models import Role
from api.users.schemas import UserCreate
from tests.api.collect import basic, instance_xml
from tests.api.submission_data import FORMS, publish_bundled
from tests.reliability.live_server import LiveServer

SECRET = "chunked-test-secret-long-enough-0123456789"
PASSWORD = "collector password 123"
BOUNDARY = "----collect-boundary-7f3a"


def _multipart(parts: list[tuple[str, str, str, bytes]]) -> bytes:
    body = b""
    for name, filename, content_type, data in parts:
        body += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


def _in_chunks(data: bytes, size: int):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_a_chunked_collect_upload_is_received(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'chunked.db'}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    versions = publish_bundled(engine, "perception")
    with Session(engine) as session:
        users_service.create_user(session, UserCreate(username="collector", role=Role.enumerator, password=PASSWORD),
                                  actor=None)
        session.commit()
    form_id, answers = FORMS["perception"]
    with Session(engine) as session:
        instrument = instruments.compiled(version_by_form(session, form_id, versions["perception"]))
    instance_id = str(uuid.uuid4())
    photo = bytes(range(256)) * 400  # 100 KB, so that the body spans many chunks
    xml = instance_xml(instrument, answers, instance_id)
    body = _multipart([("xml_submission_file", "submission.xml", "text/xml", xml),
                       ("photo.jpg", "photo.jpg", "image/jpeg", photo)])

    with LiveServer(url, SECRET, workers=1) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {**basic("collector", PASSWORD), "X-OpenRosa-Version": "1.0",
                   "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Transfer-Encoding": "chunked"}
        connection.request("POST", "/openrosa/submission", body=_in_chunks(body, 4096), headers=headers,
                           encode_chunked=True)
        response = connection.getresponse()
        answer = response.read()
        connection.close()

    assert response.status == 201, answer
    assert response.getheader("X-OpenRosa-Version") == "1.0"
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)
                            .where(Submission.instance_id == instance_id)).one() == 1
        stored = session.exec(select(SubmissionAttachment)).all()
    assert [(a.name, a.size) for a in stored] == [("photo.jpg", len(photo))]
    engine.dispose()
