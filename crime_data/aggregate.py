"""Summing recorded counts over territory, period and ICCS scope, one total per source.

Police, prosecution and forensic figures for the same events diverge, so they are never added to one
another: every total belongs to one source and says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crime_data.counts import RecordedCount
from crime_data.errors import CrimeDataError
from crime_data.iccs import ICCS
from crime_data.periods import Period
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import Sex, Source, Unit


@dataclass(frozen=True, slots=True)
class AggregatedCount:
    territory_code: str
    period: Period
    iccs_scope: str
    sex: Sex | None  # None: both sexes (and unknown sex)
    age_group: str | None  # None: all ages
    source: Source
    unit: Unit
    count: int


def common_unit(counts: Sequence[RecordedCount]) -> Unit:
    units = {count.unit for count in counts}
    if len(units) != 1:
        raise CrimeDataError(
            "unit_mismatch" if units else "no_counts",
            f"counts must all be of one unit; got {sorted(units)}" if units else "no counts were given",
        )
    return units.pop()


def aggregate_counts(
    counts: Sequence[RecordedCount],
    hierarchy: TerritoryHierarchy,
    *,
    territory: str,
    period: Period,
    iccs_scope: str,
    sex: Sex | None = None,
    age_group: str | None = None,
) -> dict[Source, AggregatedCount]:
    """Total per source of the counts inside `territory`, `period` and `iccs_scope` (descendants included).

    Every source present in `counts` gets a total, zero when none of its counts falls in the selection.
    Refused rather than guessed: a sex or age group asked of counts without that breakdown, a year summed
    from both annual and monthly counts, and counts of different units.
    """
    unit = common_unit(counts)
    hierarchy.get(territory)
    ICCS.get(iccs_scope)
    selected = [
        count
        for count in counts
        if period.contains(count.period)
        and hierarchy.is_within(count.territory_code, territory)
        and ICCS.is_within(count.iccs_code, iccs_scope)
    ]
    _check_breakdowns(selected, period, sex, age_group)
    totals = {}
    for source in sorted({count.source for count in counts}):
        total = sum(
            count.count
            for count in selected
            if count.source == source
            and (sex is None or count.sex == sex)
            and (age_group is None or count.age_group == age_group)
        )
        totals[source] = AggregatedCount(territory, period, iccs_scope, sex, age_group, source, unit, total)
    return totals


def _check_breakdowns(
    selected: Sequence[RecordedCount], period: Period, sex: Sex | None, age_group: str | None
) -> None:
    if sex is not None and any(count.sex is None for count in selected):
        raise CrimeDataError("no_sex_breakdown", f"a figure for sex {sex} was asked of counts without a sex breakdown")
    if sex is None and len({count.sex is None for count in selected}) > 1:
        raise CrimeDataError("mixed_sex_breakdown", "counts by sex and counts for both sexes would be added together")
    if age_group is not None and any(count.age_group is None for count in selected):
        raise CrimeDataError(
            "no_age_breakdown", f"a figure for age group {age_group!r} was asked of counts without an age breakdown"
        )
    if age_group is None and len({count.age_group is None for count in selected}) > 1:
        raise CrimeDataError(
            "mixed_age_breakdown", "counts by age group and counts for all ages would be added together"
        )
    if not period.is_month and len({count.period.is_month for count in selected}) > 1:
        raise CrimeDataError(
            "mixed_periods", f"annual and monthly counts for {period} would be added together"
        )
