"""All SQL touching submissions, their revisions and personal identifiers."""

import functools
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
from sqlalchemy import (BindParameter, Connection, Dialect, Insert, Table, bindparam, func, insert, literal_column,
                        text)
from sqlmodel import Session, col, select

from api.db import DIALECT_INSERT
from api.direct_queries import DirectQuery, bind_processor, hand_to_sqlalchemy, once_per_value
from api.instruments.models import Instrument, InstrumentVersion
from api.instruments.repository import LIGHT_VERSION
from api.submissions.models import Submission, SubmissionAttachment, SubmissionPersonal, SubmissionRevision
from api.users.models import User


def by_instance(session: Session, instance_id: str) -> Submission | None:
    return session.exec(select(Submission).where(Submission.instance_id == instance_id)).first()


def by_revision_instance(session: Session, instance_id: str) -> tuple[Submission, SubmissionRevision] | None:
    """The submission one of whose revisions carries this device instance id (ODK edits)."""
    row = session.exec(
        select(Submission, SubmissionRevision)
        .join(SubmissionRevision, col(SubmissionRevision.submission_id) == col(Submission.id))
        .where(SubmissionRevision.instance_id == instance_id)
    ).first()
    return (row[0], row[1]) if row else None


def attachment_names(session: Session, submission_id: int) -> set[str]:
    return set(session.exec(select(SubmissionAttachment.name).where(SubmissionAttachment.submission_id == submission_id)))


def content_hashes(session: Session, instance_ids: Iterable[str]) -> dict[str, str]:
    """The content hash of each of these interviews that is stored (all a resend is compared on)."""
    table = Submission.__table__
    return _column_by(session, table.c.instance_id, list(instance_ids), table.c.content_hash)


def add(session: Session, *rows: Submission | SubmissionRevision | SubmissionPersonal | SubmissionAttachment) -> None:
    session.add_all(rows)
    session.flush()


# --- inserting accepted interviews -----------------------------------------------------------------
# Plain INSERTs of column values (no ORM objects, no unit of work): an accepted interview is three rows
# written once and never updated in place, and the submission endpoints write thousands of them a second.

Values = dict[str, Any]


_SUBMISSIONS = Submission.__table__  # type: ignore[attr-defined]
_INSERT_IF_NEW = {
    name: DirectQuery(dialect_insert(_SUBMISSIONS).on_conflict_do_nothing(index_elements=[_SUBMISSIONS.c.instance_id])
                      .returning(_SUBMISSIONS.c.id))
    for name, dialect_insert in DIALECT_INSERT.items()
}
_INSERT_REVISION = DirectQuery(insert(SubmissionRevision.__table__).returning(SubmissionRevision.__table__.c.id))
_INSERT_PERSONAL = DirectQuery(insert(SubmissionPersonal.__table__))


def insert_new_interview(session: Session, submission: Values, revision: Values, personal: Values | None) -> int | None:
    """Insert a new interview (its submission, first revision and personal identifiers, if any) unless its
    instance id is stored, or being stored by a concurrent transaction that then commits; the submission's
    id, or None when the instance id was taken (then nothing is written)."""
    dialect = session.connection().dialect.name
    if dialect == "postgresql":  # one round trip instead of three
        statement = _interview_statement(tuple(submission), tuple(revision), tuple(personal) if personal else None)
        values = {**_prefixed("s_", submission), **_prefixed("r_", revision), **_prefixed("p_", personal or {})}
        return statement.scalar(session, values)
    submission_id = _INSERT_IF_NEW[dialect].scalar(session, submission, columns=submission)
    if submission_id is not None:
        insert_revision(session, {**revision, "submission_id": submission_id}, personal)
    return submission_id


def _prefixed(prefix: str, values: Values) -> Values:
    return {f"{prefix}{key}": value for key, value in values.items()}


@functools.cache
def _interview_statement(submission: tuple[str, ...], revision: tuple[str, ...],
                         personal: tuple[str, ...] | None) -> DirectQuery:
    """PostgreSQL: the INSERTs of a new interview as one statement of data-modifying CTEs, for the given
    column keys (the service's, never a request's); the revision and personal rows are inserted only if
    the submission was (ON CONFLICT DO NOTHING)."""
    parts = [("s_", Submission.__table__, submission), ("r_", SubmissionRevision.__table__, revision)]
    if personal is not None:
        parts.append(("p_", SubmissionPersonal.__table__, personal))
    columns = {prefix: [table.c[key] for key in keys] for prefix, table, keys in parts}  # unknown keys fail here

    def names(prefix: str) -> str:
        return ", ".join(f'"{column.name}"' for column in columns[prefix])

    def binds(prefix: str) -> str:
        return ", ".join(f":{prefix}{column.key}" for column in columns[prefix])

    sql = (f'WITH new_submission AS (INSERT INTO submission ({names("s_")}) VALUES ({binds("s_")}) '
           f'ON CONFLICT (instance_id) DO NOTHING RETURNING id), '
           f'new_revision AS (INSERT INTO submission_revision (submission_id, {names("r_")}) '
           f'SELECT id, {binds("r_")} FROM new_submission RETURNING id)')
    if personal is not None:
        sql += (f', new_personal AS (INSERT INTO submission_personal (revision_id, {names("p_")}) '
                f'SELECT id, {binds("p_")} FROM new_revision)')
    sql += " SELECT id FROM new_submission"
    return DirectQuery(text(sql).bindparams(*(bindparam(f"{prefix}{column.key}", type_=column.type)
                                              for prefix, column_list in columns.items() for column in column_list)),
                       alone=True)  # the interview's rows in one atomic statement


def insert_revision(session: Session, revision: Values, personal: Values | None) -> int:
    """A new revision and its personal identifiers, if any; the revision's id."""
    revision_id = _INSERT_REVISION.scalar(session, revision, columns=revision)
    if personal is not None:
        values = {**personal, "revision_id": revision_id}
        _INSERT_PERSONAL.execute(session, values, columns=values)
    return revision_id


def insert_many(session: Session, submissions: list[Values], revisions: list[Values],
                personals: list[Values | None]) -> None:
    """New interviews (the i-th revision and personal row belong to the i-th submission); an instance id
    already stored raises IntegrityError.

    SQLite: one executemany per table. No id goes back and forth: each revision is inserted from a SELECT
    of its submission's id by instance id, each personal row from its revision's (revision 1 of that
    submission), so no other transaction's rows can be taken for them. PostgreSQL: see `_copy_many`.
    Values are bound by SQLAlchemy's own type processors (the same stored text; JSON's written faster,
    see `api.direct_queries.bind_processor`), without its per-row work: a batch's rows are many and alike."""
    if not submissions:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy_many(connection, submissions, revisions, personals)
        return
    instance_ids = [submission["instance_id"] for submission in submissions]
    _bulk_insert(_new_submissions, tuple(submissions[0])).execute_many(session, submissions)
    _bulk_insert(_revisions_of, tuple(revisions[0])).execute_many(
        session, [{**revision, _OF_INSTANCE: instance_id} for revision, instance_id in zip(revisions, instance_ids, strict=True)])
    kept = [(personal, instance_id) for personal, instance_id in zip(personals, instance_ids, strict=True)
            if personal is not None]
    if kept:
        _bulk_insert(_personals_of, tuple(kept[0][0])).execute_many(
            session, [{**personal, _OF_INSTANCE: instance_id} for personal, instance_id in kept])


# Ids for new interviews, drawn ahead: COPY cannot link a row to another's id as it goes.
_NEXT_IDS = ("SELECT nextval(pg_get_serial_sequence('submission', 'id')),"
             " nextval(pg_get_serial_sequence('submission_revision', 'id')) FROM generate_series(1, %s)")


def _copy_many(connection: Connection, submissions: list[Values], revisions: list[Values],
               personals: list[Values | None]) -> None:
    """PostgreSQL: the rows COPYed in, their ids drawn from the tables' sequences first. An INSERT per row,
    even pipelined, cost the server about 90 us of CPU per interview (a statement's start and end, three
    times); COPY writes the rows as one stream per table."""
    with connection.connection.driver_connection.cursor() as cursor:
        try:
            ids = cursor.execute(_NEXT_IDS, (len(submissions),)).fetchall()
            _copy(cursor, connection.dialect, Submission.__table__,
                  [{**submission, "id": submission_id} for submission, (submission_id, _) in zip(submissions, ids, strict=True)])
            _copy(cursor, connection.dialect, SubmissionRevision.__table__,
                  [{**revision, "id": revision_id, "submission_id": submission_id}
                   for revision, (submission_id, revision_id) in zip(revisions, ids, strict=True)])
            kept = [{**personal, "revision_id": revision_id}
                    for personal, (_, revision_id) in zip(personals, ids, strict=True) if personal is not None]
            if kept:
                _copy(cursor, connection.dialect, SubmissionPersonal.__table__, kept)
        except Exception as error:  # as SQLAlchemy reports it (IntegrityError for the caller's fallback),
            hand_to_sqlalchemy(connection, error, "COPY", None, cursor)  # a lost connection invalidated


def _copy(cursor: psycopg.Cursor, dialect: Dialect, table: Table, rows: list[Values]) -> None:
    names, processors = _copy_columns(dialect, table, tuple(rows[0]))
    pairs = tuple((name, once_per_value(process)) for name, process in zip(names, processors, strict=True))
    with cursor.copy(f"COPY {_quoted(dialect, table.name)} ({', '.join(_quoted(dialect, name) for name in names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] if process is None else process(row[name]) for name, process in pairs])


def _quoted(dialect: Dialect, name: str) -> str:
    return dialect.identifier_preparer.quote(name)


@functools.cache
def _copy_columns(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """The column names of these keys and SQLAlchemy's processor of each column's values."""
    columns = [table.c[key] for key in keys]
    return tuple(column.name for column in columns), tuple(bind_processor(column.type, dialect) for column in columns)


_OF_INSTANCE = "of_instance_id"  # the instance id a revision or personal row is linked by (no column has this name)


def _binds(table: Table, keys: tuple[str, ...]) -> list[BindParameter[Any]]:
    return [bindparam(key, type_=table.c[key].type) for key in keys]


def _new_submissions(keys: tuple[str, ...]) -> Insert:
    table = Submission.__table__
    return insert(table).values(dict(zip(keys, _binds(table, keys), strict=True)))


def _revisions_of(keys: tuple[str, ...]) -> Insert:
    submission, revision = Submission.__table__, SubmissionRevision.__table__
    return insert(revision).from_select(
        ["submission_id", *keys],
        select(submission.c.id, *_binds(revision, keys)).where(submission.c.instance_id == bindparam(_OF_INSTANCE)),
        include_defaults=False,
    )


def _personals_of(keys: tuple[str, ...]) -> Insert:
    submission, revision, personal = Submission.__table__, SubmissionRevision.__table__, SubmissionPersonal.__table__
    return insert(personal).from_select(
        ["revision_id", *keys],
        select(revision.c.id, *_binds(personal, keys)).where(
            submission.c.instance_id == bindparam(_OF_INSTANCE), revision.c.submission_id == submission.c.id,
            revision.c.revision == literal_column("1")),
        include_defaults=False,
    )


@functools.cache
def _bulk_insert(statement: Callable[[tuple[str, ...]], Insert], keys: tuple[str, ...]) -> DirectQuery:
    """The statement for these column keys (the service's, never a request's)."""
    return DirectQuery(statement(keys))


def _column_by(session: Session, key, values: list[Any], column, *conditions) -> dict[Any, Any]:
    """A column's value by a unique key, read for 500 keys at a time."""
    found: dict[Any, Any] = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        found.update(session.execute(select(key, column).where(key.in_(chunk), *conditions)).all())
    return found


def revision(session: Session, submission_id: int, number: int) -> SubmissionRevision | None:
    return session.exec(
        select(SubmissionRevision).where(
            SubmissionRevision.submission_id == submission_id, SubmissionRevision.revision == number
        )
    ).first()


def revisions(session: Session, submission_id: int) -> list[tuple[SubmissionRevision, str]]:
    rows = session.exec(
        select(SubmissionRevision, User.username)
        .join(User, col(User.id) == col(SubmissionRevision.author_id))
        .where(SubmissionRevision.submission_id == submission_id)
        .order_by(col(SubmissionRevision.revision))
    ).all()
    return [(r, name) for r, name in rows]


def personal(session: Session, revision_id: int) -> SubmissionPersonal | None:
    return session.get(SubmissionPersonal, revision_id)


def page(
    session: Session,
    *,
    offset: int,
    limit: int,
    enumerator_ids: set[int] | None,
    form_id: str | None,
    review_status: str | None,
    include_deleted: bool,
) -> tuple[list[tuple[Submission, SubmissionRevision, InstrumentVersion, str, str]], int]:
    query = (
        select(Submission, SubmissionRevision, InstrumentVersion, Instrument.form_id, User.username)
        .join(
            SubmissionRevision,
            (col(SubmissionRevision.submission_id) == col(Submission.id))
            & (col(SubmissionRevision.revision) == col(Submission.current_revision)),
        )
        .join(InstrumentVersion, col(InstrumentVersion.id) == col(Submission.instrument_version_id))
        .join(Instrument, col(Instrument.id) == col(InstrumentVersion.instrument_id))
        .join(User, col(User.id) == col(Submission.enumerator_id))
    )
    if enumerator_ids is not None:
        query = query.where(col(Submission.enumerator_id).in_(enumerator_ids))
    if form_id is not None:
        query = query.where(Instrument.form_id == form_id)
    if review_status is not None:
        query = query.where(Submission.review_status == review_status)
    if not include_deleted:
        query = query.where(col(Submission.deleted_at).is_(None))
    total = session.exec(select(func.count()).select_from(query.with_only_columns(col(Submission.id)).subquery())).one()
    rows = session.exec(query.options(*LIGHT_VERSION).order_by(col(Submission.id)).offset(offset).limit(limit)).all()
    return [tuple(r) for r in rows], total


def username(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.username if user else f"#{user_id}"
