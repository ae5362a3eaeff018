"""Confidence intervals: Wald with the design df, and svyciprop's "logit" and "beta" for proportions."""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats
from scipy.special import expit, logit

from weighting.errors import WeightingError

IntervalMethod = Literal["wald", "logit", "beta"]


def critical_value(df: np.ndarray, level: float) -> np.ndarray:
    """R's qt(1 - alpha/2, df), with df = Inf giving the normal quantile and df <= 0 giving NaN."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1.0)), np.nan)


def wald(estimate: np.ndarray, se: np.ndarray, df: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    half = critical_value(df, level) * se
    return estimate - half, estimate + half


def logit_interval(
    proportion: np.ndarray, se_logit: np.ndarray, df: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """svyciprop(method="logit"): a Wald interval for logit(p), mapped back.

    ``se_logit`` is the standard error of logit(p): se(p) / (p (1 - p)) under linearisation
    (what svyglm's sandwich gives for an intercept-only model), the replicate SE of logit(p_r)
    for replicate designs.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        center = logit(proportion)
        half = critical_value(df, level) * se_logit
        low, high = expit(center - half), expit(center + half)
    degenerate = (proportion <= 0) | (proportion >= 1)
    return np.where(degenerate, proportion, low), np.where(degenerate, proportion, high)


def beta_interval(
    proportion: np.ndarray, variance: np.ndarray, df: np.ndarray, n_rows: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """svyciprop(method="beta"): Korn-Graubard, with R's effective sample size adjusted by
    (qt(alpha/2, n_rows - 1) / qt(alpha/2, df))^2."""
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        n_effective = proportion * (1 - proportion) / variance
        n_effective = n_effective * (critical_value(n_rows - 1, level) / critical_value(df, level)) ** 2
        low = stats.beta.ppf(alpha / 2, n_effective * proportion, n_effective * (1 - proportion) + 1)
        high = stats.beta.ppf(1 - alpha / 2, n_effective * proportion + 1, n_effective * (1 - proportion))
    # Zero variance (e.g. shares of a stratification variable): the interval is the point.
    # R returns qbeta(, Inf, Inf) = 0.5 for both ends here, which is not an interval for p.
    exact = variance == 0
    return np.where(exact, proportion, low), np.where(exact, proportion, high)


def require_level(level: float) -> None:
    if not 0 < level < 1:
        raise WeightingError("invalid_level", "confidence level must be between 0 and 1", expected="(0, 1)", got=level)


def require_method(method: str, allowed: tuple[str, ...]) -> None:
    if method not in allowed:
        raise WeightingError(
            "unknown_interval_method", f"unknown confidence interval method {method!r}", expected=allowed, got=method
        )
