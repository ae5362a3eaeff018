"""Indicators from police-recorded data: SDG 16.1.1 (homicide rate) and the femicide rate.

The arithmetic, the population denominators and the femicide rule live in crime_data; this
module binds them to catalogue entries so that administrative figures carry the same catalogue
version and counting-rule record as survey ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crime_data import (
    CrimeDataError,
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
    femicide_rate,
    homicide_rate,
)
from indicators.catalogue import CATALOGUE_VERSION, CountingRule, Indicator, get_indicator
from indicators.errors import IndicatorError
from indicators.measures import AdministrativeRate


@dataclass(frozen=True)
class AdministrativeFigure:
    indicator: Indicator
    rule: CountingRule
    rate: Rate

    def metadata(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator.id, "catalogue_version": CATALOGUE_VERSION, "unit": self.indicator.unit,
            "source": self.indicator.source, "sdg_indicator": self.indicator.sdg_indicator,
            "sdg_series": self.indicator.sdg_series, "counting_rule": self.rule.name,
            "counting_rule_settings": {**self.rule.settings(), "definition": self.rate.counting_rule},
        }

    def as_row(self) -> dict[str, Any]:
        """crime_data's rate row (count, population, source, population version...) plus the catalogue record."""
        row = self.rate.as_row()
        return {"indicator": self.indicator.id, "catalogue_version": CATALOGUE_VERSION, **row,
                "counting_rule": self.rule.name, "counting_rule_definition": row["counting_rule"]}


def compute_rate(
    indicator_id: str,
    records: Sequence[RecordedCount] | Sequence[IncidentRecord],
    population: PopulationTable,
    hierarchy: TerritoryHierarchy,
    *,
    territory: str,
    period: Period,
    source: Source,
    sex: Sex | None = None,
    age_group: str | None = None,
    monthly_basis: MonthlyBasis | None = None,
    femicide_rule: FemicideRule | None = None,
) -> AdministrativeFigure:
    """A rate per 100,000 for an administrative indicator.

    SDG 16.1.1 takes recorded counts of victims (``RecordedCount``; by ``sex``/``age_group`` if
    asked); the femicide rate takes victim records (``IncidentRecord``) and ``femicide_rule``.
    crime_data's errors (unit_mismatch, no_counts_for_source, ...) come back as IndicatorError
    with the same code.
    """
    indicator = get_indicator(indicator_id)
    counting = indicator.default_rule
    measure = counting.measure
    if not isinstance(measure, AdministrativeRate):
        raise IndicatorError(
            "survey_indicator", f"{indicator.id!r} is estimated from a survey: use indicators.compute",
            indicator=indicator.id,
        )
    try:
        if measure.kind == "homicide":
            if femicide_rule is not None:
                raise IndicatorError("option_not_applicable", "a femicide rule does not apply to SDG 16.1.1",
                                     indicator=indicator.id)
            _require_records(indicator, records, RecordedCount)
            rate = homicide_rate(
                list(records), population, hierarchy, territory=territory, period=period, source=source, sex=sex,
                age_group=age_group, monthly_basis=monthly_basis,
            )
        else:
            if sex is not None or age_group is not None:
                raise IndicatorError("option_not_applicable", "the femicide rate is of all women: no sex or age "
                                     "group to choose", indicator=indicator.id)
            _require_records(indicator, records, IncidentRecord)
            rate = femicide_rate(
                list(records), population, hierarchy, territory=territory, period=period, source=source,
                rule=femicide_rule or FemicideRule(), monthly_basis=monthly_basis,
            )
    except CrimeDataError as error:
        raise IndicatorError(error.code, error.message, indicator=indicator.id) from error
    return AdministrativeFigure(indicator, counting, rate)


def _require_records(indicator: Indicator, records: Sequence[object], kind: type) -> None:
    wrong = next((record for record in records if not isinstance(record, kind)), None)
    if wrong is not None:
        raise IndicatorError(
            "wrong_record_type", f"{indicator.id!r} is computed from {kind.__name__} rows",
            indicator=indicator.id, expected=kind.__name__, got=type(wrong).__name__,
        )
