"""Rates per 100,000 population, each carrying its count, denominator, source and population table version.

The rate is kept as an exact fraction (`Rate.exact`) so that published figures can be checked to the
last digit; `Rate.value` is its float.

Monthly rates: a month's count over the year's population is a rate *per month*; comparing it with
annual rates needs it *annualised*. Neither is assumed: a monthly period requires `monthly_basis`,
and ANNUALISED scales by days (days in the year / days in the month), so February is not penalised.
The denominator of a monthly rate is the population of its year (mid-year estimate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

from crime_data.aggregate import aggregate_counts
from crime_data.counts import RecordedCount
from crime_data.errors import CrimeDataError
from crime_data.femicide import FemicideRule, is_femicide
from crime_data.incidents import IncidentRecord, tally_incidents
from crime_data.periods import Period
from crime_data.population import PopulationTable
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import Sex, Source, Unit

PER_100K = 100_000
INTENTIONAL_HOMICIDE = "0101"


class MonthlyBasis(StrEnum):
    PER_MONTH = "per_month"
    ANNUALISED = "annualised"


@dataclass(frozen=True)
class Rate:
    territory_code: str
    period: Period
    iccs_scope: str
    sex: Sex | None  # None: both sexes
    age_group: str | None  # None: all ages
    count: int
    population: int
    source: Source
    unit: Unit
    population_version: str
    monthly_basis: MonthlyBasis | None  # None for an annual period
    counting_rule: str | None = None  # published with the figure when the count follows a rule (femicide)
    per: int = PER_100K

    @property
    def exact(self) -> Fraction:
        rate = Fraction(self.count * self.per, self.population)
        if self.monthly_basis is MonthlyBasis.ANNUALISED:
            rate *= Fraction(Period(self.period.year).days, self.period.days)
        return rate

    @property
    def value(self) -> float:
        return float(self.exact)

    def as_row(self) -> dict[str, object]:
        """Plain values for JSON/CSV output; every field that qualifies the figure travels with it."""
        return {
            "territory": self.territory_code,
            "period": str(self.period),
            "iccs_scope": self.iccs_scope,
            "sex": "total" if self.sex is None else str(self.sex),
            "age_group": "all" if self.age_group is None else self.age_group,
            "count": self.count,
            "population": self.population,
            "rate": self.value,
            "per": self.per,
            "source": str(self.source),
            "unit": str(self.unit),
            "population_version": self.population_version,
            "monthly_basis": None if self.monthly_basis is None else str(self.monthly_basis),
            "counting_rule": self.counting_rule,
        }


def crime_rate(
    counts: Sequence[RecordedCount],
    population: PopulationTable,
    hierarchy: TerritoryHierarchy,
    *,
    territory: str,
    period: Period,
    iccs_scope: str,
    source: Source,
    sex: Sex | None = None,
    age_group: str | None = None,
    monthly_basis: MonthlyBasis | None = None,
) -> Rate:
    """Rate per 100,000 of the counts of one source in a territory, period and ICCS scope.

    `sex` and `age_group` restrict both the count and the population (None: all). A source absent from
    `counts` is refused (`no_counts_for_source`): zero recorded and not reported are different facts.
    """
    if period.is_month and monthly_basis is None:
        raise CrimeDataError(
            "monthly_basis_required", f"a rate for the month {period} must say whether it is per month or annualised"
        )
    if not period.is_month and monthly_basis is not None:
        raise CrimeDataError("monthly_basis_for_year", f"{period} is a year; a monthly basis does not apply")
    if sex is Sex.UNKNOWN:
        raise CrimeDataError("bad_population_sex", "there is no population of unknown sex to divide by")
    totals = aggregate_counts(
        counts, hierarchy, territory=territory, period=period, iccs_scope=iccs_scope, sex=sex, age_group=age_group
    )
    if source not in totals:
        raise CrimeDataError(
            "no_counts_for_source", f"no {source} counts were given; sources present: {sorted(totals)}"
        )
    denominator = population.population(territory, period.year, sex=sex, age_group=age_group, hierarchy=hierarchy)
    if denominator == 0:
        raise CrimeDataError("zero_population", f"population of {territory!r} in {period.year} is zero")
    total = totals[source]
    return Rate(
        territory, period, iccs_scope, sex, age_group, total.count, denominator, source, total.unit,
        population.version, monthly_basis,
    )


def homicide_rate(
    counts: Sequence[RecordedCount],
    population: PopulationTable,
    hierarchy: TerritoryHierarchy,
    *,
    territory: str,
    period: Period,
    source: Source,
    sex: Sex | None = None,
    age_group: str | None = None,
    monthly_basis: MonthlyBasis | None = None,
) -> Rate:
    """SDG 16.1.1: victims of intentional homicide (ICCS 0101) per 100,000 population."""
    if any(count.unit is not Unit.VICTIMS for count in counts):
        raise CrimeDataError("unit_mismatch", "SDG 16.1.1 counts victims; these counts are of another unit")
    return crime_rate(
        counts, population, hierarchy, territory=territory, period=period, iccs_scope=INTENTIONAL_HOMICIDE,
        source=source, sex=sex, age_group=age_group, monthly_basis=monthly_basis,
    )


def femicide_rate(
    records: Sequence[IncidentRecord],
    population: PopulationTable,
    hierarchy: TerritoryHierarchy,
    *,
    territory: str,
    period: Period,
    source: Source,
    rule: FemicideRule = FemicideRule(),
    monthly_basis: MonthlyBasis | None = None,
) -> Rate:
    """Femicides under `rule` per 100,000 women (all ages), from victim records of one source."""
    if not any(record.source == source for record in records):
        raise CrimeDataError("no_counts_for_source", f"no {source} records were given")
    femicides = tally_incidents(
        [record for record in records if record.source == source],
        by_month=period.is_month,
        where=lambda record: is_femicide(record, rule),
    )
    # The source's records were given, so finding no femicide among them is a figure: zero.
    femicides.append(RecordedCount(period, territory, INTENTIONAL_HOMICIDE, Sex.FEMALE, 0, source, Unit.VICTIMS))
    rate = crime_rate(
        femicides, population, hierarchy, territory=territory, period=period, iccs_scope=INTENTIONAL_HOMICIDE,
        source=source, sex=Sex.FEMALE, monthly_basis=monthly_basis,
    )
    return replace(rate, counting_rule=rule.describe())
