"""Post-stratification to known population cell totals, as R's ``postStratify``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse

from weighting.adjustment import (
    CELL_SEPARATOR,
    adjusted_survey,
    cell_sums,
    cells,
    require_columns,
    spread,
    value_label,
    weight_matrix,
)
from weighting.design import Survey
from weighting.errors import WeightingError

TOTAL_COLUMN = "total"


@dataclass(frozen=True, eq=False)
class PostStratification:
    """R's ``postStrata`` entry of ``postStratify``: cell of each row, weights before and after."""

    cell: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray

    def residualize(self, scores: np.ndarray) -> np.ndarray:
        # svyrecvar: subtract from each row psw times its cell's mean of scores * oldw / psw,
        # the mean weighted by the old weights
        scores = np.asarray(scores, dtype=float)
        cell_means = (self._ratios.T @ scores) / self._old_totals[:, None]
        residuals = self._new_weights @ cell_means
        return np.subtract(scores, residuals, out=residuals)

    @cached_property
    def _ratios(self) -> scipy.sparse.csr_array:
        return spread(self.cell, self.old_weights / self.weights)

    @cached_property
    def _new_weights(self) -> scipy.sparse.csr_array:
        return spread(self.cell, self.weights)

    @cached_property
    def _old_totals(self) -> np.ndarray:
        return np.bincount(self.cell, weights=self.old_weights)


def poststratify(
    survey: Survey,
    totals: pd.DataFrame,
    *,
    partial: bool = False,
    column: str = "poststratified_weight",
) -> Survey:
    """Scale the weights within each cell so they add up to the population ``total`` of that cell.

    ``totals`` has the cell columns (their names are the data's columns) and a ``total`` column.
    Every sample cell must have a positive total; every cell with a positive total must be in the
    sample, unless ``partial`` (R's ``partial=TRUE``: such cells are ignored).
    """
    if TOTAL_COLUMN not in totals.columns:
        raise WeightingError(
            "missing_total_column", f"the totals table needs a {TOTAL_COLUMN!r} column",
            expected=TOTAL_COLUMN, got=list(totals.columns),
        )
    cell_columns = [c for c in totals.columns if c != TOTAL_COLUMN]
    if not cell_columns:
        raise WeightingError("no_cell_columns", "the totals table needs at least one cell column besides 'total'")
    require_columns(survey.data, cell_columns)
    population = _totals_by_label(totals, cell_columns)
    codes, labels = cells(survey.data, cell_columns)
    cell_population = population_of_cells(labels, population, partial=partial, margin="+".join(cell_columns))
    old = weight_matrix(survey)
    new = rescale_cells(old, codes, cell_population, labels)
    stage = PostStratification(cell=codes, weights=new[:, 0], old_weights=old[:, 0])
    return adjusted_survey(survey, new, column=column, stage=stage)


def rescale_cells(
    weights: np.ndarray, codes: np.ndarray, cell_population: np.ndarray, labels: list[str]
) -> np.ndarray:
    """Each weight column times population/sample total of its cell."""
    sample = cell_sums(codes, weights, len(cell_population))
    empty = sample == 0
    if empty.any():
        # only a replicate can empty a cell: it deleted the PSUs holding all of the cell's members
        cell, replicate = (int(i) for i in np.argwhere(empty)[0])
        raise WeightingError(
            "empty_cell_in_replicate",
            f"replicate {replicate} has no weight in cell {labels[cell]!r}: collapse the cell with another",
            got=labels[cell],
        )
    factors = cell_population[:, None] / sample
    rescaled = np.empty_like(weights)
    for j in range(weights.shape[1]):  # column by column: weight matrices are column-major
        rescaled[:, j] = weights[:, j] * factors[codes, j]
    return rescaled


def population_of_cells(
    labels: list[str],
    population: Mapping[str, float],
    *,
    partial: bool,
    margin: str,
) -> np.ndarray:
    """Population total of each sample cell, refusing cells R's postStratify refuses."""
    for label in labels:
        if label not in population:
            raise WeightingError(
                "cell_missing_from_totals", f"sample cell {label!r} of {margin} has no population total",
                column=margin, expected="a population total for every sample cell", got=label,
            )
        if population[label] == 0:
            raise WeightingError(
                "zero_population_total",
                f"sample cell {label!r} of {margin} has population total 0 but sample members",
                column=margin, expected="> 0", got=label,
            )
    if not partial:
        present = set(labels)
        for label, total in population.items():
            if total != 0 and label not in present:
                raise WeightingError(
                    "cell_missing_from_sample",
                    f"population cell {label!r} of {margin} has no sample member "
                    "(collapse cells, or use partial=True to ignore it)",
                    column=margin, expected="a sample member in every population cell", got=label,
                )
    return np.array([population[label] for label in labels], dtype=float)


def checked_total(label: str, value: object, margin: str) -> float:
    """A population total as a finite, non-negative float."""
    try:
        total = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        total = float("nan")
    if not np.isfinite(total) or total < 0:
        raise WeightingError(
            "invalid_total", f"population total of cell {label!r} of {margin} must be a finite number >= 0",
            column=margin, expected=">= 0", got=value,
        )
    return total


def _totals_by_label(totals: pd.DataFrame, cell_columns: list[str]) -> dict[str, float]:
    margin = "+".join(cell_columns)
    population: dict[str, float] = {}
    for row, (cell_values, value) in enumerate(
        zip(totals[cell_columns].itertuples(index=False, name=None), totals[TOTAL_COLUMN], strict=True)
    ):
        if any(pd.isna(v) for v in cell_values):
            raise WeightingError(
                "missing_value", f"row {row} of the totals table has an empty cell value",
                column=margin, row=row,
            )
        label = CELL_SEPARATOR.join(value_label(v) for v in cell_values)
        if label in population:
            raise WeightingError(
                "duplicate_cell", f"cell {label!r} appears twice in the totals table",
                column=margin, row=row, got=label,
            )
        population[label] = checked_total(label, value, margin)
    return population
