"""Submission rules: validate against the exact instrument version, accept once, never lose.

Idempotency: an interview is identified by its client-generated instance id. The same id with
the same content returns what is stored (no new row); the same id with other content is a 409,
unless it comes as an explicit edit, which becomes a new revision.
"""

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

import survey_defs
from api.audit import service as audit
from api.db_types import utcnow
from api.errors import Conflict, Forbidden, NotFound, Unprocessable
from api.fieldwork import collection as fieldwork
from api.instruments import repository as instruments_repository
from api.instruments import service as instruments
from api.instruments.models import InstrumentVersion
from api.security import Permission, has_permission
from api.submissions import repository
from api.submissions.bodies import instance_hint
from api.json_text import compact_json
from api.submissions.models import Submission, SubmissionPersonal, SubmissionRevision
from api.submissions.schemas import (
    GPS,
    BatchItemResult,
    BatchResult,
    BulkReviewItem,
    BulkReviewResult,
    RevisionPublic,
    SubmissionCreate,
    SubmissionEdit,
    SubmissionPublic,
    UnreadableItem,
)
from api.users.models import Role, User
from survey_defs.answers import Validator, compile_validator
from survey_defs.model import Question, Repeat

RECEIVED, APPROVED, RETURNED, RESUBMITTED = "received", "approved", "returned", "resubmitted"


def canonical_hash(value: Any) -> str:
    return hashlib.sha256(_canonical_text(value)).hexdigest()


def _canonical_text(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def interview_hash(data: SubmissionCreate) -> str:
    """`canonical_hash` of a JSON interview's content (its form, version, answers, paradata and assignment),
    the same digest written faster: the answers, most of the text and first in key order, and the rest."""
    rest = {"form_id": data.instrument.form_id, "version": data.instrument.version,
            "paradata": data.paradata.model_dump(mode="json"), "assignment_id": data.assignment_id}
    # The rest's only floats are the GPS's, all finite (see GPS): a None there is written `null` by
    # msgspec as by json.dumps.
    digest = hashlib.sha256(b'{"answers":')
    digest.update(compact_json(data.answers, sort_keys=True))
    digest.update(b",")
    digest.update(memoryview(compact_json(rest, sort_keys=True, finite=True))[1:])
    return digest.hexdigest()


def normalise_instance_id(value: str | UUID) -> str:
    """'uuid:ABC…' (OpenRosa) and 'abc…' (JSON) name the same interview."""
    if isinstance(value, UUID):  # already parsed (a JSON body's field): its text is the canonical form
        return str(value)
    text = str(value).strip()
    if text.lower().startswith("uuid:"):
        text = text[5:]
    try:
        return str(UUID(text))
    except ValueError as exc:
        raise Unprocessable(
            f"instance id '{value}' is not a UUID", code="invalid_instance_id",
            errors=[{"loc": ["instance_id"], "msg": "not a UUID", "type": "invalid_instance_id"}],
        ) from exc


# --- what an instrument says about its questions -------------------------------------------------

@dataclass(frozen=True)
class QuestionClasses:
    personal: frozenset[str]   # identifiers kept apart: exact GPS and questions marked personal
    sensitive: frozenset[str]  # answers only roles granted sensitive access may read
    personal_repeats: frozenset[str]  # the repeats (at any depth) that hold a personal question


_classes_cache: dict[str, QuestionClasses] = {}


def question_classes(instrument: survey_defs.Instrument) -> QuestionClasses:
    cached = _classes_cache.get(instrument.content_hash)
    if cached is None:
        located = list(instrument.questions())
        personal = [item for item in located if item.element.type == "geopoint" or item.element.personal]
        cached = QuestionClasses(
            personal=frozenset(item.element.name for item in personal),
            sensitive=frozenset(item.element.name for item in located
                                if isinstance(item.element, Question) and item.element.sensitive),
            personal_repeats=frozenset(ancestor.name for item in personal for ancestor in item.ancestors
                                       if isinstance(ancestor, Repeat)),
        )
        _classes_cache[instrument.content_hash] = cached
    return cached


def split_answers(answers: dict[str, Any], names: frozenset[str], within: frozenset[str] | None = None,
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answers without the named fields (inside repeats too), and those fields by path.

    `within`: the only repeats to look into, for answers already validated against their instrument,
    which then hold no field outside its place (see `QuestionClasses.personal_repeats`); the other
    repeats are kept as they are, not copied. None: every list of objects is looked into."""
    removed: dict[str, Any] = {}

    def walk(source: dict[str, Any], prefix: str) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for key, value in source.items():
            if key in names:
                removed[f"{prefix}{key}"] = value
            # A repeat is a non-empty list of groups; a select_multiple's list stops at its first choice.
            elif (within is None or key in within) and isinstance(value, list) and value and isinstance(
                    value[0], dict) and all(isinstance(item, dict) for item in value):
                kept[key] = [walk(item, f"{prefix}{key}[{index}].") for index, item in enumerate(value)]
            else:
                kept[key] = value
        return kept

    return walk(answers, ""), removed


# --- accepting interviews --------------------------------------------------------------------------

@dataclass
class Prepared:
    """A validated interview ready to store, whatever it came as (JSON or OpenRosa XML)."""

    instance_id: str
    version: InstrumentVersion
    answers: dict[str, Any]
    personal: dict[str, Any]
    content_hash: str
    payload: str
    payload_format: str
    source: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    device_id: str | None = None
    gps: GPS | None = None
    assignment_id: int | None = None


class VersionLookup:
    """Published versions by (form_id, version), looked up once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[tuple[str, str], InstrumentVersion] = {}

    def get(self, form_id: str, version: str) -> InstrumentVersion:
        key = (form_id, version)
        if key not in self._rows:
            row = instruments_repository.version_for_reading(self.session, form_id, version)
            if row is None or row.status == instruments.DRAFT:  # raises what is missing
                row = instruments.get_version(self.session, form_id, version, include_drafts=False)
            elif not instruments.is_compiled(row):  # first use in this process: a row that can load its definition
                row = instruments_repository.version_by_form(self.session, form_id, version)
            self._rows[key] = row
        return self._rows[key]


def _answer_errors(errors) -> list[dict[str, Any]]:
    return [{"loc": ["answers", *_path_parts(e.path)], "msg": e.message, "type": e.code, "path": e.path} for e in errors]


def _path_parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in filter(None, path.split(".")):
        if "[" in piece and piece.endswith("]"):
            name, index = piece[:-1].split("[", 1)
            parts.extend([name, int(index)])
        else:
            parts.append(piece)
    return parts


def check_may_collect(actor: User, version: InstrumentVersion) -> None:
    if not has_permission(actor, Permission.submit_interviews):
        raise Forbidden(f"Your role '{actor.role}' cannot submit interviews", code="permission_denied")
    if version.sensitive and not actor.vawg_certified:
        raise Forbidden(
            "This instrument has a sensitive (VAWG) module; only certified enumerators may submit it",
            code="vawg_certification_required",
        )


def validated_answers(version: InstrumentVersion, answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answers checked against the exact version, split into (answers, personal identifiers)."""
    validator, classes = _answer_rules(version)
    errors = validator.validate(answers)
    if errors:
        raise Unprocessable(
            f"The interview has {len(errors)} invalid answer(s)", code="answers_invalid", errors=_answer_errors(errors)
        )
    return split_answers(answers, classes.personal, classes.personal_repeats)


_ANSWER_RULES_CACHE_SIZE = 64
_answer_rules_cache: dict[str, tuple[Validator, QuestionClasses]] = {}
_answer_rules_lock = threading.Lock()


def _answer_rules(version: InstrumentVersion) -> tuple[Validator, QuestionClasses]:
    """A version's validator and question classes, found by the row's content hash: reading the
    instrument's own (a pydantic private attribute) costs about 3 us, and each look-up by it read it
    again, twice per interview of a batch."""
    rules = _answer_rules_cache.get(version.content_hash)
    if rules is None:
        instrument = instruments.compiled(version)
        rules = compile_validator(instrument), question_classes(instrument)
        with _answer_rules_lock:  # the threadpool's requests (OpenRosa, edits) validate too
            if len(_answer_rules_cache) >= _ANSWER_RULES_CACHE_SIZE:
                _answer_rules_cache.pop(next(iter(_answer_rules_cache)))
            rules = _answer_rules_cache.setdefault(version.content_hash, rules)
    return rules


def prepare(lookup: VersionLookup, actor: User, data: SubmissionCreate, payload: str) -> Prepared:
    version = lookup.get(data.instrument.form_id, data.instrument.version)
    check_may_collect(actor, version)
    answers, personal = validated_answers(version, data.answers)
    instance_id = normalise_instance_id(data.instance_id)
    # Without a named assignment, the household code answered (as on the assignment list) finds it.
    assignment_id = fieldwork.admit_interview(lookup.session, actor, version, assignment_id=data.assignment_id,
                                              instance_id=instance_id, household_code=data.answers.get("household_code"))
    paradata = data.paradata
    return Prepared(
        instance_id=instance_id,
        version=version,
        answers=answers,
        personal=personal,
        content_hash=interview_hash(data),
        payload=payload,
        payload_format="json",
        source="json",
        started_at=paradata.started_at,
        ended_at=paradata.ended_at,
        device_id=paradata.device_id,
        gps=paradata.gps,
        assignment_id=assignment_id,
    )


def _rows_for(prepared: Prepared, actor: User, now: datetime | None = None,
              ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """The column values of a new interview: its submission, first revision and personal identifiers
    (if any); plain values, as the interview is inserted without the ORM. `now`: when it was received
    (a batch's interviews arrive together)."""
    now = now or utcnow()
    duration = (
        (prepared.ended_at - prepared.started_at).total_seconds()
        if prepared.started_at is not None and prepared.ended_at is not None
        else None
    )
    submission = {
        "instance_id": prepared.instance_id, "instrument_version_id": prepared.version.id,
        "enumerator_id": actor.id, "assignment_id": prepared.assignment_id, "current_revision": 1,
        "content_hash": prepared.content_hash, "source": prepared.source, "review_status": RECEIVED,
        "started_at": prepared.started_at, "ended_at": prepared.ended_at, "duration_seconds": duration,
        "device_id": prepared.device_id, "received_at": now, "updated_at": now,
    }
    revision = {
        "revision": 1, "answers": prepared.answers, "payload": prepared.payload,
        "payload_format": prepared.payload_format, "content_hash": prepared.content_hash,
        "author_id": actor.id, "created_at": now,
    }
    gps = prepared.gps
    personal = None if not prepared.personal and gps is None else {
        "data": prepared.personal,
        "latitude": gps.latitude if gps else None,
        "longitude": gps.longitude if gps else None,
        "gps_accuracy": gps.accuracy if gps else None,
    }
    return submission, revision, personal


def _resolve_existing(existing: Submission, prepared: Prepared) -> Submission:
    if existing.content_hash == prepared.content_hash:
        return existing
    raise Conflict(
        f"Interview {prepared.instance_id} was already received with different content; "
        "send an edit (PUT /api/v1/submissions/{instance_id}) to change it",
        code="instance_conflict",
    )


def accept(session: Session, actor: User, prepared: Prepared) -> tuple[Submission, bool]:
    """Store a prepared interview once; a resend of the same content returns the stored one. A new
    interview comes back as a detached, read-only Submission (it was inserted without the ORM)."""
    submission, revision, personal = _rows_for(prepared, actor)
    submission_id = repository.insert_new_interview(session, submission, revision, personal)
    if submission_id is None:
        # Stored before, or by a concurrent request that committed first: a resend or a conflict.
        existing = repository.by_instance(session, prepared.instance_id)
        if existing is None:  # the unique index and the table disagree: never report it as stored
            raise RuntimeError(f"instance id {prepared.instance_id} is taken but no submission holds it")
        return _resolve_existing(existing, prepared), False
    return Submission.model_construct(**submission, id=submission_id), True


def prepare_one(session: Session, actor: User, data: SubmissionCreate, payload: str) -> Prepared:
    """One JSON interview validated and checked against the actor's assignments, ready for `store_one`."""
    return prepare(VersionLookup(session), actor, data, payload)


def store_one(session: Session, actor: User, data: SubmissionCreate,
              prepared: Prepared) -> tuple[SubmissionPublic, bool]:
    """Store a prepared JSON interview; its public view, and whether it was new (else the stored one)."""
    submission, created = accept(session, actor, prepared)
    if not created:
        return public_view(session, actor, submission), False
    revision = SubmissionRevision.model_construct(submission_id=submission.id, revision=1, answers=prepared.answers,
                                                  created_at=submission.received_at)
    return public_view(session, actor, submission, revision=revision, version=prepared.version,
                       form_id=data.instrument.form_id, enumerator=actor.username), True


def submit_batch(session: Session, actor: User, items: list[tuple[Any, str]]) -> BatchResult:
    """Each interview (its value decoded from JSON, and its JSON text to keep) gets its own verdict;
    valid new ones are stored together."""
    lookup = VersionLookup(session)
    results: list[BatchItemResult | None] = [None] * len(items)
    ready: list[tuple[int, Prepared]] = []
    for index, (item, text) in enumerate(items):
        if isinstance(item, UnreadableItem):
            results[index] = BatchItemResult(index=index, instance_id=item.instance_id, status="invalid",
                                             errors=item.errors)
            continue
        hint = instance_hint(item)
        try:
            data = SubmissionCreate.model_validate(item)
            prepared = prepare(lookup, actor, data, text)
        except ValidationError as exc:
            errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
            results[index] = BatchItemResult(index=index, instance_id=hint, status="invalid", errors=errors)
            continue
        except (Unprocessable, NotFound, Forbidden, Conflict) as exc:
            errors = exc.errors or [{"loc": [], "msg": exc.detail, "type": exc.code}]
            status = "conflict" if isinstance(exc, Conflict) else "invalid"
            results[index] = BatchItemResult(index=index, instance_id=hint, status=status, errors=errors)
            continue
        ready.append((index, prepared))

    stored_hashes = repository.content_hashes(session, {p.instance_id for _, p in ready})
    first_in_batch: dict[str, Prepared] = {}
    to_store: list[tuple[int, Prepared]] = []
    for index, prepared in ready:
        earlier_hash = stored_hashes.get(prepared.instance_id)
        if earlier_hash is None and prepared.instance_id in first_in_batch:
            earlier_hash = first_in_batch[prepared.instance_id].content_hash
        if earlier_hash is None:
            first_in_batch[prepared.instance_id] = prepared
            to_store.append((index, prepared))
            status = "created"
        else:
            status = "duplicate" if earlier_hash == prepared.content_hash else "conflict"
        results[index] = _verdict(index, prepared, status)

    try:
        with session.begin_nested():
            _store_many(session, actor, [p for _, p in to_store])
    except (IntegrityError, DataError):
        # A concurrent upload stored some of these meanwhile, or the database refused a value that the
        # request's schemas let through: one at a time, so that such a value refuses only its interview.
        for index, prepared in to_store:
            results[index] = _store_one(session, actor, index, prepared)
    final = [r for r in results if r is not None]
    counts = {status: sum(1 for r in final if r.status == status) for status in ("created", "duplicate", "invalid", "conflict")}
    return BatchResult(**counts, results=final)


_CONFLICT_ERRORS = [{"loc": ["instance_id"], "msg": "already received with different content",
                     "type": "instance_conflict"}]
_UNSTORABLE_ERRORS = [{"loc": [], "msg": "a value cannot be stored by the database (for example a number out of range)",
                       "type": "unstorable_value"}]


def _verdict(index: int, prepared: Prepared, status: str) -> BatchItemResult:
    """A prepared interview's result: created, duplicate, conflict, or invalid (the database refused it)."""
    errors = {"conflict": _CONFLICT_ERRORS, "invalid": _UNSTORABLE_ERRORS}.get(status, [])
    return BatchItemResult(index=index, instance_id=prepared.instance_id, status=status, errors=errors)


def _store_one(session: Session, actor: User, index: int, prepared: Prepared) -> BatchItemResult:
    try:
        with session.begin_nested():  # a refused value undoes only this interview's rows
            _, created = accept(session, actor, prepared)
    except Conflict:
        return _verdict(index, prepared, "conflict")
    except DataError:
        return _verdict(index, prepared, "invalid")
    return _verdict(index, prepared, "created" if created else "duplicate")


def _store_many(session: Session, actor: User, prepared_list: list[Prepared]) -> None:
    now = utcnow()
    rows = [_rows_for(p, actor, now) for p in prepared_list]
    repository.insert_many(session, [s for s, _, _ in rows], [r for _, r, _ in rows], [p for _, _, p in rows])


# --- reading, editing, reviewing --------------------------------------------------------------------

def _visible(session: Session, actor: User, instance_id: str, *, include_deleted: bool = False) -> Submission:
    submission = repository.by_instance(session, normalise_instance_id(instance_id))
    hidden = submission is None or (submission.deleted_at is not None and not include_deleted)
    visible = None if hidden else fieldwork.visible_enumerators(session, actor)
    if visible is not None and submission.enumerator_id not in visible:
        hidden = True  # an enumerator reads only their own interviews, a supervisor their teams'
    if hidden:
        raise NotFound(f"No interview {instance_id}", code="submission_not_found")
    return submission


def _withhold(actor: User, instrument: survey_defs.Instrument, answers: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    if actor.sensitive_access:
        return answers, []
    shown, withheld = split_answers(answers, question_classes(instrument).sensitive)
    return shown, sorted(withheld)


def public_view(session: Session, actor: User, submission: Submission, revision: SubmissionRevision | None = None,
                version: InstrumentVersion | None = None, form_id: str | None = None,
                enumerator: str | None = None) -> SubmissionPublic:
    revision = revision or repository.revision(session, submission.id, submission.current_revision)
    version = version or instruments_repository.get_version_by_id(session, submission.instrument_version_id)
    if form_id is None:
        form_id = session.get(instruments.Instrument, version.instrument_id).form_id
    answers, withheld = _withhold(actor, instruments.compiled(version), revision.answers)
    return SubmissionPublic(
        instance_id=submission.instance_id,
        form_id=form_id,
        version=version.version,
        enumerator=enumerator or repository.username(session, submission.enumerator_id),
        assignment_id=submission.assignment_id,
        revision=submission.current_revision,
        review_status=submission.review_status,
        review_comment=submission.review_comment,
        answers=answers,
        withheld=withheld,
        started_at=submission.started_at,
        ended_at=submission.ended_at,
        duration_seconds=submission.duration_seconds,
        device_id=submission.device_id,
        received_at=submission.received_at,
        updated_at=submission.updated_at,
        deleted=submission.deleted_at is not None,
    )


def read(session: Session, actor: User, instance_id: str) -> SubmissionPublic:
    submission = _visible(session, actor, instance_id, include_deleted=actor.role == Role.admin)
    view = public_view(session, actor, submission)
    audit.record(session, actor, "submission.read", "submission", submission.instance_id,
                 {"withheld": len(view.withheld)})
    return view


def list_page(session: Session, actor: User, *, offset: int, limit: int, form_id: str | None,
              review_status: str | None) -> tuple[list[SubmissionPublic], int]:
    rows, total = repository.page(
        session, offset=offset, limit=limit,
        enumerator_ids=fieldwork.visible_enumerators(session, actor),
        form_id=form_id, review_status=review_status, include_deleted=False,
    )
    items = [
        public_view(session, actor, s, revision=r, version=v, form_id=f, enumerator=u) for s, r, v, f, u in rows
    ]
    audit.record(session, actor, "submission.list", "submission", None,
                 {"instance_ids": [i.instance_id for i in items], "form_id": form_id})
    return items, total


def revisions(session: Session, actor: User, instance_id: str) -> list[RevisionPublic]:
    submission = _visible(session, actor, instance_id)
    instrument = instruments.compiled(instruments_repository.get_version_by_id(session, submission.instrument_version_id))
    result = []
    for revision, author in repository.revisions(session, submission.id):
        answers, withheld = _withhold(actor, instrument, revision.answers)
        result.append(RevisionPublic(revision=revision.revision, author=author, reason=revision.reason,
                                     created_at=revision.created_at, answers=answers, withheld=withheld))
    audit.record(session, actor, "submission.revisions", "submission", submission.instance_id, None)
    return result


def edit(session: Session, actor: User, instance_id: str, change: SubmissionEdit, *, payload: str) -> SubmissionPublic:
    """A new revision: validated like a first submission, the previous answers kept as they were."""
    submission = _visible(session, actor, instance_id)
    if actor.role == Role.enumerator and submission.review_status not in (RECEIVED, RETURNED):
        raise Conflict(f"Interview {instance_id} is {submission.review_status}; only a supervisor can change it now",
                       code="submission_locked")
    version = instruments_repository.get_version_by_id(session, submission.instrument_version_id)
    answers, personal = validated_answers(version, change.answers)
    revision = add_revision(
        session, actor, submission, answers=answers, personal=personal, payload=payload, payload_format="json",
        content_hash=canonical_hash(change.answers), reason=change.reason,
    )
    return public_view(session, actor, submission, revision=revision, version=version)


def add_revision(
    session: Session,
    actor: User,
    submission: Submission,
    *,
    answers: dict[str, Any],
    personal: dict[str, Any],
    payload: str,
    payload_format: str,
    content_hash: str,
    reason: str,
    instance_id: str | None = None,
) -> SubmissionRevision:
    """Append a revision (answers already validated); personal identifiers and GPS carry over."""
    previous = repository.revision(session, submission.id, submission.current_revision)
    revision = SubmissionRevision(
        submission_id=submission.id, revision=submission.current_revision + 1, instance_id=instance_id,
        answers=answers, payload=payload, payload_format=payload_format, content_hash=content_hash,
        author_id=actor.id, reason=reason,
    )
    repository.add(session, revision)
    old_personal = repository.personal(session, previous.id)
    if personal or old_personal:
        repository.add(session, SubmissionPersonal(
            revision_id=revision.id, data=personal,
            latitude=old_personal.latitude if old_personal else None,
            longitude=old_personal.longitude if old_personal else None,
            gps_accuracy=old_personal.gps_accuracy if old_personal else None,
        ))
    submission.current_revision = revision.revision
    submission.updated_at = utcnow()
    if submission.review_status == RETURNED and actor.id == submission.enumerator_id:
        submission.review_status = RESUBMITTED
    repository.add(session, submission)
    audit.record(session, actor, "submission.edit", "submission", submission.instance_id,
                 {"revision": revision.revision, "reason": reason})
    return revision


def review(session: Session, actor: User, instance_id: str, action: str, comment: str | None) -> SubmissionPublic:
    submission = _visible(session, actor, instance_id)
    if submission.review_status == APPROVED and action == "approve":
        raise Conflict(f"Interview {instance_id} is already approved", code="already_approved")
    _apply_review(session, actor, submission, action, comment)
    return public_view(session, actor, submission)


def review_many(session: Session, actor: User, instance_ids: list[str], action: str,
                comment: str | None) -> BulkReviewResult:
    """The same decision for each interview, with a verdict per item: an interview the reviewer cannot
    see is `not_found` (as for one), an approved one is left alone; the others are all decided."""
    results = []
    for instance_id in instance_ids:
        try:
            submission = _visible(session, actor, instance_id)
        except NotFound:
            results.append(BulkReviewItem(instance_id=instance_id, status="not_found"))
            continue
        if submission.review_status == APPROVED and action == "approve":
            results.append(BulkReviewItem(instance_id=submission.instance_id, status="already_approved"))
            continue
        _apply_review(session, actor, submission, action, comment)
        results.append(BulkReviewItem(instance_id=submission.instance_id,
                                      status="approved" if action == "approve" else "returned"))
    counts = Counter(item.status for item in results)
    return BulkReviewResult(approved=counts["approved"], returned=counts["returned"],
                            already_approved=counts["already_approved"], not_found=counts["not_found"],
                            results=results)


def _apply_review(session: Session, actor: User, submission: Submission, action: str, comment: str | None) -> None:
    submission.review_status = APPROVED if action == "approve" else RETURNED
    submission.review_comment = comment
    submission.reviewed_by = actor.id
    submission.reviewed_at = submission.updated_at = utcnow()
    repository.add(session, submission)
    audit.record(session, actor, f"submission.{action}", "submission", submission.instance_id, {"comment": comment})


def soft_delete(session: Session, actor: User, instance_id: str) -> None:
    submission = _visible(session, actor, instance_id)
    submission.deleted_at = utcnow()
    submission.deleted_by = actor.id
    repository.add(session, submission)
    audit.record(session, actor, "submission.delete", "submission", submission.instance_id, None)


def restore(session: Session, actor: User, instance_id: str) -> SubmissionPublic:
    submission = _visible(session, actor, instance_id, include_deleted=True)
    if submission.deleted_at is None:
        raise Conflict(f"Interview {instance_id} is not deleted", code="not_deleted")
    submission.deleted_at = None
    submission.deleted_by = None
    submission.updated_at = utcnow()
    repository.add(session, submission)
    audit.record(session, actor, "submission.restore", "submission", submission.instance_id, None)
    return public_view(session, actor, submission)


def personal_identifiers(session: Session, actor: User, instance_id: str) -> dict[str, Any]:
    submission = _visible(session, actor, instance_id)
    revision = repository.revision(session, submission.id, submission.current_revision)
    row = repository.personal(session, revision.id)
    audit.record(session, actor, "submission.read_personal", "submission", submission.instance_id, None)
    if row is None:
        return {"identifiers": {}, "gps": None}
    gps = None if row.latitude is None else {"latitude": row.latitude, "longitude": row.longitude,
                                              "accuracy": row.gps_accuracy}
    return {"identifiers": row.data, "gps": gps}
