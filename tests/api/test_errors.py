"""One error shape for everything: application/problem+json with a stable code."""

import contextlib
import io
import json
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from api.submissions.models import Submission
from tests.api.submission_data import interview, publish_bundled
from tests.databases import before_insert_trigger, refused_inserts

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_FIELDS <= set(body)
    assert body["status"] == status
    assert body["code"] == code
    assert "Traceback" not in response.text
    return body


def test_401_shape(client: TestClient):
    assert_problem(client.get("/api/v1/users"), 401, "not_authenticated")


def test_403_shape(client: TestClient, make_account):
    analyst = make_account("analyst")
    assert_problem(client.get("/api/v1/users", headers=analyst.headers), 403, "permission_denied")


def test_404_shape_for_unknown_route(client: TestClient):
    assert_problem(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_404_shape_for_unknown_record(client: TestClient, make_account):
    admin = make_account("admin")
    body = assert_problem(client.get("/api/v1/users/999999", headers=admin.headers), 404, "user_not_found")
    assert "999999" in body["detail"]


def test_422_lists_every_invalid_field(client: TestClient, make_account):
    admin = make_account("admin")
    response = client.post(
        "/api/v1/users", json={"username": "Has Spaces", "role": "pilot", "password": "short"}, headers=admin.headers
    )
    body = assert_problem(response, 422, "validation_failed")
    locations = {tuple(err["loc"]) for err in body["errors"]}
    assert {("body", "username"), ("body", "role"), ("body", "password")} <= locations
    for err in body["errors"]:
        assert set(err) == {"loc", "msg", "type"}


def test_malformed_json_is_422_not_500(client: TestClient, make_account):
    admin = make_account("admin")
    response = client.post(
        "/api/v1/users", content=b"{not json", headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 422, "validation_failed")


def test_method_not_allowed_is_a_problem(client: TestClient):
    assert_problem(client.delete("/health"), 405, "method_not_allowed")


def test_oversized_body_is_413_with_declared_length(client: TestClient, settings):
    payload = b"x" * (settings.max_request_bytes + 1)
    response = client.post("/api/v1/auth/token", content=payload, headers={"Content-Type": "application/octet-stream"})
    assert_problem(response, 413, "payload_too_large")


def test_oversized_streamed_body_without_length_is_413(client: TestClient, settings, make_account):
    admin = make_account("admin")

    def chunks():
        yield b'{"username": "'
        for _ in range(settings.max_request_bytes // 65536 + 2):
            yield b"y" * 65536

    response = client.post(
        "/api/v1/users", content=chunks(), headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


def test_unexpected_errors_are_a_500_problem_without_details(app, client: TestClient, app_log):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError(" ".join(["secret", "internal", "detail"]))  # runtime data, as a respondent's value is

    response = client.get("/boom-for-test")
    body = assert_problem(response, 500, "internal_error")
    assert "secret internal detail" not in response.text
    assert body["detail"].startswith("An unexpected error")
    # The log says which error and where, not its message (which may quote a respondent's values).
    [logged] = [record for record in map(json.loads, app_log.getvalue().splitlines())
                if record["message"] == "unhandled error"]
    assert logged["error"] == "builtins.RuntimeError" and "in boom" in logged["traceback"]
    assert "secret internal detail" not in app_log.getvalue()


@pytest.fixture
def app_log():
    """What the app's log handler writes, as text."""
    handler = logging.getLogger("sinmiedo").handlers[0]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@contextlib.contextmanager
def personal_rows_refused(engine, database_url):
    """The database itself fails to store an interview's personal identifiers, quoting them (as PostgreSQL's
    DETAIL quotes a failing row): a fault of the server's, not the request's."""
    if database_url.startswith("sqlite"):
        with refused_inserts(engine, "submission_personal", "TRUE"):
            yield
        return
    with before_insert_trigger(engine, "submission_personal", "RAISE EXCEPTION 'refused for the test' USING "
                               "ERRCODE = 'XX000', DETAIL = 'Failing row contains (' || NEW.data::text || ')';"):
        yield


def test_a_database_failure_is_a_500_whose_log_holds_no_answer_or_identifier(client, make_account, engine,
                                                                             database_url, app_log):
    version = publish_bundled(engine, "perception")["perception"]
    item = interview("perception", version)
    item["answers"]["members"][0]["member_name"] = "Zoraida Testigo"
    with personal_rows_refused(engine, database_url):
        response = client.post("/api/v1/submissions", json=item, headers=make_account("enumerator").headers)
    assert_problem(response, 500, "internal_error")
    logged = app_log.getvalue()
    assert "unhandled database error" in logged and "submission_personal" in logged  # the statement is named
    assert "Zoraida" not in logged and "Failing row" not in logged  # its parameters and DETAIL are not
    assert "never_alone_after_dark" not in logged  # nor any other answer
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 0


def test_a_value_postgresql_refuses_is_422_not_500_and_changes_nothing(client, make_account, engine, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("a data exception raised by a trigger: PostgreSQL only")
    supervisor = make_account("supervisor")
    # SQLSTATE 22003: numeric_value_out_of_range
    refusing = "RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22003'; RETURN NEW;"
    with before_insert_trigger(engine, "team", refusing):
        response = client.post("/api/v1/fieldwork/teams", json={"name": "Norte"}, headers=supervisor.headers)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "unstorable_value"
    assert client.get("/api/v1/fieldwork/teams", headers=supervisor.headers).json() == []
