"""Design (base) weights from the selection probability of every sampling stage."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from weighting.adjustment import column_list, require_columns
from weighting.design import Design, Survey
from weighting.errors import WeightingError


def base_weights(
    data: pd.DataFrame,
    design: Design,
    *,
    probabilities: Sequence[str] | str,
    eligible: str | None = None,
) -> Survey:
    """The survey weighted by 1 / (product of the stage probabilities) x eligible persons.

    ``probabilities`` name one column per stage (PSU, household, ...), each in (0, 1].
    ``eligible`` names the number k of eligible persons in the household when one of them (or one
    woman) was selected at random: the person's probability within the household is 1/k.
    The weight is written to ``design.weight``, which must name a new or replaceable column.
    """
    if design.weight is None:
        raise WeightingError(
            "weight_column_required", "base weights are written to design.weight: name that column",
            expected="Design(weight=...)", got=design.probability,
        )
    probabilities = column_list(probabilities)
    if not probabilities:
        raise WeightingError("no_probabilities", "give at least one stage probability column")
    require_columns(data, [*probabilities, *([eligible] if eligible else [])])
    weights = np.ones(len(data))
    for column in probabilities:
        weights /= _probability(data, column)
    if eligible is not None:
        weights *= _eligible_count(data, eligible)
    return Survey(data.assign(**{design.weight: weights}), design)


def _values(data: pd.DataFrame, column: str) -> np.ndarray:
    series = data[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise WeightingError(
            "non_numeric_column", f"column {column!r} must be numeric",
            column=column, expected="numeric", got=str(series.dtype),
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(values)
    if missing.any():
        raise WeightingError(
            "missing_value", f"column {column!r} has a missing value", column=column,
            row=int(np.flatnonzero(missing)[0]),
        )
    return values


def _probability(data: pd.DataFrame, column: str) -> np.ndarray:
    values = _values(data, column)
    bad = ~((values > 0) & (values <= 1))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise WeightingError(
            "invalid_probability", f"selection probability in {column!r} must be in (0, 1]",
            column=column, row=row, expected="(0, 1]", got=values[row],
        )
    return values


def _eligible_count(data: pd.DataFrame, column: str) -> np.ndarray:
    values = _values(data, column)
    bad = ~((values >= 1) & (values == np.floor(values)))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise WeightingError(
            "invalid_eligible_count", f"number of eligible persons in {column!r} must be a whole number >= 1",
            column=column, row=row, expected="an integer >= 1", got=values[row],
        )
    return values
