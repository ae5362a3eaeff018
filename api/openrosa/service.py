"""ODK Collect and Enketo: form lists, XForm downloads and multipart submissions.

An XML instance becomes the same validated record as a JSON submission. Dedupe is on
meta/instanceID: identical XML adds whatever attachments are missing and succeeds again;
different XML under a known instanceID is a 409; an instance naming a deprecatedID is an
edit made on the device and becomes a new revision of the interview it replaces.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from api.db_types import storable_time, utcnow
from api.errors import Conflict, NotFound, Unprocessable
from api.fieldwork import collection as fieldwork
from api.instruments import repository as instruments_repository
from api.instruments import service as instruments
from api.instruments.models import InstrumentVersion
from api.submissions import repository as submissions_repository
from api.submissions import service as submissions
from api.submissions.models import Submission, SubmissionAttachment
from api.users.models import User
from survey_defs import SurveyDefsError
from survey_defs.xform import instance_answers, instance_form


@dataclass(frozen=True)
class MediaPart:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Receipt:
    instance_id: str
    status: str  # created | duplicate | revised
    attachments_added: int


def listed_versions(session: Session, user: User, only: str | None = None) -> list[tuple[str, str, InstrumentVersion]]:
    """(form_id, title, version) for the newest published version of each instrument the user may collect
    (`only`: of that form id alone)."""
    listed = []
    scope = fieldwork.form_scope(session, user)
    rows, _ = instruments_repository.page(session, offset=0, limit=10_000, published_only=True)
    for instrument in rows:
        if only is not None and instrument.form_id != only:
            continue
        published = [v for v in instruments_repository.versions(session, instrument.id, published_only=True)
                     if v.status == instruments.PUBLISHED]
        if not published:
            continue
        newest = max(published, key=lambda v: instruments.version_key(v.version))
        if not scope.offers(user, instrument.form_id, newest.sensitive):
            continue
        listed.append((instrument.form_id, newest.title, newest))
    return listed


def collectable_version(session: Session, user: User, form_id: str, version: str) -> InstrumentVersion:
    row = instruments.get_version(session, form_id, version, include_drafts=False)
    submissions.check_may_collect(user, row)
    return row


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:  # a time no column can hold (a device clock gone wild) is left unknown: the interview is kept
        parsed = storable_time(datetime.fromisoformat(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def receive(session: Session, user: User, xml: bytes, media: list[MediaPart]) -> Receipt:
    version, answers = _read_instance(session, user, xml)
    meta = answers.get("meta") or {}
    if not meta.get("instanceID"):
        raise Unprocessable("The instance has no meta/instanceID", code="instance_id_missing")
    instance_id = submissions.normalise_instance_id(meta["instanceID"])
    content_hash = hashlib.sha256(xml).hexdigest()

    known = _known(session, instance_id)
    if known is not None:
        submission, stored_hash = known
        if stored_hash != content_hash:
            raise Conflict(f"Interview {instance_id} was already received with different XML", code="instance_conflict")
        return Receipt(instance_id, "duplicate", _add_missing_attachments(session, submission, media))

    if meta.get("deprecatedID"):
        return _revise(session, user, version, answers, xml, content_hash, instance_id, meta["deprecatedID"], media)

    clean, personal = submissions.validated_answers(version, answers)
    # The household code links the interview to its assignment (and the VAWG household rule); a form
    # without one still gets the wave's instrument and VAWG rules.
    assignment_id = fieldwork.admit_interview(session, user, version, assignment_id=None, instance_id=instance_id,
                                              household_code=answers.get("household_code"))
    prepared = submissions.Prepared(
        assignment_id=assignment_id,
        instance_id=instance_id, version=version, answers=clean, personal=personal, content_hash=content_hash,
        payload=xml.decode("utf-8", errors="replace"), payload_format="xml", source="openrosa",
        started_at=_timestamp(answers.get("start")), ended_at=_timestamp(answers.get("end")),
        device_id=str(answers["deviceid"])[:100] if answers.get("deviceid") else None,
    )
    submission, created = submissions.accept(session, user, prepared)
    added = _add_missing_attachments(session, submission, media)
    return Receipt(instance_id, "created" if created else "duplicate", added)


def _read_instance(session: Session, user: User, xml: bytes) -> tuple[InstrumentVersion, dict[str, Any]]:
    try:
        # Which form and version the instance claims decides the instrument that reads it.
        header = instance_form(xml)
    except SurveyDefsError as exc:
        raise Unprocessable(exc.message, code=exc.code) from exc
    form_id, version_name = header
    if not form_id or not version_name:
        raise Unprocessable("The instance's root element needs id and version attributes", code="instance_form_unknown")
    version = collectable_version(session, user, form_id, version_name)
    try:
        instance = instance_answers(instruments.compiled(version), xml)
    except SurveyDefsError as exc:
        raise Unprocessable(exc.message, code=exc.code) from exc
    return version, instance.answers


def _known(session: Session, instance_id: str) -> tuple[Submission, str] | None:
    submission = submissions_repository.by_instance(session, instance_id)
    if submission is not None:
        first = submissions_repository.revision(session, submission.id, 1)
        return submission, first.content_hash
    found = submissions_repository.by_revision_instance(session, instance_id)
    if found is not None:
        return found[0], found[1].content_hash
    return None


def _revise(session: Session, user: User, version: InstrumentVersion, answers: dict[str, Any], xml: bytes,
            content_hash: str, instance_id: str, deprecated: str, media: list[MediaPart]) -> Receipt:
    replaced_id = submissions.normalise_instance_id(deprecated)
    known = _known(session, replaced_id)
    if known is None:
        raise NotFound(f"The edited interview {replaced_id} (deprecatedID) was never received", code="submission_not_found")
    submission, _ = known
    if submission.instrument_version_id != version.id:
        raise Conflict("An edit must use the same form version as the interview it replaces", code="version_mismatch")
    clean, personal = submissions.validated_answers(version, answers)
    submissions.add_revision(
        session, user, submission, answers=clean, personal=personal, payload=xml.decode("utf-8", errors="replace"),
        payload_format="xml", content_hash=content_hash, reason=f"edited on the device (replaces uuid:{replaced_id})",
        instance_id=instance_id,
    )
    return Receipt(instance_id, "revised", _add_missing_attachments(session, submission, media))


def _add_missing_attachments(session: Session, submission: Submission, media: list[MediaPart]) -> int:
    present = submissions_repository.attachment_names(session, submission.id)
    added = 0
    for part in media:
        if part.name in present:
            continue
        submissions_repository.add(session, SubmissionAttachment(
            submission_id=submission.id, name=part.name, content_type=part.content_type[:100], size=len(part.data),
            sha256=hashlib.sha256(part.data).hexdigest(), data=part.data, created_at=utcnow(),
        ))
        present.add(part.name)
        added += 1
    return added
