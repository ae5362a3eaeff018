"""Rates per 100,000 from stored police-recorded crime: any ICCS scope, SDG 16.1.1 and femicide.

The numerator comes from one explicit basis: the stored count series (`counts`), or the victim
records tallied on request (`records`, the only basis that has victims' age groups). The denominator
is one population table version (the latest unless named), and every rate carries it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from api.crime import repository
from api.crime.models import ALL_AGES, ALL_SEXES
from api.crime.service import computed, get_territory, population_table, population_table_row, stored_hierarchy
from api.errors import Unprocessable
from crime_data import (
    ICCS,
    FemicideRule,
    IncidentRecord,
    MonthlyBasis,
    Period,
    PopulationTable,
    Rate,
    RecordedCount,
    Sex,
    Source,
    TerritoryHierarchy,
    Unit,
    crime_rate,
    femicide_rate,
    homicide_rate,
    tally_incidents,
)
from crime_data.incidents import UNKNOWN_AGE_GROUP
from crime_data.vocabulary import GenderRelatedContext, Relationship


class RateBasis(StrEnum):
    """Where the numerator comes from: the stored count series, or victim records tallied on request."""

    counts = "counts"
    records = "records"


class Breakdown(StrEnum):
    sex = "sex"
    age_group = "age_group"
    month = "month"


@dataclass(frozen=True)
class RateQuery:
    year: int
    source: Source
    iccs: str = "0101"
    territory: str | None = None  # None: the country
    by: Breakdown | None = None
    population_version: str | None = None  # None: the latest population table
    basis: RateBasis = RateBasis.counts
    unit: Unit | None = None  # needed when a source's counts for the year are of several units
    monthly_basis: MonthlyBasis | None = None  # needed for by=month
    prefer_unit: Unit | None = None  # when counts of several units are stored, take these (comparisons)


@dataclass(frozen=True)
class RateResult:
    indicator: str
    basis: RateBasis
    rates: list[Rate]


def _territory_code(session: Session, code: str | None) -> str:
    if code is not None:
        return get_territory(session, code).code
    countries = repository.countries(session)
    if len(countries) != 1:
        raise Unprocessable(
            f"{len(countries)} countries are stored; name the territory", code="territory_required"
        )
    return countries[0].code


def _stored_counts(session: Session, query: RateQuery) -> list[RecordedCount]:
    rows = repository.counts(session, source=query.source, year=query.year, unit=query.unit)
    units = sorted({row.unit for row in rows})
    if query.prefer_unit is not None and query.prefer_unit in units:
        rows, units = [row for row in rows if row.unit == query.prefer_unit], [query.prefer_unit]
    if len(units) > 1:
        raise Unprocessable(
            f"{query.source} counts for {query.year} are of several units ({', '.join(units)}); choose one with unit",
            code="unit_mismatch",
        )
    return [
        RecordedCount(
            Period(row.year, row.month), row.territory_code, row.iccs_code,
            None if row.sex == ALL_SEXES else Sex(row.sex), row.count, Source(row.source), Unit(row.unit),
            national_code=row.national_code, age_group=None if row.age_group == ALL_AGES else row.age_group,
        )
        for row in rows
    ]


def _stored_records(session: Session, source: Source, year: int) -> list[IncidentRecord]:
    return [
        IncidentRecord(
            None, row.occurred_on, row.territory_code, row.national_code, row.iccs_code, Sex(row.victim_sex),
            row.victim_age, None if row.relationship is None else Relationship(row.relationship),
            frozenset(GenderRelatedContext(context) for context in row.gender_related_context), Source(row.source),
        )
        for row in repository.victim_records(session, source=source, year=year)
    ]


def _numerator(session: Session, query: RateQuery, population: PopulationTable) -> list[RecordedCount]:
    if query.basis is RateBasis.counts:
        counts = _stored_counts(session, query)
    else:
        records = _stored_records(session, query.source, query.year)
        age_groups = population if query.by is Breakdown.age_group else None
        counts = computed(lambda: tally_incidents(
            records, by_month=query.by is Breakdown.month, age_groups_of=age_groups
        ))
        # Victims of unrecorded age enter all-ages totals only; by age group they have no denominator.
        if age_groups is not None:
            counts = [count for count in counts if count.age_group != UNKNOWN_AGE_GROUP]
    if not counts:
        unit = f" {query.unit}" if query.unit else ""
        raise Unprocessable(
            f"No {query.source}{unit} {query.basis} are stored for {query.year}", code="no_counts"
        )
    return counts


def _periods_and_cuts(
    query: RateQuery, counts: Sequence[RecordedCount], population: PopulationTable
) -> list[tuple[Period, Sex | None, str | None]]:
    year = Period(query.year)
    if query.by is Breakdown.sex:
        return [(year, sex, None) for sex in (Sex.FEMALE, Sex.MALE)]
    if query.by is Breakdown.age_group:
        return [(year, None, group.label) for group in population.age_groups]
    if query.by is Breakdown.month:
        months = sorted({count.period for count in counts if count.period.is_month})
        if not months:
            raise Unprocessable(
                f"The {query.source} figures for {query.year} are not monthly", code="no_monthly_counts"
            )
        return [(month, None, None) for month in months]
    return [(year, None, None)]


def crime_rates(session: Session, query: RateQuery, *, sdg_16_1_1: bool = False) -> RateResult:
    """Rates per 100,000 of one source for a territory and year, whole or broken down.

    With `sdg_16_1_1` the scope is intentional homicide (0101) counted in victims (SDG 16.1.1).
    """
    territory = _territory_code(session, query.territory)
    population, hierarchy, counts = _inputs(session, query)

    def one_rate(period: Period, sex: Sex | None, age_group: str | None) -> Rate:
        cut = {
            "territory": territory, "period": period, "source": query.source, "sex": sex, "age_group": age_group,
            "monthly_basis": query.monthly_basis if query.by is Breakdown.month else None,
        }
        if sdg_16_1_1:
            return homicide_rate(counts, population, hierarchy, **cut)
        return crime_rate(counts, population, hierarchy, iccs_scope=query.iccs, **cut)

    found = [computed(one_rate, *cut) for cut in _periods_and_cuts(query, counts, population)]
    return RateResult("sdg_16_1_1" if sdg_16_1_1 else "crime_rate", query.basis, found)


def _inputs(session: Session, query: RateQuery) -> tuple[PopulationTable, TerritoryHierarchy, list[RecordedCount]]:
    """The population table of the query's year, the territory tree and the numerator's counts."""
    computed(ICCS.get, query.iccs)
    population = population_table(session, population_table_row(session, query.population_version), query.year)
    return population, stored_hierarchy(session), _numerator(session, query, population)


def territory_rates(session: Session, query: RateQuery, territories: Sequence[str]) -> dict[str, Rate]:
    """The annual rate of ``query`` (its territory and breakdown aside) for each of ``territories``."""
    population, hierarchy, counts = _inputs(session, query)
    return {
        code: computed(lambda code=code: crime_rate(
            counts, population, hierarchy, territory=code, period=Period(query.year), iccs_scope=query.iccs,
            source=query.source,
        ))
        for code in territories
    }


def femicide_rates(
    session: Session,
    *,
    year: int,
    source: Source,
    territory: str | None = None,
    population_version: str | None = None,
    rule: FemicideRule = FemicideRule(),
) -> RateResult:
    """Femicides under `rule` per 100,000 women, from the victim records of one source."""
    code = _territory_code(session, territory)
    population = population_table(session, population_table_row(session, population_version), year)
    records = _stored_records(session, source, year)
    rate = computed(lambda: femicide_rate(
        records, population, stored_hierarchy(session), territory=code, period=Period(year), source=source, rule=rule
    ))
    return RateResult("femicide_rate", RateBasis.records, [rate])
