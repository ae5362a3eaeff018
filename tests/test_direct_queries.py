"""Statements run on the driver's cursor give what SQLAlchemy gives: the same values and types, its
exceptions, and a lost connection invalidated; statements that need SQLAlchemy's execution are refused."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, insert, text
from sqlalchemy import select as core_select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from api.direct_queries import DirectQuery
from api.fieldwork.models import Survey
from api.submissions import repository as submissions_repository
from api.submissions.models import Submission, SubmissionPersonal, SubmissionRevision
from api.users import repository as users_repository
from api.users.models import AccessToken, Role
from tests.api.submission_data import publish_bundled

SURVEYS = Survey.__table__
SURVEY_BY_CODE = core_select(SURVEYS).where(SURVEYS.c.code == bindparam("code"))


def _survey(session: Session, code: str, **values) -> Survey:
    survey = Survey(code=code, name=f"Wave {code}", form_ids=["sinmiedo_victimization", "ñandú"], **values)
    session.add(survey)
    session.commit()
    return survey


def test_rows_read_directly_equal_sqlalchemys_in_values_and_types(engine):
    with Session(engine) as session:
        _survey(session, "w1", reference_period_start=date(2025, 1, 1), fieldwork_end=date(2026, 3, 31),
                only_approved_feed_estimates=False)
        _survey(session, "w2")
        direct = DirectQuery(SURVEY_BY_CODE)
        for code in ("w1", "w2"):
            expected = session.connection().execute(SURVEY_BY_CODE, {"code": code}).one()
            row = direct.first(session, {"code": code})
            assert tuple(row) == tuple(expected)
            assert [type(value) for value in row] == [type(value) for value in expected]
            assert row._asdict() == dict(expected._mapping)
            assert row.created_at.tzinfo is not None  # UTCDateTime's own processing ran
            assert row.form_ids == ["sinmiedo_victimization", "ñandú"]  # JSON read back
        assert direct.first(session, {"code": "none"}) is None
        assert [r.code for r in DirectQuery(core_select(SURVEYS).order_by(SURVEYS.c.code)).all(session, {})] == ["w1", "w2"]


def test_the_token_query_reads_what_sqlalchemy_reads(engine, make_account):
    account = make_account(Role.enumerator)
    with Session(engine) as session:
        token = session.exec(select(AccessToken).where(AccessToken.user_id == account.user.id)).one()
        token.revoked_at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        session.commit()
        found, user = users_repository.token_with_read_only_user(session, token.token_hash)
        expected = session.connection().execute(users_repository._TOKEN_STATE.statement,
                                                {"token_hash": token.token_hash}).one()
        assert tuple(found) == tuple(expected)
        assert found.revoked_at == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
        assert (found.kind, user.id, user.username) == (token.kind, account.user.id, account.user.username)
        assert users_repository.token_with_read_only_user(session, "no such hash") is None


def _interview_rows(engine, instance_id: str) -> tuple[dict, dict, dict]:
    versions = publish_bundled(engine, "perception")
    with Session(engine) as session:
        version_id = session.exec(text("SELECT id FROM instrument_version")).first()[0]
        author = session.exec(text('SELECT id FROM "user"')).first()
    now = datetime(2026, 11, 21, 12, 0, 0, 123456, tzinfo=UTC)
    submission = {"instance_id": instance_id, "instrument_version_id": version_id, "enumerator_id": author[0],
                  "assignment_id": None, "current_revision": 1, "content_hash": "h" * 64, "source": "json",
                  "review_status": "received", "started_at": now - timedelta(minutes=30), "ended_at": now,
                  "duration_seconds": 1800.0, "device_id": "tablet-7", "received_at": now, "updated_at": now}
    revision = {"revision": 1, "answers": {"edad": 34, "nota": "ñ \u2028 \"q\"", "lista": [1.5, None, True]},
                "payload": "{}", "payload_format": "json", "content_hash": "h" * 64, "author_id": author[0],
                "created_at": now}
    personal = {"data": {"nombre": "Ana"}, "latitude": -12.0464, "longitude": -77.0428, "gps_accuracy": 5.0}
    assert versions
    return submission, revision, personal


def test_an_interview_inserted_directly_reads_back_through_the_orm(engine, make_account):
    make_account(Role.enumerator)
    instance_id = str(uuid.uuid4())
    submission, revision, personal = _interview_rows(engine, instance_id)
    with Session(engine) as session:
        submission_id = submissions_repository.insert_new_interview(session, submission, revision, personal)
        assert submission_id is not None
        # The same instance id again: nothing written, and no id.
        assert submissions_repository.insert_new_interview(session, submission, revision, personal) is None
        session.commit()
    with Session(engine) as session:
        stored = session.get(Submission, submission_id)
        assert {key: getattr(stored, key) for key in submission} == submission
        stored_revision = session.exec(select(SubmissionRevision).where(SubmissionRevision.submission_id == submission_id)).one()
        assert {key: getattr(stored_revision, key) for key in revision} == revision
        stored_personal = session.get(SubmissionPersonal, stored_revision.id)
        assert {key: getattr(stored_personal, key) for key in personal} == personal


def test_driver_errors_come_out_as_sqlalchemys(engine, make_account):
    make_account(Role.enumerator)
    submission, revision, personal = _interview_rows(engine, str(uuid.uuid4()))
    with Session(engine) as session:
        submission_id = submissions_repository.insert_new_interview(session, submission, revision, personal)
        revision_id = session.exec(text(f"SELECT id FROM submission_revision WHERE submission_id = {submission_id}")).one()[0]
        values = {**personal, "revision_id": revision_id}
        with pytest.raises(IntegrityError):  # the revision already has its personal identifiers
            submissions_repository._INSERT_PERSONAL.execute(session, values, columns=values)
        session.rollback()
        assert session.exec(text("SELECT count(*) FROM submission")).one()[0] == 0  # rolled back, session usable


def test_statements_that_need_sqlalchemys_execution_are_refused(engine):
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer, default=lambda: 7))
    with Session(engine) as session:
        with pytest.raises(ValueError, match="Python-side column defaults"):
            DirectQuery(insert(table)).execute(session, {"id": 1}, columns=["id"])
        with pytest.raises(ValueError, match="expanding"):
            DirectQuery(core_select(SURVEYS).where(SURVEYS.c.id.in_(bindparam("ids", expanding=True)))).all(
                session, {"ids": [1, 2]})


def test_a_lost_connection_is_invalidated_as_sqlalchemy_would(engine, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server to lose the connection to: PostgreSQL")
    with Session(engine) as session:
        pid = session.exec(text("SELECT pg_backend_pid()")).one()[0]
        with engine.connect() as other:
            other.execute(text(f"SELECT pg_terminate_backend({pid})"))
        with pytest.raises(DBAPIError) as raised:
            DirectQuery(SURVEY_BY_CODE).first(session, {"code": "w1"})
        assert raised.value.connection_invalidated
        session.rollback()
    with Session(engine) as session:  # the pool hands out a live connection next
        assert DirectQuery(SURVEY_BY_CODE).first(session, {"code": "w1"}) is None
