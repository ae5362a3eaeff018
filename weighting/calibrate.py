"""Calibration to population totals (GREG, bounded, raking and logit), as R's ``calibrate``.

The auxiliary variables are expanded as R's ``model.matrix(~ x1 + x2)``: an intercept named
"(Intercept)", numeric columns as they are, and each categorical column as one indicator per level
but the first (treatment contrasts), named column + level ("stypeH"; booleans give "xTRUE").
Population totals are keyed by those names, exactly as R's ``calibrate(design, ~x1 + x2, pop)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg

from weighting.adjustment import (
    adjusted_survey,
    column_list,
    require_columns,
    require_complete,
    value_label,
    weight_matrix,
)
from weighting.design import Survey
from weighting.errors import WeightingError

CalibrationFunction = Literal["linear", "raking", "logit"]
INTERCEPT = "(Intercept)"
# grake rescales the weights first when every population total exceeds the sample total this much
RESCALE_THRESHOLD = 20.0
# MASS::ginv tolerance used by grake
GINV_TOLERANCE = 256 * np.finfo(float).eps
# qr() tolerance R uses to decide the rank of the calibration variables
QR_TOLERANCE = 1e-7


@dataclass(frozen=True, eq=False)
class GregCalibration:
    """R's ``greg_calibration`` entry at stage 0: residuals of the weighted regression on the x's."""

    basis: np.ndarray  # orthonormal basis of the columns of x * sqrt(old weight), n x rank
    scale: np.ndarray  # g * sqrt(old weight), per row

    def residualize(self, scores: np.ndarray) -> np.ndarray:
        # svyrecvar: qr.resid(qr, scores / w) * w = scores - (w Q) (Q / w)' scores
        scores = np.asarray(scores, dtype=float)
        residuals = self._scaled_basis @ (self._unscaled_basis.T @ scores)
        return np.subtract(scores, residuals, out=residuals)

    @cached_property
    def _scaled_basis(self) -> np.ndarray:
        return self.basis * self.scale[:, None]

    @cached_property
    def _unscaled_basis(self) -> np.ndarray:
        return self.basis / self.scale[:, None]


@dataclass(frozen=True)
class _Distance:
    """R's ``calfun``: g - 1 as a function of x'eta (``Fm1``) and its derivative (``dF``)."""

    g_minus_one: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]


def calibrate(
    survey: Survey,
    variables: Sequence[str] | str,
    totals: Mapping[str, float],
    *,
    calfun: CalibrationFunction = "linear",
    bounds: tuple[float, float] = (-np.inf, np.inf),
    max_iter: int = 50,
    epsilon: float = 1e-7,
    aggregate: str | None = None,
    column: str = "calibrated_weight",
) -> Survey:
    """New weights w * g with sum(w * g * x) = the population totals, g within ``bounds``.

    ``calfun="linear"`` without bounds is the GREG estimator (closed form); with bounds, and for
    "raking" and "logit" (which needs finite bounds with lower < 1 < upper), g comes from R's
    Newton iteration (``grake``): it must meet every total within ``epsilon`` relative to
    1 + |total| in ``max_iter`` steps, otherwise the calibration fails with an error.
    ``aggregate`` names a cluster column (households, say) whose members must share one g: the
    variables and weights are averaged within each cluster first (R's ``aggregate.stage`` and
    ``aggregate.index``), so that persons of a household keep equal weights.
    A replicate design has every replicate weight calibrated the same way.
    """
    matrix, names = model_matrix(survey.data, variables)
    population = _population_vector(totals, names)
    lower, upper = _checked_bounds(calfun, bounds)
    weights = weight_matrix(survey)
    fitted_matrix, fitted_weights = matrix, weights
    if aggregate is not None:
        require_columns(survey.data, [aggregate])
        require_complete(survey.data, aggregate)
        cluster, _ = pd.factorize(survey.data[aggregate])
        fitted_matrix, fitted_weights = _cluster_means(matrix, cluster), _cluster_means(weights, cluster)
    closed_form = calfun == "linear" and lower == -np.inf and upper == np.inf
    distance = None if closed_form else _distance(calfun, lower, upper)
    g = np.empty_like(weights)
    for j in range(weights.shape[1]):
        w = fitted_weights[:, j]
        g[:, j] = _greg_g(fitted_matrix, w, population) if distance is None else _grake_g(
            fitted_matrix, w, population, distance, max_iter=max_iter, epsilon=epsilon,
            replicate=None if j == 0 else j,
        )
    calibrated = weights * g
    _require_positive(calibrated, weights)
    stage = None
    if survey.design.replicate is None:
        root = np.sqrt(fitted_weights[:, 0])
        stage = GregCalibration(basis=_orthonormal_basis(fitted_matrix * root[:, None]), scale=g[:, 0] * root)
    return adjusted_survey(survey, calibrated, column=column, stage=stage)


def _cluster_means(values: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """Each column replaced by its mean within the row's cluster (R's ``ave``)."""
    counts = np.bincount(cluster)
    means = np.empty_like(values)
    for j in range(values.shape[1]):
        means[:, j] = (np.bincount(cluster, weights=values[:, j]) / counts)[cluster]
    return means


def model_matrix(data: pd.DataFrame, variables: Sequence[str] | str) -> tuple[np.ndarray, list[str]]:
    """R's ``model.matrix(~ v1 + v2 + ...)`` with treatment contrasts, and its column names."""
    variables = column_list(variables)
    require_columns(data, variables)
    columns = [np.ones(len(data))]
    names = [INTERCEPT]
    for variable in variables:
        require_complete(data, variable)
        series = data[variable]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            columns.append(series.to_numpy(dtype=float))
            names.append(variable)
            continue
        codes, uniques = pd.factorize(series)
        unique_labels = np.array([value_label(u) for u in uniques], dtype=object)
        for level in _levels(series, uniques)[1:]:
            columns.append(np.isin(codes, np.flatnonzero(unique_labels == level)).astype(float))
            names.append(f"{variable}{level}")
    return np.column_stack(columns), names


def _levels(series: pd.Series, observed: pd.Index | np.ndarray) -> list[str]:
    """Observed levels in R's factor order: the categories' order, else sorted values."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(observed)
        ordered = [c for c in series.cat.categories if c in present]
    else:
        try:
            ordered = sorted(observed)
        except TypeError:
            ordered = sorted(observed, key=value_label)
    return list(dict.fromkeys(value_label(v) for v in ordered))


def _population_vector(totals: Mapping[str, float], names: list[str]) -> np.ndarray:
    unknown = [name for name in totals if name not in names]
    if unknown:
        raise WeightingError(
            "unknown_total", f"population totals given for {unknown}, which are not calibration variables",
            column=unknown[0], expected=names, got=list(totals),
        )
    missing = [name for name in names if name not in totals]
    if missing:
        raise WeightingError(
            "missing_total", f"no population total for {missing}",
            column=missing[0], expected=names, got=list(totals),
        )
    population = np.array([totals[name] for name in names], dtype=float)
    if not np.isfinite(population).all():
        bad = names[int(np.flatnonzero(~np.isfinite(population))[0])]
        raise WeightingError("invalid_total", f"population total for {bad!r} must be finite", column=bad)
    return population


def _checked_bounds(calfun: str, bounds: tuple[float, float]) -> tuple[float, float]:
    if calfun not in ("linear", "raking", "logit"):
        raise WeightingError(
            "unknown_calfun", f"unknown calibration function {calfun!r}",
            expected=["linear", "raking", "logit"], got=calfun,
        )
    lower, upper = (float(b) for b in bounds)
    if not lower < upper:
        raise WeightingError("invalid_bounds", "bounds must be (lower, upper) with lower < upper", got=bounds)
    if calfun == "logit" and not (np.isfinite(lower) and np.isfinite(upper) and lower < 1 < upper):
        raise WeightingError(
            "invalid_bounds", "logit calibration needs finite bounds with lower < 1 < upper",
            expected="lower < 1 < upper, both finite", got=bounds,
        )
    return lower, upper


def _distance(calfun: str, lower: float, upper: float) -> _Distance:
    if calfun == "linear":
        return _Distance(
            g_minus_one=lambda u: np.minimum(np.maximum(u + 1, lower), upper) - 1,
            derivative=lambda u: ((u < upper - 1) & (u > lower - 1)).astype(float),
        )
    if calfun == "raking":
        # R's cal.raking compares u (not exp(u)) with the bounds in dF: kept as R has it
        return _Distance(
            g_minus_one=lambda u: np.minimum(np.maximum(np.exp(u), lower), upper) - 1,
            derivative=lambda u: np.where((u < upper - 1) & (u > lower - 1), np.exp(u), 0.0),
        )
    a = (upper - lower) / ((upper - 1) * (1 - lower))

    def logit_g_minus_one(u: np.ndarray) -> np.ndarray:
        e = np.exp(a * u)
        return (lower * (upper - 1) + upper * (1 - lower) * e) / (upper - 1 + (1 - lower) * e) - 1

    def logit_derivative(u: np.ndarray) -> np.ndarray:
        e = np.exp(a * u)
        denominator = upper - 1 + (1 - lower) * e
        numerator = lower * (upper - 1) + upper * (1 - lower) * e
        return upper * (1 - lower) * e * a / denominator - numerator * ((1 - lower) * e * a) / denominator**2

    return _Distance(g_minus_one=logit_g_minus_one, derivative=logit_derivative)


def _greg_g(matrix: np.ndarray, weights: np.ndarray, population: np.ndarray) -> np.ndarray:
    """R's regcalibrate at stage 0: g = 1 + x' T^{-1} (population - sample totals)."""
    cross = matrix.T @ (matrix * weights[:, None])
    try:
        coefficients = scipy.linalg.solve(cross, population - matrix.T @ weights, assume_a="gen")
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError) as error:
        raise _collinear() from error
    return 1 + matrix @ coefficients


def _grake_g(
    matrix: np.ndarray,
    weights: np.ndarray,
    population: np.ndarray,
    distance: _Distance,
    *,
    max_iter: int,
    epsilon: float,
    replicate: int | None,
) -> np.ndarray:
    """R's grake: Newton steps on eta with step halving, from eta = 0."""
    sample_total = matrix.T @ weights
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = population / sample_total
    rescale = float(np.mean(scales)) if np.min(scales) > RESCALE_THRESHOLD else None
    if rescale is not None:
        weights = weights * rescale
        sample_total = sample_total * rescale
    eta = np.zeros(matrix.shape[1])
    x_eta = np.zeros(matrix.shape[0])
    derivative = distance.derivative(x_eta)
    iteration = 1
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            jacobian = matrix.T @ (matrix * (weights * derivative)[:, None])
            misfit = population - sample_total - matrix.T @ (weights * distance.g_minus_one(x_eta))
            step = np.linalg.pinv(jacobian, rcond=GINV_TOLERANCE) @ misfit
            eta = eta + step
            x_eta = matrix @ eta
            g = 1 + distance.g_minus_one(x_eta)
            derivative = distance.derivative(x_eta)
            while iteration < max_iter and not (np.isfinite(g).all() and np.isfinite(derivative).all()):
                iteration += 1
                step = step / 2
                eta = eta - step
                x_eta = matrix @ eta
                g = 1 + distance.g_minus_one(x_eta)
                derivative = distance.derivative(x_eta)
            misfit = population - sample_total - matrix.T @ (weights * distance.g_minus_one(x_eta))
            relative_misfit = np.abs(misfit) / (1 + np.abs(population))
            if (relative_misfit < epsilon).all():
                break
            iteration += 1
            if iteration > max_iter:
                which = "the full-sample weights" if replicate is None else f"replicate weight {replicate}"
                raise WeightingError(
                    "calibration_not_converged",
                    f"calibration of {which} did not meet the totals in {max_iter} iterations "
                    f"(largest relative misfit {np.nanmax(relative_misfit):g}); widen the bounds, "
                    "drop or collapse auxiliary variables, or raise max_iter",
                    expected=f"< {epsilon:g}", got=float(np.nanmax(relative_misfit)),
                )
    return g * rescale if rescale is not None else g


def _orthonormal_basis(matrix: np.ndarray) -> np.ndarray:
    q, r, _ = scipy.linalg.qr(matrix, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int(np.sum(diagonal > QR_TOLERANCE * diagonal[0])) if diagonal.size else 0
    return q[:, :rank]


def _require_positive(calibrated: np.ndarray, original: np.ndarray) -> None:
    # unbounded linear calibration can make weights negative; a zero replicate weight stays zero
    bad = (calibrated <= 0) & (original > 0)
    if bad.any():
        row, replicate = (int(i) for i in np.argwhere(bad)[0])
        which = "" if replicate == 0 else f" of replicate {replicate}"
        raise WeightingError(
            "nonpositive_calibrated_weight",
            f"calibration made the weight{which} of row {row} {calibrated[row, replicate]:g}; bound g "
            "(bounds=(low, high)) or use calfun='raking' or 'logit'",
            row=row, expected="> 0", got=float(calibrated[row, replicate]),
        )


def _collinear() -> WeightingError:
    return WeightingError(
        "calibration_singular",
        "the calibration variables are collinear (a level or total given twice, or a constant column)",
    )
