"""Raking (iterative proportional fitting) to one- and two-way margins, as R's ``rake``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse

from weighting.adjustment import adjusted_survey, cells, spread, value_label, weight_matrix
from weighting.design import Survey
from weighting.errors import WeightingError
from weighting.poststratify import checked_total, population_of_cells, rescale_cells

CROSSING = "*"
# svyrecvar residualizes a raking stage by this many sweeps over its margins: R's fixed number.
RESIDUAL_SWEEPS = 10


@dataclass(frozen=True, eq=False)
class RakedMargin:
    """One margin of the last raking sweep: the cell of each row and the weights after fitting it."""

    cell: np.ndarray
    weights: np.ndarray

    @cached_property
    def n_cells(self) -> int:
        return int(self.cell.max()) + 1

    @cached_property
    def counts(self) -> np.ndarray:
        return np.bincount(self.cell, minlength=self.n_cells).astype(float)

    @cached_property
    def weighted(self) -> scipy.sparse.csr_array:
        """n x cells: the row's weight in its cell's column."""
        return spread(self.cell, self.weights)

    @cached_property
    def inverse_weighted(self) -> scipy.sparse.csr_array:
        """n x cells: 1 / the row's weight in its cell's column."""
        return spread(self.cell, 1 / self.weights)


@dataclass(frozen=True, eq=False)
class Raking:
    """R's ``postStrata`` entry of class "raking": the margins of the last sweep, in order."""

    margins: tuple[RakedMargin, ...]

    def residualize(self, scores: np.ndarray) -> np.ndarray:
        # svyrecvar sweeps x <- x - psw * ave(x / psw, cell) over the margins RESIDUAL_SWEEPS
        # times. Every sweep subtracts psw * (one value per cell), so x ends as
        # x0 - sum over margins of psw * coefficient[cell]; the sweeps are run on those small
        # coefficient matrices, and the n x k scores are read and written once per margin.
        scores = np.asarray(scores, dtype=float)
        margins = self.margins
        projections = [m.inverse_weighted.T @ scores for m in margins]
        coefficients = [np.zeros((m.n_cells, scores.shape[1])) for m in margins]
        for _ in range(RESIDUAL_SWEEPS):
            for a, margin in enumerate(margins):
                current = projections[a] - sum(self._cross[a][b] @ coefficients[b] for b in range(len(margins)))
                coefficients[a] += current / margin.counts[:, None]
        # one n x k allocation: the correction of every margin at once, then scores minus it in place
        residuals = self._weighted_cells @ np.vstack(coefficients)
        return np.subtract(scores, residuals, out=residuals)

    @cached_property
    def _weighted_cells(self) -> scipy.sparse.csr_array:
        """n x (cells of every margin): each row's weight after a margin, in its cell of that margin."""
        return scipy.sparse.hstack([m.weighted for m in self.margins], format="csr")

    @cached_property
    def _cross(self) -> list[list[np.ndarray]]:
        """[a][b]: cells_a x cells_b, the sum over rows of psw_b / psw_a (how margin b moves a)."""
        return [[(a.inverse_weighted.T @ b.weighted).toarray() for b in self.margins] for a in self.margins]


@dataclass(frozen=True)
class _Margin:
    name: str
    cell: np.ndarray
    labels: list[str]
    population: np.ndarray


def rake(
    survey: Survey,
    margins: Mapping[str, Mapping[object, float]],
    *,
    max_iter: int = 10,
    epsilon: float = 1.0,
    column: str = "raked_weight",
) -> Survey:
    """Post-stratify to each margin in turn until the weights stop moving (R's ``rake``).

    ``margins`` maps a column, or ``"a*b"`` for a two-way margin, to ``{level: population total}``;
    the levels of a two-way margin join the values with "|" (``{"sex*age": {"f|15-29": 1200}}``).
    Convergence is R's: the weighted cross-table of all margin columns changes by less than
    ``epsilon`` in a sweep; ``epsilon < 1`` is relative to the sum of the weights.
    """
    if not margins:
        raise WeightingError("no_margins", "raking needs at least one margin")
    if max_iter < 1:
        raise WeightingError("invalid_max_iter", "max_iter must be at least 1", expected=">= 1", got=max_iter)
    if not epsilon > 0:
        raise WeightingError("invalid_epsilon", "epsilon must be positive", expected="> 0", got=epsilon)
    fitted = [_margin(survey, name, levels) for name, levels in margins.items()]
    all_columns = list(dict.fromkeys(c for name in margins for c in name.split(CROSSING)))
    table_cell, _ = cells(survey.data, all_columns)
    weights = weight_matrix(survey)
    tolerance = epsilon * weights[:, 0].sum() if epsilon < 1 else epsilon
    old_table = np.bincount(table_cell, weights=weights[:, 0])
    change = np.inf
    for _ in range(max_iter):
        last_sweep = []
        for margin in fitted:
            weights = rescale_cells(weights, margin.cell, margin.population, margin.labels)
            last_sweep.append(RakedMargin(cell=margin.cell, weights=weights[:, 0]))
        new_table = np.bincount(table_cell, weights=weights[:, 0])
        change = float(np.max(np.abs(new_table - old_table)))
        if change < tolerance:
            return adjusted_survey(survey, weights, column=column, stage=Raking(margins=tuple(last_sweep)))
        old_table = new_table
    raise WeightingError(
        "raking_not_converged",
        f"raking did not converge in {max_iter} iterations: the weighted table of "
        f"{', '.join(all_columns)} still moved by {change:g} in the last sweep "
        f"(tolerance {tolerance:g}); raise max_iter, or collapse sparse cells",
        expected=f"< {tolerance:g}", got=change,
    )


def _margin(survey: Survey, name: str, levels: Mapping[object, float]) -> _Margin:
    columns = name.split(CROSSING)
    cell, labels = cells(survey.data, columns)
    population: dict[str, float] = {}
    for level, value in levels.items():
        label = value_label(level)
        if label in population:
            raise WeightingError(
                "duplicate_cell", f"level {label!r} appears twice in margin {name}", column=name, got=label
            )
        population[label] = checked_total(label, value, name)
    return _Margin(
        name=name, cell=cell, labels=labels,
        population=population_of_cells(labels, population, partial=False, margin=name),
    )
