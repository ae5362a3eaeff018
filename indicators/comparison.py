"""A survey estimate of crimes next to the police-recorded count for the same territory, period and scope.

The survey side is a total (``survey_incidents_<crime>`` counts incidents, ``survey_victims_<crime>``
victims) with its confidence interval; the recorded side is one source's total from
crime_data.aggregate_counts. The recording ratio (recorded / estimated) and its CI come from
crime_data.recording_ratio, which refuses to divide quantities of different units: victims are
never divided by recorded offences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crime_data import AggregatedCount, CrimeDataError, Period, Quantity, Ratio, Unit, recording_ratio, unrecorded_share
from crime_data.iccs import ICCS
from indicators.catalogue import Indicator
from indicators.compute import IndicatorEstimate
from indicators.errors import IndicatorError
from weighting.results import EstimateRow


@dataclass(frozen=True)
class RecordComparison:
    territory: str
    period: Period
    iccs_scope: str
    survey_indicator: str
    counting_rule: str
    survey: Quantity
    recorded: Quantity
    source: str
    recording_ratio: Ratio

    @property
    def dark_figure(self) -> Ratio | None:
        """1 - recording ratio (None when the records exceed the survey estimate)."""
        return unrecorded_share(self.recording_ratio)

    def as_row(self) -> dict[str, Any]:
        dark = self.dark_figure
        return {
            "territory": self.territory, "period": str(self.period), "iccs_scope": self.iccs_scope,
            "survey_indicator": self.survey_indicator, "counting_rule": self.counting_rule,
            "unit": str(self.survey.unit), "survey_estimate": self.survey.value, "survey_ci_low": self.survey.ci_low,
            "survey_ci_high": self.survey.ci_high, "recorded": self.recorded.value, "source": self.source,
            "recording_ratio": self.recording_ratio.estimate, "recording_ratio_ci_low": self.recording_ratio.ci_low,
            "recording_ratio_ci_high": self.recording_ratio.ci_high,
            "dark_figure": None if dark is None else dark.estimate,
            "dark_figure_ci_low": None if dark is None else dark.ci_low,
            "dark_figure_ci_high": None if dark is None else dark.ci_high,
        }


def compare_with_records(
    estimate: IndicatorEstimate,
    recorded: AggregatedCount,
    *,
    territory: str,
    period: Period,
    cell: Mapping[str, Any] | None = None,
) -> RecordComparison:
    """The survey total of ``estimate`` (the row of ``cell`` when it has domains) next to ``recorded``.

    ``territory`` and ``period`` are those the survey estimate stands for (the frame's territory
    and the 12 months it asked about); the recorded count must be for the same ones and for the
    indicator's ICCS scope, or the comparison is refused.
    """
    indicator = estimate.indicator
    require_comparable(indicator)
    assert indicator.iccs_scope is not None
    mismatches = {
        "territory": (territory, recorded.territory_code),
        "period": (period, recorded.period),
        "iccs_scope": (ICCS.get(indicator.iccs_scope).code, recorded.iccs_scope),
    }
    for what, (survey_side, recorded_side) in mismatches.items():
        if survey_side != recorded_side:
            raise IndicatorError(
                f"{what}_mismatch", f"the survey estimate and the recorded count are for different {what}s",
                indicator=indicator.id, expected=str(survey_side), got=str(recorded_side),
            )
    row = _row(estimate, cell)
    # A domain without the degrees of freedom for an interval (NaN bounds) is compared without one.
    bounded = math.isfinite(row.ci_low) and math.isfinite(row.ci_high)
    survey = Quantity(row.estimate, Unit(indicator.unit), row.ci_low if bounded else None,
                      row.ci_high if bounded else None)
    records = Quantity(float(recorded.count), recorded.unit)
    try:
        ratio = recording_ratio(records, survey)
    except CrimeDataError as error:
        raise IndicatorError(error.code, error.message, indicator=indicator.id,
                             expected=str(survey.unit), got=str(records.unit)) from error
    return RecordComparison(territory, period, indicator.iccs_scope, indicator.id, estimate.rule.name, survey,
                            records, str(recorded.source), ratio)


def require_comparable(indicator: Indicator) -> None:
    """Only survey totals of incidents or victims with an ICCS scope stand beside recorded counts."""
    if indicator.unit not in (Unit.INCIDENTS, Unit.VICTIMS) or indicator.iccs_scope is None:
        raise IndicatorError(
            "not_comparable", f"{indicator.id!r} is not a survey total of incidents or victims with an ICCS scope",
            indicator=indicator.id, expected="survey_incidents_<crime> or survey_victims_<crime>", got=indicator.id,
        )


def _row(estimate: IndicatorEstimate, cell: Mapping[str, Any] | None) -> EstimateRow:
    wanted = dict(cell or {})
    rows = [row for row in estimate.rows if dict(row.by) == wanted]
    if len(rows) != 1:
        raise IndicatorError(
            "cell_not_found", "name the one estimate row to compare (its by values)", indicator=estimate.indicator.id,
            expected=[dict(row.by) for row in estimate.rows], got=wanted,
        )
    return rows[0]
