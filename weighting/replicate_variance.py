"""Replicate-weight variance, as R's svrVar and degf.svyrep.design (survey 4.1.1).

Estimates are recomputed for every replicate weight column at once: weighted totals of a few
analysis columns by domain, for the full weight and an n x R matrix of replicate weights.
"""

from __future__ import annotations

import numpy as np
from numpy.linalg import LinAlgError
from scipy import sparse
from scipy.linalg import cholesky, solve_triangular

from weighting.design import ReplicateSpec, Survey
from weighting.jackknife import PsuJackknife

RANK_TOLERANCE = 1e-5  # R's qr(..., tol = 1e-05) in degf.svyrep.design


def replicate_totals(survey: Survey, values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Weighted totals of ``values`` (n x m) per group and replicate: n_groups x m x R.

    One sparse (groups * m) x n matrix times the n x R replicate weights: a single pass over
    the replicate weights, without copying rows per group. A jackknife kept per PSU needs only
    the totals per PSU and group (n_PSU x groups * m), never the replicate weights.
    """
    spec = survey.design.replicate
    assert spec is not None
    n, m = values.shape
    if spec.jackknife is not None:
        return _jackknife_totals(spec.jackknife, survey.weights(), values, group, n_groups)
    replicates = survey.replicate_weights()
    rows = np.flatnonzero(group >= 0)
    by_group = sparse.csr_matrix(
        (values[rows].ravel(), ((group[rows][:, None] * m + np.arange(m)).ravel(), np.repeat(rows, m))),
        shape=(n_groups * m, n),
    )
    return np.asarray(by_group @ replicates).reshape(n_groups, m, replicates.shape[1])


def _jackknife_totals(
    jackknife: PsuJackknife, weights: np.ndarray, values: np.ndarray, group: np.ndarray, n_groups: int
) -> np.ndarray:
    n, m = values.shape
    inside = group >= 0
    key = (jackknife.psu[inside] * n_groups + group[inside]) * m
    weighted = values[inside] * weights[inside, None]
    size = jackknife.n_psu * n_groups * m
    psu_totals = np.zeros(size)
    for j in range(m):
        psu_totals += np.bincount(key + j, weights=weighted[:, j], minlength=size)
    totals = jackknife.totals(psu_totals.reshape(jackknife.n_psu, n_groups * m))
    return totals.reshape(n_groups, m, jackknife.n_replicates)


def replicate_variance(estimate: np.ndarray, replicates: np.ndarray, spec: ReplicateSpec) -> np.ndarray:
    """scale * sum(rscales * (theta_r - center)^2) along the last axis of ``replicates``.

    Replicates that give no estimate (NaN, e.g. no weight left in a domain) are dropped, as
    R's na.action does in svrVar.
    """
    rscales = spec.rscale_array()
    usable = np.isfinite(replicates)
    if spec.mse:
        center = estimate
    else:
        counted = usable & (rscales > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            center = np.where(counted, replicates, 0.0).sum(axis=-1) / counted.sum(axis=-1)
    deviations = np.where(usable, replicates - center[..., None], 0.0)
    return spec.scale * (deviations**2 * rscales).sum(axis=-1)


def replicate_df(survey: Survey, rows_per_group: list[np.ndarray]) -> np.ndarray:
    """Degrees of freedom per group: the spec's df, else R's QR rank of the replicate weights - 1."""
    spec = survey.design.replicate
    assert spec is not None
    if spec.df is not None:
        return np.full(len(rows_per_group), float(spec.df))
    jackknife = spec.jackknife
    if jackknife is not None:
        flags = np.zeros(jackknife.n_psu, dtype=bool)
        ranks = []
        for rows in rows_per_group:
            flags[:] = False
            flags[jackknife.psu[rows]] = True
            ranks.append(jackknife.rank(flags) - 1.0)
        return np.array(ranks)
    replicates = survey.replicate_weights()
    return np.array([_qr_rank(_rows_of(replicates, rows)) - 1.0 for rows in rows_per_group])


def _rows_of(matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """matrix[rows] without copying the n x R replicate matrix when a group holds every row."""
    return matrix if len(rows) == len(matrix) else matrix[rows]


def _qr_rank(matrix: np.ndarray) -> int:
    """Rank as LINPACK dqrdc2 (R's qr) finds it: a column is dropped when its part orthogonal to
    the columns kept before it is below RANK_TOLERANCE times its own norm.

    Worked on the cross-product matrix, so the cost is one R x R Gram matrix whatever n is.
    """
    gram = matrix.T @ matrix
    diagonal = np.diag(gram)
    if (diagonal > 0).all():
        try:
            factor = cholesky(gram, lower=True)
        except LinAlgError:
            pass
        else:  # no column dropped: the sequential search below would build this same factor
            if (np.diag(factor) ** 2 > RANK_TOLERANCE**2 * diagonal).all():
                return gram.shape[0]
    kept: list[int] = []
    factor = np.zeros((0, 0))  # lower Cholesky factor of the Gram matrix of the kept columns
    for j in range(gram.shape[0]):
        norm2 = gram[j, j]
        projection = solve_triangular(factor, gram[kept, j], lower=True) if kept else np.zeros(0)
        residual2 = norm2 - projection @ projection
        if norm2 <= 0 or residual2 <= RANK_TOLERANCE**2 * norm2:
            continue
        size = len(kept)
        grown = np.zeros((size + 1, size + 1))
        grown[:size, :size] = factor
        grown[size, :size] = projection
        grown[size, size] = np.sqrt(residual2)
        factor = grown
        kept.append(j)
    return len(kept)
