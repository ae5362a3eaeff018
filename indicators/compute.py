"""Computing a catalogue indicator on a survey: estimate rows plus the rule they were counted by.

The universe of a rule and the analyst's domain are subpopulations of the full design (never a
subset of rows), so standard errors are R's `svyciprop(~y, subset(design, ...))`. A share is the
proportion of a derived 0/1 column; per-100,000 figures are a ratio estimator times 100,000 (the
estimate, SE and CI scale; CV and deff do not).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from indicators.binding import Binding, bundled_binding
from indicators.catalogue import CATALOGUE_VERSION, CountingRule, Indicator, get_indicator
from indicators.derive import Reader, dark_figure_column, domain_mask, frame_column, share_column, universe_mask
from indicators.errors import IndicatorError
from indicators.measures import NotReportedOrNotInvestigated, RatioOf, Share, SurveyMeasure, TotalOf
from weighting import Survey, WeightingError
from weighting.adjustment import value_label
from weighting.estimators import proportion, ratio, total
from weighting.quality import QualityProfile, apply_profile, get_profile
from weighting.results import EstimateRow, EstimateTable

_PREFIX = "_indicator_"
_POSITIVE = value_label(1.0)  # the level name weighting.proportion gives the value 1 of a 0/1 column
_NEGATIVE = value_label(0.0)


@dataclass(frozen=True)
class IndicatorEstimate:
    """The estimate rows of one indicator, with what a reader needs to interpret them."""

    indicator: Indicator
    rule: CountingRule
    table: EstimateTable
    quality_profile: str
    binding: str

    @property
    def rows(self) -> tuple[EstimateRow, ...]:
        return self.table.rows

    def metadata(self) -> dict[str, Any]:
        """Published with the figure: the catalogue version, the counting rule and its settings."""
        indicator = self.indicator
        return {
            "indicator": indicator.id, "catalogue_version": CATALOGUE_VERSION, "unit": indicator.unit,
            "source": indicator.source, "sdg_indicator": indicator.sdg_indicator, "sdg_series": indicator.sdg_series,
            "iccs_scope": indicator.iccs_scope, "reference_period": indicator.reference_period,
            "counting_rule": self.rule.name, "counting_rule_settings": self.rule.settings(),
            "quality_profile": self.quality_profile, "binding": self.binding,
        }

    def to_frame(self) -> pd.DataFrame:
        return self.table.to_frame()


def compute(
    indicator_id: str,
    survey: Survey,
    *,
    rule: str | None = None,
    binding: Binding | None = None,
    by: Sequence[str] | str = (),
    domain: Mapping[str, Any] | np.ndarray | pd.Series | None = None,
    quality_profile: str | QualityProfile | None = None,
    ci: str | None = None,
    level: float = 0.95,
) -> IndicatorEstimate:
    """Estimate a survey indicator under a counting rule (default: the indicator's first rule).

    ``survey`` is the respondent-level frame, or the incident-level one for a rule whose frame is
    "incident". ``binding`` defaults to the bundled instrument the indicator belongs to. ``by``
    and ``domain`` name standard variables (read through the binding; ``by`` only among the
    indicator's disaggregations) or other frame columns (territories, design strata).
    ``quality_profile`` defaults to the indicator's (weighting.quality). ``ci`` defaults to
    "logit" for shares (svyciprop) and "wald" otherwise.
    """
    indicator = get_indicator(indicator_id)
    if indicator.source != "survey":
        raise IndicatorError(
            "administrative_indicator", f"{indicator.id!r} is computed from administrative records: use "
            "indicators.compute_rate", indicator=indicator.id,
        )
    counting = indicator.rule(rule)
    if binding is None:
        assert indicator.instrument is not None
        binding = bundled_binding(indicator.instrument)
    reader = Reader(survey.data, binding, indicator.id)
    by = (by,) if isinstance(by, str) else tuple(by)
    columns, by_names = _by_columns(reader, indicator, by)
    mask = universe_mask(reader, counting.universe) & domain_mask(reader, domain, standard_variables())
    measure = counting.measure
    if isinstance(measure, Share):
        columns[_PREFIX + "outcome"] = share_column(reader, measure)
    elif isinstance(measure, NotReportedOrNotInvestigated):
        columns[_PREFIX + "outcome"] = dark_figure_column(reader, measure)
    elif isinstance(measure, RatioOf):
        columns[_PREFIX + "numerator"] = reader.operand(measure.numerator)
        columns[_PREFIX + "denominator"] = (
            np.ones(len(survey.data)) if measure.denominator is None else reader.operand(measure.denominator)
        )
    else:
        assert isinstance(measure, TotalOf)
        columns[_PREFIX + "outcome"] = reader.numeric(measure.variable)
    try:
        table = _estimate(survey, columns, measure, tuple(by_names), mask, ci, level)
    except WeightingError as error:  # e.g. empty_domain: no respondent of the universe answered
        raise IndicatorError(error.code, error.message, indicator=indicator.id, expected=error.expected,
                             got=error.got) from error
    table = _renamed(table, by_names)
    profile = _profile(quality_profile, indicator)
    table = table.replace_rows(apply_profile(table.rows, profile, statistic=measure.statistic))
    return IndicatorEstimate(indicator, counting, table, profile.name, binding.name)


def _estimate(
    survey: Survey, columns: dict[str, Any], measure: SurveyMeasure, cells: tuple[str, ...], mask: np.ndarray,
    ci: str | None, level: float,
) -> EstimateTable:
    analysis = Survey(
        data=pd.concat([survey.data, pd.DataFrame(columns, index=survey.data.index)], axis=1),
        design=survey.design, calibration=survey.calibration,
    )
    if measure.statistic == "proportion":
        return _share(proportion(analysis, _PREFIX + "outcome", by=cells, domain=mask, ci=ci or "logit", level=level))
    if isinstance(measure, RatioOf):
        table = ratio(analysis, _PREFIX + "numerator", _PREFIX + "denominator", by=cells, domain=mask,
                      ci=ci or "wald", level=level)
        return _scaled(table, measure.scale)
    return total(analysis, _PREFIX + "outcome", by=cells, domain=mask, ci=ci or "wald", level=level)


def _profile(chosen: str | QualityProfile | None, indicator: Indicator) -> QualityProfile:
    if isinstance(chosen, QualityProfile):
        return chosen
    try:
        return get_profile(chosen or indicator.quality_profile)
    except WeightingError as error:
        raise IndicatorError(error.code, error.message, indicator=indicator.id, expected=error.expected,
                             got=error.got) from error


@cache
def standard_variables() -> frozenset[str]:
    """Every standard variable a bundled instrument declares."""
    return frozenset(
        variable for name in ("perception", "victimization", "vawg") for variable in bundled_binding(name).columns
    )


def _by_columns(reader: Reader, indicator: Indicator, by: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """Columns to add for standard-variable disaggregations, and each by column's published name."""
    columns: dict[str, Any] = {}
    names: dict[str, str] = {}
    standard = standard_variables()
    for name in by:
        if name in standard:
            if name not in indicator.disaggregations:
                raise IndicatorError(
                    "disaggregation_not_allowed", f"{indicator.id!r} is not published by {name!r}",
                    indicator=indicator.id, variable=name, expected=list(indicator.disaggregations), got=name,
                )
            columns[_PREFIX + "by_" + name] = reader.values(name).to_numpy()
            names[_PREFIX + "by_" + name] = name
        else:
            frame_column(reader, name)
            names[name] = name
    return columns, names


def _share(table: EstimateTable) -> EstimateTable:
    """Keep the share of 1s; when no row in the frame is a 1, mirror the share of 0s (p = 1 - q)."""
    positive = [row for row in table.rows if row.level == _POSITIVE]
    if positive:
        return table.replace_rows(tuple(dataclasses.replace(row, level=None) for row in positive))
    mirrored = tuple(
        dataclasses.replace(row, level=None, estimate=1 - row.estimate, ci_low=1 - row.ci_high,
                            ci_high=1 - row.ci_low, cv=row.se / (1 - row.estimate) if row.estimate != 1 else np.nan)
        for row in table.rows if row.level == _NEGATIVE
    )
    return table.replace_rows(mirrored)


def _scaled(table: EstimateTable, scale: float) -> EstimateTable:
    if scale == 1:
        return table
    return table.replace_rows(tuple(
        dataclasses.replace(row, estimate=row.estimate * scale, se=row.se * scale, ci_low=row.ci_low * scale,
                            ci_high=row.ci_high * scale)
        for row in table.rows
    ))


def _renamed(table: EstimateTable, names: Mapping[str, str]) -> EstimateTable:
    rows = tuple(dataclasses.replace(row, by=tuple((names[column], value) for column, value in row.by))
                 for row in table.rows)
    return EstimateTable(rows=rows, by=tuple(names[column] for column in table.by))
