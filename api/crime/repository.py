"""All SQL touching police-recorded crime, its reference data and import batches."""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import func, insert
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.crime.models import (
    CrimeCount,
    CrimeImportBatch,
    CrimeOffenceCode,
    CrimeOffenceMapping,
    CrimePopulationRow,
    CrimePopulationTable,
    CrimeTerritory,
    CrimeVictimRecord,
)

Row = TypeVar("Row", bound=SQLModel)


def add(session: Session, row: SQLModel) -> None:
    session.add(row)
    session.flush()


INSERT_CHUNK_ROWS = 5_000


def insert_rows(session: Session, table: type[SQLModel], rows: Iterable[dict[str, Any]]) -> None:
    """Many rows, an executemany per 5,000: imports hold thousands, and ORM objects would cost more than the
    SQL. In chunks, so that the driver's copy of the parameters stays small: given at once, the 240,000 rows
    of a police file took 420 MB more at their insert than the rows themselves."""
    chunks = iter(rows)
    while chunk := list(islice(chunks, INSERT_CHUNK_ROWS)):
        session.execute(insert(table), chunk)


def _page(session: Session, query: SelectOfScalar[Row], order: Any, offset: int, limit: int) -> tuple[list[Row], int]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    return list(session.exec(query.order_by(order).offset(offset).limit(limit)).all()), total


def find_batch(session: Session, kind: str, scope: str, sha256: str) -> CrimeImportBatch | None:
    return session.exec(
        select(CrimeImportBatch).where(
            CrimeImportBatch.kind == kind, CrimeImportBatch.scope == scope, CrimeImportBatch.sha256 == sha256
        )
    ).first()


def get_batch(session: Session, batch_id: int) -> CrimeImportBatch | None:
    return session.get(CrimeImportBatch, batch_id)


def page_batches(
    session: Session, *, offset: int, limit: int, kind: str | None, source: str | None
) -> tuple[list[CrimeImportBatch], int]:
    query = select(CrimeImportBatch)
    if kind is not None:
        query = query.where(CrimeImportBatch.kind == kind)
    if source is not None:
        query = query.where(CrimeImportBatch.source == source)
    return _page(session, query, col(CrimeImportBatch.id).desc(), offset, limit)


def territories(session: Session) -> list[CrimeTerritory]:
    return list(session.exec(select(CrimeTerritory).order_by(col(CrimeTerritory.code))).all())


def get_territory(session: Session, code: str) -> CrimeTerritory | None:
    return session.get(CrimeTerritory, code)


def page_territories(
    session: Session, *, offset: int, limit: int, level: str | None, parent_code: str | None
) -> tuple[list[CrimeTerritory], int]:
    query = select(CrimeTerritory)
    if level is not None:
        query = query.where(CrimeTerritory.level == level)
    if parent_code is not None:
        query = query.where(CrimeTerritory.parent_code == parent_code)
    return _page(session, query, col(CrimeTerritory.code), offset, limit)


def countries(session: Session) -> list[CrimeTerritory]:
    return list(session.exec(select(CrimeTerritory).where(CrimeTerritory.level == "country")).all())


def get_population_table(session: Session, version: str) -> CrimePopulationTable | None:
    return session.exec(select(CrimePopulationTable).where(CrimePopulationTable.version == version)).first()


def latest_population_table(session: Session) -> CrimePopulationTable | None:
    return session.exec(select(CrimePopulationTable).order_by(col(CrimePopulationTable.id).desc())).first()


def page_population_tables(session: Session, *, offset: int, limit: int) -> tuple[list[CrimePopulationTable], int]:
    return _page(session, select(CrimePopulationTable), col(CrimePopulationTable.id).desc(), offset, limit)


def population_rows(session: Session, table_id: int, year: int | None = None) -> list[CrimePopulationRow]:
    query = select(CrimePopulationRow).where(CrimePopulationRow.table_id == table_id)
    if year is not None:
        query = query.where(CrimePopulationRow.year == year)
    return list(session.exec(query).all())


def population_summary(session: Session, table_id: int) -> tuple[int, list[int], list[str]]:
    """(number of rows, years, age groups) of one population table."""
    rows = session.exec(
        select(CrimePopulationRow.year, CrimePopulationRow.age_group, func.count())
        .where(CrimePopulationRow.table_id == table_id)
        .group_by(CrimePopulationRow.year, CrimePopulationRow.age_group)
    ).all()
    years = sorted({year for year, _, _ in rows})
    return sum(count for _, _, count in rows), years, sorted({age_group for _, age_group, _ in rows})


def get_mapping(session: Session, version: str) -> CrimeOffenceMapping | None:
    return session.exec(select(CrimeOffenceMapping).where(CrimeOffenceMapping.version == version)).first()


def latest_mapping(session: Session) -> CrimeOffenceMapping | None:
    return session.exec(select(CrimeOffenceMapping).order_by(col(CrimeOffenceMapping.id).desc())).first()


def page_mappings(session: Session, *, offset: int, limit: int) -> tuple[list[CrimeOffenceMapping], int]:
    return _page(session, select(CrimeOffenceMapping), col(CrimeOffenceMapping.id).desc(), offset, limit)


def offence_codes(session: Session, mapping_id: int) -> list[CrimeOffenceCode]:
    return list(
        session.exec(
            select(CrimeOffenceCode)
            .where(CrimeOffenceCode.mapping_id == mapping_id)
            .order_by(col(CrimeOffenceCode.national_code))
        ).all()
    )


def stored_count_cells(
    session: Session, *, source: str, unit: str, years: Sequence[int]
) -> dict[tuple[str, str, str, str, str], int]:
    """(territory, period, national code, sex, age group) -> batch id of the figures already stored."""
    rows = session.exec(
        select(
            CrimeCount.territory_code, CrimeCount.period, CrimeCount.national_code, CrimeCount.sex,
            CrimeCount.age_group, CrimeCount.batch_id,
        ).where(CrimeCount.source == source, CrimeCount.unit == unit, col(CrimeCount.year).in_(list(years)))
    ).all()
    return {(territory, period, national, sex, age): batch for territory, period, national, sex, age, batch in rows}


def counts(session: Session, *, source: str, year: int, unit: str | None) -> list[CrimeCount]:
    query = select(CrimeCount).where(CrimeCount.source == source, CrimeCount.year == year)
    if unit is not None:
        query = query.where(CrimeCount.unit == unit)
    return list(session.exec(query).all())


def victim_records(session: Session, *, source: str, year: int) -> list[CrimeVictimRecord]:
    return list(
        session.exec(
            select(CrimeVictimRecord).where(CrimeVictimRecord.source == source, CrimeVictimRecord.year == year)
        ).all()
    )
