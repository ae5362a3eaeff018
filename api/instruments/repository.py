"""All SQL touching instruments and their versions."""

import threading
import weakref

from sqlalchemy import Engine, bindparam, func
from sqlalchemy import select as core_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from api.direct_queries import DirectQuery
from api.instruments.models import Instrument, InstrumentVersion


def get_by_form_id(session: Session, form_id: str) -> Instrument | None:
    return session.exec(select(Instrument).where(Instrument.form_id == form_id)).first()


# A version's large columns (the definition, the source file, the XForm: hundreds of kilobytes), left
# unloaded until read. Any query reading many versions, or versions beside many other rows (a page of
# interviews, a wave's interviews), defers them: joined, they came back once per row (a wave of 20,000
# interviews read 4 GB), and a device's form list read every published version's.
LIGHT_VERSION = tuple(defer(column) for column in (InstrumentVersion.definition, InstrumentVersion.source,
                                                   InstrumentVersion.xform))


def version_by_form(session: Session, form_id: str, version: str) -> InstrumentVersion | None:
    """A version named by form id, in one query and without its large columns, which load only if read:
    what a submission needs to be checked."""
    return session.exec(
        select(InstrumentVersion)
        .join(Instrument, col(Instrument.id) == col(InstrumentVersion.instrument_id))
        .where(Instrument.form_id == form_id, InstrumentVersion.version == version)
        .options(*LIGHT_VERSION, defer(InstrumentVersion.languages))
    ).first()


_LIGHT_COLUMNS = [column for column in InstrumentVersion.__table__.columns  # type: ignore[attr-defined]
                  if column.key not in ("definition", "source", "xform", "languages")]
_UNLOADED = {"definition": None, "source": None, "xform": None, "languages": None}
_VERSION_BY_FORM = DirectQuery(
    core_select(*_LIGHT_COLUMNS)
    .join(Instrument.__table__, Instrument.__table__.c.id == InstrumentVersion.__table__.c.instrument_id)
    .where(Instrument.__table__.c.form_id == bindparam("form_id"),
           InstrumentVersion.__table__.c.version == bindparam("version"))
)


_PUBLISHED_KEPT = 1024
_published_for_reading: "weakref.WeakKeyDictionary[Engine, dict[tuple[str, str], InstrumentVersion]]" = (
    weakref.WeakKeyDictionary())
_published_lock = threading.Lock()


def version_for_reading(session: Session, form_id: str, version: str) -> InstrumentVersion | None:
    """`version_by_form` for a caller that only reads the row, in one Core query: a detached object
    without the definition, the source, the XForm or the languages, which it cannot load.

    A version once published is remembered per database: every interview asks for its version, and
    what this row holds never changes after publication but its status (published, then retired) and
    the retirement time; a published version is never deleted. So callers may rely on its status only
    to tell a draft (never remembered) from a published or retired version."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)  # a Session bound to a Connection (the interview intake's)
    published = _published_for_reading.get(engine)
    row = published.get((form_id, version)) if published is not None else None
    if row is not None:
        return row
    found = _VERSION_BY_FORM.first(session, {"form_id": form_id, "version": version})
    if found is None:
        return None
    # The unloaded columns are None, said outright: model_construct would otherwise run their default
    # factories, and pydantic inspects a factory's signature on every call.
    row = InstrumentVersion.model_construct(**found._asdict(), **_UNLOADED)
    if row.status != "draft":
        with _published_lock:
            published = _published_for_reading.setdefault(engine, {})
            if len(published) >= _PUBLISHED_KEPT:
                published.pop(next(iter(published)))
            published[(form_id, version)] = row
    return row


def forget_published_versions(engine: Engine) -> None:
    """Forget the published versions remembered for a database whose rows were all deleted or replaced
    while this process ran (tests emptying their tables; `sinmiedo restore` asks for the service to be
    stopped first, so a restored database meets no remembered row)."""
    with _published_lock:
        _published_for_reading.pop(engine, None)


def add(session: Session, row: Instrument | InstrumentVersion) -> None:
    session.add(row)
    session.flush()


def page(session: Session, *, offset: int, limit: int, published_only: bool) -> tuple[list[Instrument], int]:
    query = select(Instrument)
    if published_only:
        published = select(InstrumentVersion.instrument_id).where(InstrumentVersion.status != "draft")
        query = query.where(col(Instrument.id).in_(published))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Instrument.form_id)).offset(offset).limit(limit)).all()
    return list(rows), total


def versions(session: Session, instrument_id: int, *, published_only: bool) -> list[InstrumentVersion]:
    query = select(InstrumentVersion).where(InstrumentVersion.instrument_id == instrument_id).options(*LIGHT_VERSION)
    if published_only:
        query = query.where(InstrumentVersion.status != "draft")
    return list(session.exec(query.order_by(col(InstrumentVersion.id))).all())


def get_version(session: Session, instrument_id: int, version: str) -> InstrumentVersion | None:
    return session.exec(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == instrument_id, InstrumentVersion.version == version
        )
    ).first()


def get_version_by_id(session: Session, version_id: int) -> InstrumentVersion | None:
    return session.get(InstrumentVersion, version_id)


def delete(session: Session, row: InstrumentVersion) -> None:
    session.delete(row)
    session.flush()
