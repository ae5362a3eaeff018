"""Instrument rules: upload drafts, publish immutable versions, retire, compare, export.

An upload is parsed and validated completely (survey_defs) before anything is
stored: an invalid form is a 422 listing every problem and changes nothing.
"""

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import survey_defs
from api.audit import service as audit
from api.db_types import utcnow
from api.errors import Conflict, NotFound, Unprocessable
from api.instruments import repository
from api.instruments.models import Instrument, InstrumentVersion
from api.users.models import User
from survey_defs import InstrumentInvalid, Problem, SurveyDefsError, load_instrument
from survey_defs.diff import diff_instruments
from survey_defs.preview import preview
from survey_defs.safety import safety_problems
from survey_defs.xform import to_xform

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"


def problems_as_errors(problems: tuple[Problem, ...] | list[Problem]) -> list[dict[str, Any]]:
    """survey_defs problems in the problem+json `errors` shape, keeping sheet/row/column."""
    return [
        {
            "loc": [part for part in (p.sheet, p.row, p.column) if part is not None],
            "msg": p.message,
            "type": p.code,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
        }
        for p in problems
    ]


def parse_form(data: bytes, filename: str) -> survey_defs.Instrument:
    """Parse, validate and safety-check an XLSForm, or raise 422 with every problem."""
    try:
        instrument = load_instrument(data, filename)
    except InstrumentInvalid as exc:
        raise Unprocessable(
            f"The XLSForm has {len(exc.problems)} problem(s)",
            code="instrument_invalid",
            errors=problems_as_errors(exc.problems),
        ) from exc
    unsafe = safety_problems(instrument)
    if unsafe:
        raise Unprocessable(
            "The instrument has sensitive questions without the WHO safeguards",
            code="instrument_unsafe",
            errors=problems_as_errors(unsafe),
        )
    return instrument


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of version strings: '2026.10' < '2026.9' is false, '2' < '10' is true."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", version))


def _is_sensitive(instrument: survey_defs.Instrument) -> bool:
    return any(getattr(located.element, "sensitive", False) for located in instrument.walk())


def upload(session: Session, actor: User | None, data: bytes, filename: str) -> tuple[Instrument, InstrumentVersion]:
    """Store an XLSForm as a draft: a new instrument, a new version, or a replaced draft."""
    parsed = parse_form(data, filename)
    form_id, version = parsed.settings.form_id, parsed.settings.version
    instrument = repository.get_by_form_id(session, form_id)
    if instrument is None:
        instrument = Instrument(form_id=form_id, title=parsed.settings.title, created_by=getattr(actor, "id", None))
        try:
            with session.begin_nested():
                repository.add(session, instrument)
        except IntegrityError as exc:
            raise Conflict(f"Instrument '{form_id}' was created concurrently; retry", code="concurrent_update") from exc
    existing = repository.get_version(session, instrument.id, version)
    if existing is not None and existing.status != DRAFT:
        raise Conflict(
            f"Version '{version}' of '{form_id}' is {existing.status} and immutable; "
            "give the form a new version in its settings sheet",
            code="version_immutable",
        )
    row = existing or InstrumentVersion(instrument_id=instrument.id, version=version, created_by=getattr(actor, "id", None))
    row.title = parsed.settings.title
    row.content_hash = parsed.content_hash
    row.definition = parsed.model_dump(mode="json")
    row.languages = list(parsed.languages)
    row.sensitive = _is_sensitive(parsed)
    row.source_filename = filename
    row.source = data
    repository.add(session, row)
    instrument.title = parsed.settings.title
    repository.add(session, instrument)
    audit.record(
        session, actor, "instrument.upload", "instrument_version", row.id,
        {"form_id": form_id, "version": version, "replaced_draft": existing is not None},
    )
    return instrument, row


def get_instrument(session: Session, form_id: str) -> Instrument:
    instrument = repository.get_by_form_id(session, form_id)
    if instrument is None:
        raise NotFound(f"No instrument with form_id '{form_id}'", code="instrument_not_found")
    return instrument


def get_version(session: Session, form_id: str, version: str, *, include_drafts: bool) -> InstrumentVersion:
    instrument = get_instrument(session, form_id)
    row = repository.get_version(session, instrument.id, version)
    if row is None or (row.status == DRAFT and not include_drafts):
        raise NotFound(f"No version '{version}' of '{form_id}'", code="version_not_found")
    return row


def list_versions(session: Session, instrument: Instrument, *, include_drafts: bool) -> list[InstrumentVersion]:
    return repository.versions(session, instrument.id, published_only=not include_drafts)


def publish(session: Session, actor: User | None, form_id: str, version: str) -> InstrumentVersion:
    row = get_version(session, form_id, version, include_drafts=True)
    if row.status != DRAFT:
        raise Conflict(f"Version '{version}' of '{form_id}' is already {row.status}", code="version_immutable")
    released = [v for v in repository.versions(session, row.instrument_id, published_only=True)]
    newest = max(released, key=lambda v: version_key(v.version), default=None)
    if newest is not None and version_key(version) <= version_key(newest.version):
        raise Conflict(
            f"Version '{version}' must be greater than the latest published version '{newest.version}'",
            code="version_not_increasing",
        )
    xform = _convert(compiled(row))
    row.xform = xform
    row.xform_md5 = hashlib.md5(xform.encode("utf-8")).hexdigest()
    row.status = PUBLISHED
    row.published_at = utcnow()
    row.published_by = getattr(actor, "id", None)
    repository.add(session, row)
    audit.record(session, actor, "instrument.publish", "instrument_version", row.id, {"form_id": form_id, "version": version})
    return row


def retire(session: Session, actor: User | None, form_id: str, version: str) -> InstrumentVersion:
    row = get_version(session, form_id, version, include_drafts=True)
    if row.status != PUBLISHED:
        raise Conflict(f"Only a published version can be retired; '{version}' is {row.status}", code="not_published")
    row.status = RETIRED
    row.retired_at = utcnow()
    repository.add(session, row)
    audit.record(session, actor, "instrument.retire", "instrument_version", row.id, {"form_id": form_id, "version": version})
    return row


def delete_draft(session: Session, actor: User | None, form_id: str, version: str) -> None:
    row = get_version(session, form_id, version, include_drafts=True)
    if row.status != DRAFT:
        raise Conflict(f"Version '{version}' is {row.status} and cannot be deleted", code="version_immutable")
    repository.delete(session, row)
    audit.record(session, actor, "instrument.delete_draft", "instrument_version", row.id, {"form_id": form_id, "version": version})


_COMPILED_CACHE_SIZE = 128
_compiled_by_hash: dict[str, survey_defs.Instrument] = {}
_compiled_lock = threading.Lock()


def is_compiled(row: InstrumentVersion) -> bool:
    """Whether `compiled(row)` is answered without reading the row's definition."""
    return row.content_hash in _compiled_by_hash


def compiled(row: InstrumentVersion) -> survey_defs.Instrument:
    """The typed instrument of a stored version, parsed once per content hash (the definition is
    read from the row only when this process has not parsed it yet)."""
    instrument = _compiled_by_hash.get(row.content_hash)
    if instrument is None:
        instrument = survey_defs.Instrument.model_validate(row.definition)
        with _compiled_lock:
            if len(_compiled_by_hash) >= _COMPILED_CACHE_SIZE:
                _compiled_by_hash.pop(next(iter(_compiled_by_hash)))
            instrument = _compiled_by_hash.setdefault(row.content_hash, instrument)
    return instrument


def xform_of(row: InstrumentVersion) -> str:
    """The XForm served for a version: frozen at publication, generated on demand for drafts."""
    return row.xform if row.xform is not None else _convert(compiled(row))


def _convert(instrument: survey_defs.Instrument) -> str:
    try:
        return to_xform(instrument)
    except SurveyDefsError as exc:
        raise Unprocessable(exc.message, code=exc.code) from exc


def preview_of(row: InstrumentVersion) -> dict[str, Any]:
    return preview(compiled(row))


@dataclass(frozen=True)
class VersionPair:
    old: InstrumentVersion
    new: InstrumentVersion


def diff_of(pair: VersionPair) -> dict[str, Any]:
    return diff_instruments(compiled(pair.old), compiled(pair.new)).model_dump(mode="json")
