"""Quantiles by domain, as R's svyquantile (survey 4.x defaults: qrule="math", interval.type="mean").

The interval is Woodruff's: a Wald interval (t with the design df) for the share of the domain
at or below the estimated quantile, mapped back through the quantile rule; the SE is R's
(upper - lower) / (2 t).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from weighting.design import Survey
from weighting.errors import WeightingError
from weighting.estimators.cells import DomainFilter, resolve_cells
from weighting.estimators.fit import CellSums, MeanFit
from weighting.estimators.linear import numeric_column
from weighting.estimators.table import build_table
from weighting.intervals import critical_value, require_level
from weighting.results import EstimateTable


def quantile(
    survey: Survey,
    variable: str,
    quantiles: Sequence[float] = (0.5,),
    *,
    by: Sequence[str] | str = (),
    domain: DomainFilter = None,
    level: float = 0.95,
) -> EstimateTable:
    """One row per domain and quantile; ``level`` of each row is the probability as text."""
    require_level(level)
    probabilities = np.asarray(quantiles, dtype=float)
    if probabilities.ndim != 1 or not len(probabilities) or ((probabilities < 0) | (probabilities > 1)).any():
        raise WeightingError("invalid_quantile", "quantiles must be probabilities in [0, 1]", got=list(quantiles))
    cells = resolve_cells(survey, by, domain, (variable,))
    values = numeric_column(survey, variable)[:, 0]
    rules = [_QuantileRule(values[rows], survey.weights()[rows]) for rows in cells.rows()]
    estimate = np.array([[rule(p) for p in probabilities] for rule in rules])
    at_or_below = values[:, None] <= estimate[np.maximum(cells.group, 0)]
    sums = CellSums.of(survey, cells, at_or_below.astype(float))
    share = MeanFit(survey, sums)
    t = critical_value(share.df, level)[:, None]
    share_low = share.estimate - t * share.se
    share_high = share.estimate + t * share.se
    low = np.array([[rule(p) if p >= 0 else np.nan for p in row] for rule, row in zip(rules, share_low)])
    high = np.array([[rule(p) if p <= 1 else np.nan for p in row] for rule, row in zip(rules, share_high)])
    se = (high - low) / (2 * t)
    names = [format(p, "g") for p in probabilities]
    return build_table(cells, names, estimate, se, low, high, None, share.df, sums.n, sums.weighted_n)


class _QuantileRule:
    """R's qrule_math: the smallest value whose cumulative weight share reaches p.

    Cumulative and total weights are summed in extended precision and rounded, as R's cumsum
    and sum are, so that ties with p * total (equal weights) resolve as in R.
    """

    def __init__(self, values: np.ndarray, weights: np.ndarray) -> None:
        order = np.argsort(values, kind="stable")
        self.values = values[order]
        extended = weights.astype(np.longdouble)
        self.cumulative = np.cumsum(extended[order]).astype(float)
        self.total = float(np.cumsum(extended)[-1])

    def __call__(self, p: float) -> float:
        if np.isnan(p):
            return np.nan
        last = int(np.searchsorted(self.cumulative, p * self.total, side="right")) - 1
        position = max(last, 0)  # R's `last` helper answers 1 when no cumulative share is <= p
        following = min(position + 1, len(self.values) - 1)
        if p - self.cumulative[position] / self.total == 0:
            return float(self.values[position])
        return float(self.values[following])

