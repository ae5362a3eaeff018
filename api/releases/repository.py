"""All SQL touching releases. Public readers go through `published`, `published_page` and
`published_all` only,
which read the release table alone: no respondent-level table is reachable from here."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.releases.models import Release, ReleaseTable


def add(session: Session, row: Release | ReleaseTable) -> None:
    session.add(row)
    session.flush()


def delete(session: Session, row: Release | ReleaseTable) -> None:
    session.delete(row)
    session.flush()


def get(session: Session, release_id: int) -> Release | None:
    return session.get(Release, release_id)


def page(session: Session, *, offset: int, limit: int) -> list[Release]:
    return list(session.exec(select(Release).order_by(col(Release.id)).offset(offset).limit(limit)).all())


def tables(session: Session, release_id: int) -> list[ReleaseTable]:
    query = select(ReleaseTable).where(ReleaseTable.release_id == release_id).order_by(col(ReleaseTable.position))
    return list(session.exec(query).all())


def table(session: Session, release_id: int, key: str) -> ReleaseTable | None:
    return session.exec(
        select(ReleaseTable).where(ReleaseTable.release_id == release_id, ReleaseTable.key == key)
    ).first()


def last_number(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(Release.number), 0))).one()


def published(session: Session, number: int) -> Release | None:
    return session.exec(select(Release).where(Release.number == number, Release.status == "published")).first()


def published_page(session: Session, *, offset: int, limit: int) -> list[Release]:
    query = select(Release).where(Release.status == "published").order_by(col(Release.number).desc())
    return list(session.exec(query.offset(offset).limit(limit)).all())


def published_all(session: Session) -> list[Release]:
    query = select(Release).where(Release.status == "published").order_by(col(Release.number))
    return list(session.exec(query).all())
