"""Weight trimming with redistribution, as R's ``trimWeights``."""

from __future__ import annotations

import numpy as np

from weighting.adjustment import adjusted_survey, weight_matrix
from weighting.design import Survey
from weighting.errors import WeightingError

# strict trimming repeats until no weight is outside; bounds the mean weight cannot meet never end
MAX_STRICT_PASSES = 1000


def trim(
    survey: Survey,
    *,
    lower: float = -np.inf,
    upper: float = np.inf,
    strict: bool = False,
    column: str = "trimmed_weight",
) -> Survey:
    """Cut weights to [lower, upper] and share what was cut equally among the untrimmed weights.

    The total weight is kept. Sharing can push a weight past a bound again; ``strict`` repeats the
    trimming until none is (R's ``strict=TRUE``). Calibration stages already recorded stay, as in
    R. A replicate design has each replicate weight trimmed the same way, its deleted PSUs (zero
    weights) left alone; R 4.1.1's ``trimWeights`` for replicate designs is not followed there, as
    it leaves the full-sample weights untrimmed and mis-shapes the replicates.
    """
    if not lower < upper:
        raise WeightingError("invalid_bounds", "trimming needs lower < upper", expected="lower < upper",
                             got=(lower, upper))
    weights = weight_matrix(survey)
    trimmed = np.column_stack([_trim_column(weights[:, j], lower, upper, strict) for j in range(weights.shape[1])])
    return adjusted_survey(survey, trimmed, column=column, stage=None)


def _trim_column(weights: np.ndarray, lower: float, upper: float, strict: bool) -> np.ndarray:
    # zero replicate weights (a deleted PSU) are not members of that replicate: they stay zero
    members = weights > 0
    for _ in range(MAX_STRICT_PASSES):
        outside = members & ((weights < lower) | (weights > upper))
        if not outside.any():
            return weights
        inside = members & ~outside
        if not inside.any():
            break
        clipped = np.where(members, np.clip(weights, lower, upper), weights)
        clipped[inside] += (weights - clipped)[members].sum() / inside.sum()
        weights = clipped
        if not strict:
            return weights
    raise WeightingError(
        "trimming_impossible",
        f"weights cannot all be brought within [{lower:g}, {upper:g}] while keeping their total "
        f"(mean weight {weights[members].mean():g})",
        expected=f"[{lower:g}, {upper:g}]", got=(float(weights[members].min()), float(weights[members].max())),
    )
