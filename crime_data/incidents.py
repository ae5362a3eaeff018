"""Record-level police data: one row per victim of one offence.

Columns (header case is ignored): `date` (YYYY-MM-DD or a date cell), `territory`, `offence` (national
code, mapped to ICCS), `victim_sex`; optional `victim_age` (blank = not recorded), `relationship`
(perpetrator to victim, see Relationship), `gender_related_context` (codes of GenderRelatedContext
separated by ';'), and `record_id`.

Duplicates: with a `record_id` column, two rows with the same id are duplicates; without one, two
rows identical in every column are (two genuinely identical records need an id to tell them apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crime_data.counts import RecordedCount
from crime_data.errors import Location, RowProblem, ValidationReport
from crime_data.offences import OffenceMapping
from crime_data.periods import Period
from crime_data.population import PopulationTable
from crime_data.row_checks import PopulationCoverage, parse_sex_code, parse_territory
from crime_data.tables import (
    FileFormat,
    RowChecker,
    parse_age,
    parse_choice,
    parse_date,
    parse_text,
    read_table,
    refuse_or_skip,
)
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import (
    GenderRelatedContext,
    Relationship,
    Sex,
    Source,
    Unit,
    sex_code_table,
    vocabulary_member,
)


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    location: Location
    date: date
    territory_code: str
    national_code: str
    iccs_code: str
    victim_sex: Sex
    victim_age: int | None
    relationship: Relationship | None
    gender_related_context: frozenset[GenderRelatedContext]
    source: Source
    record_id: str | None = None


@dataclass(frozen=True)
class IncidentImport:
    """The records read from one file, and the rows skipped (empty unless skip_invalid was asked)."""

    file: str
    source: Source
    records: tuple[IncidentRecord, ...]
    skipped: ValidationReport


def _parse_relationship(value: object) -> Relationship | None:
    if value is None:
        return None
    return parse_choice(
        value, lambda text: vocabulary_member(Relationship, text), "relationship", "unknown_relationship_code"
    )


def _parse_contexts(value: object) -> frozenset[GenderRelatedContext]:
    if value is None:
        return frozenset()
    contexts = set()
    for part in parse_text(value).split(";"):
        if part.strip():
            contexts.add(
                parse_choice(
                    part,
                    lambda text: vocabulary_member(GenderRelatedContext, text),
                    "gender-related context",
                    "unknown_context_code",
                )
            )
    return frozenset(contexts)


def read_incidents(
    path: str | Path,
    *,
    mapping: OffenceMapping,
    hierarchy: TerritoryHierarchy,
    source: Source,
    population: PopulationTable | None = None,
    file_format: FileFormat = FileFormat(),
    sex_codes: Mapping[str, Sex] | None = None,
    skip_invalid: bool = False,
) -> IncidentImport:
    """Read and validate every row; with any failing row nothing is returned unless skip_invalid=True.

    With `population`, a row whose territory has no population for the row's year is refused, so that
    every imported record can enter a rate.
    """
    table = read_table(path, file_format)
    date_column = table.column("date")
    territory_column = table.column("territory")
    offence_column = table.column("offence")
    sex_column = table.column("victim_sex")
    age_column = table.column("victim_age", required=False)
    relationship_column = table.column("relationship", required=False)
    context_column = table.column("gender_related_context", required=False)
    id_column = table.column("record_id", required=False)

    coverage = PopulationCoverage(population, hierarchy)
    sex_table = sex_code_table(sex_codes)
    problems: list[RowProblem] = []
    records: list[IncidentRecord] = []
    first_seen: dict[object, Location] = {}
    for row in table.rows:
        check = RowChecker(row.location)

        def cell(column: str | None) -> tuple[str | None, object]:
            return column, row.values.get(column)

        when = check(*cell(date_column), parse_date)
        territory_code = check(*cell(territory_column), parse_territory, hierarchy)
        offence = check(*cell(offence_column), mapping.lookup)
        victim_sex = check(*cell(sex_column), parse_sex_code, sex_table)
        victim_age = check(*cell(age_column), parse_age)
        relationship = check(*cell(relationship_column), _parse_relationship)
        contexts = check(*cell(context_column), _parse_contexts)
        record_id = check(*cell(id_column), parse_text) if id_column else None
        if when is not None and territory_code is not None:
            check(*cell(territory_column), lambda _: coverage.require(territory_code, when.year))
        key = record_id if id_column else tuple(sorted((k, str(v)) for k, v in row.values.items()))
        # A blank record id is reported already and cannot duplicate anything.
        if key is not None and key in first_seen:
            duplicate = f"record id {record_id!r}" if id_column else "an identical row"
            check.add("duplicate_row", f"{duplicate} is already at {first_seen[key]}", id_column)
        elif key is not None:
            first_seen[key] = row.location
        problems.extend(check.problems)
        if not check.problems:
            records.append(
                IncidentRecord(
                    row.location, when, territory_code, offence.national_code, offence.iccs_code, victim_sex,
                    victim_age, relationship, contexts, source, record_id,
                )
            )
    skipped = refuse_or_skip(table.file, problems, skip_invalid)
    return IncidentImport(table.file, source, tuple(records), skipped)


UNKNOWN_AGE_GROUP = "unknown"


def tally_incidents(
    records: Iterable[IncidentRecord],
    *,
    by_month: bool = False,
    age_groups_of: PopulationTable | None = None,
    where: Callable[[IncidentRecord], bool] | None = None,
) -> list[RecordedCount]:
    """Victim counts from records, one per period, territory, ICCS code, sex, source (and age group).

    Periods are years, or months with `by_month`. With `age_groups_of`, victims are counted by that
    population table's age groups, so that age-specific rates divide like by like; a victim of
    unrecorded age goes to the "unknown" group, which enters all-ages totals only. `where` keeps
    only the records it accepts (e.g. `lambda r: is_femicide(r, rule)`).
    """
    tally: Counter[tuple] = Counter()
    for record in records:
        if where is not None and not where(record):
            continue
        period = Period.of_date(record.date) if by_month else Period(record.date.year)
        age_group = None
        if age_groups_of is not None:
            age_group = (
                UNKNOWN_AGE_GROUP if record.victim_age is None else age_groups_of.age_group_of(record.victim_age).label
            )
        tally[(period, record.territory_code, record.iccs_code, record.victim_sex, age_group, record.source)] += 1
    return [
        RecordedCount(period, territory, iccs_code, sex, count, source, Unit.VICTIMS, age_group=age_group)
        for (period, territory, iccs_code, sex, age_group, source), count in sorted(tally.items(), key=str)
    ]
