"""All SQL touching submissions, their revisions and personal identifiers."""

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

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
