"""All SQL touching submissions, their revisions and personal identifiers."""

from collections.abc import Iterable

from sqlalchemy import func, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, col, select

from api.instruments.models import Instrument, InstrumentVersion
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


def existing_instances(session: Session, instance_ids: Iterable[str]) -> dict[str, Submission]:
    ids = list(instance_ids)
    found: dict[str, Submission] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.exec(select(Submission).where(col(Submission.instance_id).in_(chunk))):
            found[row.instance_id] = row
    return found


def add(session: Session, *rows: Submission | SubmissionRevision | SubmissionPersonal | SubmissionAttachment) -> None:
    session.add_all(rows)
    session.flush()


# --- inserting accepted interviews -----------------------------------------------------------------
# Plain INSERTs (no ORM unit of work): an accepted interview is three rows written once and never
# updated in place, and the submission endpoints write thousands of them a second.

_DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _values(row: SQLModel) -> dict:
    table = row.__table__  # type: ignore[attr-defined]
    return {c.key: getattr(row, c.key) for c in table.columns if not (c.primary_key and getattr(row, c.key) is None)}


def _attach(session: Session, *rows: SQLModel) -> None:
    """Rows just inserted become the session's, as if loaded (no SQL)."""
    for row in rows:
        make_transient_to_detached(row)
        session.add(row)


def insert_if_new(session: Session, submission: Submission) -> bool:
    """Insert the submission unless one with its instance id is stored (or being stored by a concurrent
    transaction that then commits); sets its id. False when the instance id was taken."""
    table = Submission.__table__
    dialect_insert = _DIALECT_INSERT[session.get_bind().dialect.name]
    statement = dialect_insert(table).on_conflict_do_nothing(index_elements=[table.c.instance_id]).returning(table.c.id)
    new_id = session.execute(statement, _values(submission)).scalar_one_or_none()
    if new_id is None:
        return False
    submission.id = new_id
    _attach(session, submission)
    return True


def insert_revision(session: Session, revision: SubmissionRevision, personal: SubmissionPersonal | None) -> None:
    """A new revision (its id set) and its personal identifiers, if any."""
    table = SubmissionRevision.__table__
    revision.id = session.execute(insert(table).returning(table.c.id), _values(revision)).scalar_one()
    _attach(session, revision)
    if personal is not None:
        personal.revision_id = revision.id
        session.execute(insert(SubmissionPersonal.__table__), _values(personal))


def insert_many(session: Session, submissions: list[Submission], revisions: list[SubmissionRevision],
                personals: list[SubmissionPersonal | None]) -> None:
    """New interviews in one INSERT per table (the i-th revision and personal row belong to the i-th
    submission); an instance id already stored raises IntegrityError."""
    if not submissions:
        return
    submission_table, revision_table = Submission.__table__, SubmissionRevision.__table__
    ids = session.execute(
        insert(submission_table).returning(submission_table.c.id, sort_by_parameter_order=True),
        [_values(s) for s in submissions],
    ).scalars().all()
    for submission, revision, submission_id in zip(submissions, revisions, ids, strict=True):
        submission.id = revision.submission_id = submission_id
    revision_ids = session.execute(
        insert(revision_table).returning(revision_table.c.id, sort_by_parameter_order=True),
        [_values(r) for r in revisions],
    ).scalars().all()
    kept = []
    for revision, personal, revision_id in zip(revisions, personals, revision_ids, strict=True):
        revision.id = revision_id
        if personal is not None:
            personal.revision_id = revision_id
            kept.append(personal)
    if kept:
        session.execute(insert(SubmissionPersonal.__table__), [_values(p) for p in kept])


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
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Submission.id)).offset(offset).limit(limit)).all()
    return [tuple(r) for r in rows], total


def username(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.username if user else f"#{user_id}"
