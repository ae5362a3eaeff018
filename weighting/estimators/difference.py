"""Difference of an estimate between two domains of one survey, or between two surveys (waves).

Within one survey the two domains share the design, so the variance is that of the difference
of their influence values over the full design (R: svycontrast on svyby(..., covmat=TRUE));
domains may overlap. Two surveys are independent samples: variances add, and the df is
Welch-Satterthwaite's combination of the two design dfs (R has no single call for this).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from weighting.design import Survey
from weighting.errors import WeightingError
from weighting.estimators.cells import Cells, DomainFilter, resolve_cells
from weighting.estimators.fit import CellSums, MeanFit, design_df, replicate_estimates, total_variance
from weighting.estimators.linear import numeric_column
from weighting.estimators.table import build_table
from weighting.intervals import require_level, require_method, wald
from weighting.replicate_variance import replicate_df, replicate_variance
from weighting.results import EstimateTable
from weighting.variance import GroupedScores, taylor_df, taylor_variance

Statistic = Literal["mean", "total", "proportion"]


def difference(
    first: Survey,
    second: Survey,
    variable: str,
    *,
    statistic: Statistic = "mean",
    category: object = None,
    first_domain: DomainFilter = None,
    second_domain: DomainFilter = None,
    level: float = 0.95,
) -> EstimateTable:
    """second - first, as one row (``n``: respondents used in both; ``weighted_n``: NaN).

    ``statistic="proportion"`` compares the share of ``category`` in ``variable``.
    Pass the same Survey twice, with two domains, for a difference between domains.
    """
    require_method(statistic, ("mean", "total", "proportion"))
    require_level(level)
    if statistic == "proportion" and category is None:
        raise WeightingError("category_required", "a difference of proportions needs the category to compare")
    a = _DomainStatistic.of(first, variable, statistic, category, first_domain)
    b = _DomainStatistic.of(second, variable, statistic, category, second_domain)
    estimate = b.estimate - a.estimate
    if first is second:
        variance, df = _shared_design_variance(first, a, b)
        n = int(((a.sums.cells.group >= 0) | (b.sums.cells.group >= 0)).sum())
    else:
        variance = a.variance + b.variance
        df = variance**2 / (a.variance**2 / a.df + b.variance**2 / b.df)
        n = int(a.sums.n[0] + b.sums.n[0])
    se = np.sqrt(variance)
    low, high = wald(np.array([[estimate]]), np.array([[se]]), np.array([df]), level)
    return build_table(
        Cells(by=(), group=a.sums.cells.group, keys=((),)), [None], np.array([[estimate]]), np.array([[se]]), low, high, None,
        np.array([df]), np.array([n]), np.array([np.nan]),
    )


@dataclass(frozen=True)
class _DomainStatistic:
    sums: CellSums
    estimate: float
    scores: np.ndarray  # weighted influence values (n x 1), for Taylor designs
    replicates: np.ndarray | None  # per replicate (R,), for replicate designs
    variance: float
    df: float

    @classmethod
    def of(cls, survey: Survey, variable: str, statistic: Statistic, category: object, domain: DomainFilter):
        cells = resolve_cells(survey, (), domain, (variable,))
        if statistic == "proportion":
            values = survey.data[variable]
            if not (values == category).any():
                raise WeightingError(
                    "unknown_category", f"category {category!r} does not occur in {variable!r}",
                    column=variable, got=category,
                )
            column = np.where(values.isna(), np.nan, (values == category).to_numpy(dtype=float, na_value=0.0))
            sums = CellSums.of(survey, cells, column[:, None])
        else:
            sums = CellSums.of(survey, cells, numeric_column(survey, variable))
        if statistic == "total":
            replicates = None
            if survey.design.replicate is not None:
                replicates = replicate_estimates(survey, sums, sums.values)
                variance = replicate_variance(sums.totals, replicates, survey.design.replicate)
            else:
                variance = total_variance(survey, sums, sums.weights[:, None] * sums.values)
            df = design_df(survey, sums)
            return cls(sums, float(sums.totals[0, 0]), sums.weights[:, None] * sums.values,
                       None if replicates is None else replicates[0, 0], float(variance[0, 0]), float(df[0]))
        fit = MeanFit(survey, sums)
        return cls(sums, float(fit.estimate[0, 0]), sums.mean_scores(fit.residuals),
                   None if fit.replicates is None else fit.replicates[0, 0], float(fit.variance[0, 0]), float(fit.df[0]))


def _shared_design_variance(survey: Survey, a: _DomainStatistic, b: _DomainStatistic) -> tuple[float, float]:
    everyone = np.zeros(len(survey.data), dtype=np.intp)
    spec = survey.design.replicate
    if spec is not None:
        assert a.replicates is not None and b.replicates is not None
        variance = replicate_variance(np.array(b.estimate - a.estimate), b.replicates - a.replicates, spec)
        return float(variance), float(replicate_df(survey, [np.arange(len(survey.data))])[0])
    scores = GroupedScores(values=b.scores - a.scores, group=everyone, n_groups=1)
    variance = taylor_variance(survey, scores, rows_dropped=False)
    return float(variance[0]), float(taylor_df(survey, everyone, 1)[0])

