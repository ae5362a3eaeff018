"""Turn per-cell arrays into an EstimateTable."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from weighting.estimators.cells import Cells
from weighting.results import EstimateRow, EstimateTable


def build_table(
    cells: Cells,
    levels: Sequence[str | None],
    estimate: np.ndarray,
    se: np.ndarray,
    ci_low: np.ndarray,
    ci_high: np.ndarray,
    deff: np.ndarray | None,
    df: np.ndarray,
    n: np.ndarray,
    weighted_n: np.ndarray,
) -> EstimateTable:
    """Arrays are cells x levels (df, n, weighted_n: per cell)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = se / estimate
    rows = []
    for g, key in enumerate(cells.keys):
        by = tuple(zip(cells.by, key))
        for j, level in enumerate(levels):
            rows.append(
                EstimateRow(
                    by=by,
                    level=level,
                    estimate=float(estimate[g, j]),
                    se=float(se[g, j]),
                    ci_low=float(ci_low[g, j]),
                    ci_high=float(ci_high[g, j]),
                    cv=float(cv[g, j]),
                    deff=None if deff is None or not np.isfinite(deff[g, j]) else float(deff[g, j]),
                    df=float(df[g]),
                    n=int(n[g]),
                    weighted_n=float(weighted_n[g]),
                )
            )
    return EstimateTable(rows=tuple(rows), by=cells.by)
