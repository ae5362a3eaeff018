"""The interview intake's turns at SQLite: on the event loop when the write turn is free, on its own
thread when a request in the threadpool holds it, and the turn among processes at the first write;
on PostgreSQL, the one connection it keeps, and a new one when that one is lost."""

import contextlib
import threading
import time

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, func, select

from fastapi.testclient import TestClient

from api.app import create_app
from api.db import PG_KEEPALIVES, claim_writes_without_waiting, create_db_engine
from api.instruments import service as instruments_service
from api.security import bearer_scheme
from api.submissions.models import Submission
from tests.api.submission_data import interview, publish_bundled
from tests.databases import before_insert_trigger

URL = "/api/v1/submissions"


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("writers take turns on SQLite only")


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the intake keeps a connection on PostgreSQL only")


def stored(engine, instance_id: str) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Submission).where(Submission.instance_id == instance_id)).one()


def test_an_interview_waits_off_the_event_loop_while_another_request_holds_the_write_turn(
    sqlite_only, client, engine, make_account
):
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    body = interview("perception", versions["perception"])
    holder = Session(engine)
    holder.execute(text("UPDATE user SET is_active = is_active WHERE id = -1"))  # a write: the turn is taken
    answered = {}

    def post() -> None:
        answered["response"] = client.post(URL, json=body, headers=enumerator.headers)

    poster = threading.Thread(target=post)
    poster.start()
    time.sleep(0.5)
    # Still waiting for the turn, and the event loop is free: another request is answered meanwhile.
    assert "response" not in answered
    assert client.get("/health").status_code == 200
    holder.commit()
    holder.close()
    poster.join(timeout=30)
    assert answered["response"].status_code == 201, answered["response"].text
    assert stored(engine, body["instance_id"]) == 1


def test_the_first_interview_a_process_sees_of_a_version_reads_its_definition(client, engine, make_account,
                                                                              monkeypatch):
    """Versions are read without their definition once the process has compiled it; before, the row
    must be one that can load it."""
    versions = publish_bundled(engine, "perception")
    monkeypatch.setattr(instruments_service, "_compiled_by_hash", {})
    body = interview("perception", versions["perception"])
    response = client.post(URL, json=body, headers=make_account("enumerator").headers)
    assert response.status_code == 201, response.text
    assert instruments_service._compiled_by_hash  # compiled now: the next interview reads the light row


def test_the_turn_is_claimed_only_when_free(sqlite_only, engine):
    with Session(engine) as first, Session(engine) as second:
        assert claim_writes_without_waiting(first)
        assert claim_writes_without_waiting(first)  # already its own
        assert not claim_writes_without_waiting(second)
        first.rollback()
        assert claim_writes_without_waiting(second)
        second.rollback()


def test_processes_take_turns_at_the_first_write(sqlite_only, database_url):
    """Two engines stand for two processes: each connection has its own turn file descriptor, and
    the turn among processes is an advisory lock on the file beside the database."""
    one, two = create_db_engine(database_url), create_db_engine(database_url)
    try:
        with one.connect() as a, two.connect() as b:
            a.execute(text("UPDATE user SET is_active = is_active WHERE id = -1"))
            gated_a, gated_b = a.connection.dbapi_connection, b.connection.dbapi_connection
            assert gated_a.holds_file_turn
            # The second connection cannot get the turn while the first holds it.
            gated_b._take_file_turn(time.monotonic() + 0.05)
            assert not gated_b.holds_file_turn
            a.commit()
            assert not gated_a.holds_file_turn
            gated_b._take_file_turn(time.monotonic() + 0.05)
            assert gated_b.holds_file_turn
            gated_b.rollback()
            assert not gated_b.holds_file_turn
    finally:
        one.dispose()
        two.dispose()


@pytest.mark.parametrize(("path", "model"), [(URL, "SubmissionCreate"), (f"{URL}/batch", "BatchIn")])
def test_bodies_read_by_the_intake_are_documented_as_declared_bodies(client, path, model):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"][path]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{model}"}
    components = schema["components"]["schemas"]
    assert "instance_id" in components["SubmissionCreate"]["properties"]
    # a batch's items are read as any value (each refused on its own) but documented as interviews
    items = components["BatchIn"]["properties"]["submissions"]["items"]
    assert items["required"] == components["SubmissionCreate"]["required"]
    assert components["Paradata"]["properties"]["gps"]  # nested models are components too
    assert operation["security"] == [{"OAuth2PasswordBearer": []}]
    assert bearer_scheme.scheme_name == "OAuth2PasswordBearer"  # the scheme the other routes document
    assert schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["type"] == "oauth2"


def test_an_invalid_body_gets_the_errors_a_declared_body_gives(client, make_account):
    headers = make_account("enumerator").headers
    response = client.post(URL, content=b'{"instance_id": "x"', headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"][0]["type"] == "json_invalid"
    response = client.post(URL, json={"instance_id": "not a uuid"}, headers=headers)
    assert response.status_code == 422
    locations = {tuple(error["loc"]) for error in response.json()["errors"]}
    assert {("body", "instance_id"), ("body", "instrument"), ("body", "answers"), ("body", "paradata")} <= locations
    # Authentication comes first: no body is read for a caller who may not submit.
    assert client.post(URL, json={}, headers=make_account("analyst").headers).status_code == 403
    assert client.post(URL, json={}).status_code == 401


def test_on_postgresql_the_intake_keeps_one_connection(postgres_only, client, engine, make_account):
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    with counted_checkouts(engine) as checkouts:
        for _ in range(4):
            body = interview("perception", versions["perception"])
            assert client.post(URL, json=body, headers=enumerator.headers).status_code == 201
    assert len(checkouts) == 1  # the first interview's, kept since


@contextlib.contextmanager
def counted_checkouts(engine):
    checkouts: list[object] = []

    def count(dbapi_connection, *_) -> None:
        checkouts.append(dbapi_connection)

    event.listen(engine.pool, "checkout", count)
    try:
        yield checkouts
    finally:
        event.remove(engine.pool, "checkout", count)


def _terminate_other_backends(engine) -> int:
    with engine.connect() as connection:
        ended = connection.execute(text(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()) AS ended")).scalar_one()
        connection.commit()
    return ended


def test_an_interview_on_a_lost_connection_is_served_on_a_new_one(postgres_only, client, engine, make_account):
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    first = interview("perception", versions["perception"])
    assert client.post(URL, json=first, headers=enumerator.headers).status_code == 201
    # The server drops every other connection (as a restart would), the intake's kept one among them.
    assert _terminate_other_backends(engine) >= 1
    second = interview("perception", versions["perception"])
    with counted_checkouts(engine) as checkouts:
        response = client.post(URL, json=second, headers=enumerator.headers)
    assert response.status_code == 201, response.text
    assert len(checkouts) == 1  # the lost connection's replacement
    assert stored(engine, second["instance_id"]) == 1
    # And the resend of the first is still recognised: nothing was lost or doubled.
    assert client.post(URL, json=first, headers=enumerator.headers).status_code == 200
    assert stored(engine, first["instance_id"]) == 1


@contextlib.contextmanager
def connection_ended_at_row(engine, table: str, row: int):
    """The server ends the connection that inserts the `row`-th row into `table` (counted across
    connections and transactions: a sequence is not rolled back), once; as a crash of that backend
    would, in the middle of the statement."""
    with engine.begin() as connection:
        connection.execute(text("CREATE SEQUENCE intake_test_rows"))
    try:
        with before_insert_trigger(engine, table, f"""
                IF nextval('intake_test_rows') = {int(row)} THEN
                  PERFORM pg_terminate_backend(pg_backend_pid());
                END IF;
                RETURN NEW;"""):
            yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP SEQUENCE intake_test_rows"))


@pytest.mark.parametrize("table", ["submission", "submission_revision"])
def test_a_batch_whose_connection_is_lost_mid_copy_is_served_again_on_a_new_one(postgres_only, client, engine,
                                                                             make_account, table):
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    earlier = interview("perception", versions["perception"])
    assert client.post(URL, json=earlier, headers=enumerator.headers).status_code == 201  # the kept connection
    batch = [interview("perception", versions["perception"]) for _ in range(6)] + [earlier]
    with connection_ended_at_row(engine, table, 3):
        with counted_checkouts(engine) as checkouts:
            response = client.post(f"{URL}/batch", json={"submissions": batch}, headers=enumerator.headers)
        with engine.connect() as connection:
            rows_seen = connection.execute(text("SELECT last_value FROM intake_test_rows")).scalar_one()
    assert response.status_code == 200, response.text
    assert [item["status"] for item in response.json()["results"]] == ["created"] * 6 + ["duplicate"]
    assert rows_seen == 3 + 6  # the COPY ended at its third row; then all six rows on the new connection
    assert len(checkouts) == 1  # the lost connection's replacement
    assert all(stored(engine, body["instance_id"]) == 1 for body in batch)
    # A resend of the whole batch is harmless.
    again = client.post(f"{URL}/batch", json={"submissions": batch}, headers=enumerator.headers)
    assert [item["status"] for item in again.json()["results"]] == ["duplicate"] * 7


@contextlib.contextmanager
def bounded_intake(settings, engine, seconds: float):
    """An app whose intake waits at most `seconds` for a statement or a lock."""
    app = create_app(settings.model_copy(update={"intake_wait_seconds": seconds}), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _terminate(engine, pid: int) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def _waits(connection) -> tuple[str, str]:
    return _current_setting(connection, "statement_timeout"), _current_setting(connection, "lock_timeout")


def _current_setting(connection, name: str) -> str:
    return connection.execute(text("SELECT current_setting(:name)"), {"name": name}).scalar_one()


def test_an_interview_waits_for_a_locked_table_only_a_bounded_time(postgres_only, settings, engine, make_account):
    """A table locked by a migration or a long transaction: the intake, which holds its worker's event
    loop while it waits, gives up after `intake_wait_seconds` with a 503 to resend, not never."""
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    body = interview("perception", versions["perception"])
    with bounded_intake(settings, engine, 0.5) as client:
        assert client.post(URL, json=interview("perception", versions["perception"]),
                           headers=enumerator.headers).status_code == 201  # the kept connection, bounded
        with engine.connect() as locker:
            locker.execute(text("LOCK TABLE submission IN SHARE MODE"))  # reads go on, INSERTs wait
            locker_pid = locker.execute(text("SELECT pg_backend_pid()")).scalar_one()
            # Were the wait unbounded, the test would hang on its own lock: the server ends it at 8 s.
            release = threading.Timer(8, _terminate, (engine, locker_pid))
            release.start()
            started = time.monotonic()
            response = client.post(URL, json=body, headers=enumerator.headers)
            waited = time.monotonic() - started
            release.cancel()
            assert client.get("/health").status_code == 200  # the worker answers again
            locker.rollback()
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "database_unavailable" and response.headers["Retry-After"]
        assert waited < 5  # 0.5 s of lock wait, not the locker's whole transaction
        assert stored(engine, body["instance_id"]) == 0
        # The device resends once the lock is gone: stored once.
        assert client.post(URL, json=body, headers=enumerator.headers).status_code == 201
        assert client.post(URL, json=body, headers=enumerator.headers).status_code == 200
    assert stored(engine, body["instance_id"]) == 1


def test_a_statement_the_server_takes_too_long_over_is_cancelled(postgres_only, settings, engine, make_account):
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    batch = [interview("perception", versions["perception"]) for _ in range(3)]
    with bounded_intake(settings, engine, 0.5) as client:
        with before_insert_trigger(engine, "submission_revision", "PERFORM pg_sleep(2); RETURN NEW;"):
            started = time.monotonic()
            response = client.post(f"{URL}/batch", json={"submissions": batch}, headers=enumerator.headers)
            waited = time.monotonic() - started
        assert response.status_code == 503, response.text
        assert waited < 5  # cancelled at 0.5 s, not the 6 s the three rows would take
        assert all(stored(engine, body["instance_id"]) == 0 for body in batch)  # nothing half-stored
        again = client.post(f"{URL}/batch", json={"submissions": batch}, headers=enumerator.headers)
        assert [item["status"] for item in again.json()["results"]] == ["created"] * 3


def test_only_the_intakes_connection_has_bounded_waits_and_only_while_it_keeps_it(postgres_only, settings, engine,
                                                                                make_account):
    versions = publish_bundled(engine, "perception")
    enumerator = make_account("enumerator")
    with engine.connect() as connection:
        default = _waits(connection)
    with counted_checkouts(engine) as checkouts:
        with bounded_intake(settings, engine, 1.5) as client:
            assert client.post(URL, json=interview("perception", versions["perception"]),
                               headers=enumerator.headers).status_code == 201
            kept = client.app.state.intake._connection[0]
            assert _waits(kept) == ("1500ms", "1500ms")
            with engine.connect() as other:  # any other request's connection waits as the server says
                assert _waits(other) == default
        kept_dbapi = checkouts[0]
    # The app closed: the kept connection went back to the pool with the server's defaults again.
    with engine.connect() as connection:
        if connection.connection.dbapi_connection is kept_dbapi:
            assert _waits(connection) == default
        else:
            with kept_dbapi.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout'), current_setting('lock_timeout')")
                assert cursor.fetchone() == default
            kept_dbapi.rollback()


def test_postgresql_connections_keep_tcp_alive(postgres_only, engine):
    with engine.connect() as connection:
        parameters = connection.connection.dbapi_connection.info.get_parameters()
    assert {key: int(parameters[key]) for key in PG_KEEPALIVES} == PG_KEEPALIVES
