"""Means, totals, proportions and ratios by domain (R's svymean, svytotal, svyratio, svyciprop)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from weighting.design import Survey
from weighting.errors import WeightingError
from weighting.estimators.cells import DomainFilter, resolve_cells
from weighting.estimators.fit import (
    CellSums,
    MeanFit,
    design_df,
    replicate_estimates,
    rows_in_design,
    total_variance,
    unit_scores_variance,
    variance_of_replicates,
)
from weighting.estimators.table import build_table
from weighting.intervals import beta_interval, logit_interval, require_level, require_method, wald
from weighting.results import EstimateTable


def mean(
    survey: Survey,
    variable: str,
    *,
    by: Sequence[str] | str = (),
    domain: DomainFilter = None,
    ci: str = "wald",
    level: float = 0.95,
) -> EstimateTable:
    """Weighted mean of a numeric variable in each domain (svymean, na.rm=TRUE)."""
    require_method(ci, ("wald",))
    require_level(level)
    cells = resolve_cells(survey, by, domain, (variable,))
    sums = CellSums.of(survey, cells, numeric_column(survey, variable))
    fit = MeanFit(survey, sums)
    low, high = wald(fit.estimate, fit.se, fit.df[:, None], level)
    return build_table(cells, [None], fit.estimate, fit.se, low, high, fit.deff, fit.df, sums.n, sums.weighted_n)


def total(
    survey: Survey,
    variable: str,
    *,
    by: Sequence[str] | str = (),
    domain: DomainFilter = None,
    ci: str = "wald",
    level: float = 0.95,
) -> EstimateTable:
    """Weighted total of a numeric variable in each domain (svytotal, na.rm=TRUE)."""
    require_method(ci, ("wald",))
    require_level(level)
    cells = resolve_cells(survey, by, domain, (variable,))
    sums = CellSums.of(survey, cells, numeric_column(survey, variable))
    estimate = sums.totals
    if survey.design.replicate is not None:
        replicates = replicate_estimates(survey, sums, sums.values)
        variance = variance_of_replicates(survey, estimate, replicates)
    elif survey.calibration:
        variance = total_variance(survey, sums, sums.weights[:, None] * sums.values)
    else:
        variance = unit_scores_variance(survey, sums, sums.unit_totals)
    se = np.sqrt(variance)
    srs_variance = _srs_total_variance(sums, sums.values - sums.at_rows(estimate / sums.weighted_n[:, None]))
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = variance / srs_variance
    df = design_df(survey, sums)
    low, high = wald(estimate, se, df[:, None], level)
    return build_table(cells, [None], estimate, se, low, high, deff, df, sums.n, sums.weighted_n)


def proportion(
    survey: Survey,
    variable: str,
    *,
    by: Sequence[str] | str = (),
    domain: DomainFilter = None,
    ci: str = "logit",
    level: float = 0.95,
) -> EstimateTable:
    """Share of every level of a categorical variable in each domain (svymean of a factor).

    Levels are the sorted distinct non-missing values of the whole column, so every domain
    lists the same levels. ``ci`` is svyciprop's "logit" (default) or "beta" (Korn-Graubard),
    or "wald" (t with the design df).
    """
    require_method(ci, ("logit", "beta", "wald"))
    require_level(level)
    cells = resolve_cells(survey, by, domain, (variable,))
    codes, levels = pd.factorize(survey.data[variable], sort=True)
    indicators = (codes[:, None] == np.arange(len(levels))[None, :]).astype(float)
    sums = CellSums.of(survey, cells, indicators)
    fit = MeanFit(survey, sums)
    p = fit.estimate
    df_column = fit.df[:, None]
    if ci == "wald":
        low, high = wald(p, fit.se, df_column, level)
    elif ci == "logit":
        low, high = logit_interval(p, fit.logit_se(), df_column, level)
    else:
        low, high = beta_interval(p, fit.variance, df_column, rows_in_design(survey, sums)[:, None], level)
    names = [_level_label(level_value) for level_value in levels]
    return build_table(cells, names, p, fit.se, low, high, fit.deff, fit.df, sums.n, sums.weighted_n)


def ratio(
    survey: Survey,
    numerator: str,
    denominator: str,
    *,
    by: Sequence[str] | str = (),
    domain: DomainFilter = None,
    ci: str = "wald",
    level: float = 0.95,
) -> EstimateTable:
    """Ratio of two weighted totals in each domain (svyratio, na.rm=TRUE on both variables)."""
    require_method(ci, ("wald",))
    require_level(level)
    cells = resolve_cells(survey, by, domain, (numerator, denominator))
    values = np.column_stack([numeric_column(survey, numerator), numeric_column(survey, denominator)])
    sums = CellSums.of(survey, cells, values)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = sums.totals[:, :1] / sums.totals[:, 1:]
        # Linearised variable of the ratio: (y - R x) / X per row.
        linearised = (sums.values[:, :1] - sums.at_rows(estimate) * sums.values[:, 1:]) / sums.at_rows(sums.totals[:, 1:])
    linearised = np.where((cells.group >= 0)[:, None], linearised, 0.0)
    if survey.design.replicate is not None:
        replicates = replicate_estimates(survey, sums, sums.values)
        with np.errstate(divide="ignore", invalid="ignore"):
            variance = variance_of_replicates(survey, estimate, replicates[:, :1] / replicates[:, 1:])
            # R's deff for a replicate ratio is that of the total of y - R x with R held fixed.
            linear_replicates = (replicates[:, :1] - estimate[..., None] * replicates[:, 1:]) / sums.totals[:, 1:, None]
        deff_variance = variance_of_replicates(survey, np.zeros_like(estimate), linear_replicates)
    else:
        variance = total_variance(survey, sums, sums.weights[:, None] * linearised)
        deff_variance = variance
    se = np.sqrt(variance)
    linear_mean = np.column_stack(
        [np.bincount(np.maximum(cells.group, 0), weights=sums.weights * linearised[:, 0], minlength=cells.n_groups)]
    ) / sums.weighted_n[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = deff_variance / _srs_total_variance(sums, linearised - sums.at_rows(linear_mean))
    df = design_df(survey, sums)
    low, high = wald(estimate, se, df[:, None], level)
    return build_table(cells, [None], estimate, se, low, high, deff, df, sums.n, sums.weighted_n)


def _srs_total_variance(sums: CellSums, residuals: np.ndarray) -> np.ndarray:
    """svytotal's deff reference: svyvar * W^2 * (W - n) / (W n)."""
    weighted_n = sums.weighted_n[:, None]
    return sums.weighted_variance(residuals) * weighted_n**2 * (1 / sums.n[:, None] - 1 / weighted_n)


def numeric_column(survey: Survey, column: str) -> np.ndarray:
    series = survey.data[column]
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise WeightingError(
            "non_numeric_column", f"column {column!r} must be numeric for this estimator",
            column=column, expected="numeric", got=str(series.dtype),
        )
    return series.to_numpy(dtype=float, na_value=np.nan)[:, None]


def _level_label(value: object) -> str:
    """Category codes read as floats (a numeric column with missing values) keep their integer look."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
