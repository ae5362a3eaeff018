"""Survey estimates next to administrative records: dark figure, recording ratio, and the units guard.

A survey counts victims or incidents; the police count recorded offences (or victims, for homicide).
Dividing one by the other is only meaningful when both count the same thing, so every quantity
carries its unit and a division across units is refused (`unit_mismatch`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from crime_data.errors import CrimeDataError
from crime_data.vocabulary import Unit

Number = TypeVar("Number", float, Fraction)


@dataclass(frozen=True)
class Quantity:
    """A count or estimate with its unit and, for survey estimates, its confidence interval."""

    value: float
    unit: Unit
    ci_low: float | None = None
    ci_high: float | None = None

    def __post_init__(self) -> None:
        if (self.ci_low is None) != (self.ci_high is None):
            raise CrimeDataError("bad_interval", "a confidence interval needs both bounds")
        if self.ci_low is not None and not self.ci_low <= self.value <= self.ci_high:
            raise CrimeDataError(
                "bad_interval", f"interval [{self.ci_low}, {self.ci_high}] does not contain the estimate {self.value}"
            )


@dataclass(frozen=True)
class Ratio:
    estimate: float
    ci_low: float | None
    ci_high: float | None
    unit: Unit


def require_same_unit(numerator: Quantity, denominator: Quantity) -> Unit:
    """The shared unit, or `unit_mismatch` when the two quantities count different things."""
    if numerator.unit != denominator.unit:
        raise CrimeDataError(
            "unit_mismatch",
            f"cannot divide {numerator.unit} by {denominator.unit}: both sides must count the same unit",
        )
    return numerator.unit


def dark_figure(reporting_rate: Number, investigation_rate: Number) -> Number:
    """Share of crimes not reported, or reported with no investigation opened: 1 - reporting x investigated.

    Both arguments are proportions in [0, 1] (9.6% is 0.096); `investigation_rate` is the share of
    reported crimes for which an investigation was opened. Pass Fractions for exact arithmetic.
    """
    for name, proportion in (("reporting_rate", reporting_rate), ("investigation_rate", investigation_rate)):
        if not 0 <= proportion <= 1:
            raise CrimeDataError("out_of_range", f"{name} must be a proportion between 0 and 1, got {proportion}")
    return 1 - reporting_rate * investigation_rate


def recording_ratio(recorded: Quantity, survey_estimate: Quantity) -> Ratio:
    """Recorded count over the survey-estimated total, with a CI from the survey estimate's CI.

    The recorded count is taken as fixed (a census of records, no sampling error), so the only
    uncertainty is the survey's. The ratio R / T falls as T grows, so the survey interval [L, U] maps to
    [R / U, R / L], at the survey interval's confidence level; when L <= 0 the upper bound is infinite.
    """
    unit = require_same_unit(recorded, survey_estimate)
    if survey_estimate.value <= 0:
        raise CrimeDataError("zero_estimate", "the survey estimate must be positive to divide by it")
    estimate = recorded.value / survey_estimate.value
    if survey_estimate.ci_low is None:
        return Ratio(estimate, None, None, unit)
    ci_low = recorded.value / survey_estimate.ci_high
    ci_high = recorded.value / survey_estimate.ci_low if survey_estimate.ci_low > 0 else math.inf
    return Ratio(estimate, ci_low, ci_high, unit)


def unrecorded_share(ratio: Ratio) -> Ratio | None:
    """The dark figure against the records: 1 - recording ratio, the share of the crimes the survey
    estimates that no record holds, with the interval mapped from the ratio's ([1 - U, 1 - L], clipped
    to [0, 1]). None when the records exceed the survey estimate (ratio above 1): there is no unrecorded
    share to speak of, and the two sources count differently (e.g. records of non-residents)."""
    if ratio.estimate > 1:
        return None
    if ratio.ci_low is None or ratio.ci_high is None:
        return Ratio(1 - ratio.estimate, None, None, ratio.unit)
    return Ratio(1 - ratio.estimate, max(0.0, 1 - ratio.ci_high), min(1.0, 1 - ratio.ci_low), ratio.unit)
