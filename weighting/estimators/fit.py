"""Weighted totals and their variance by cell: the arithmetic every linear estimator shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logit

from weighting.design import Survey
from weighting.estimators.cells import Cells
from weighting.replicate_variance import replicate_df, replicate_totals, replicate_variance
from weighting.variance import (
    GroupedScores,
    sum_by,
    taylor_df_of,
    taylor_variance,
    variance_of_unit_totals,
    variance_stages,
)


@dataclass(frozen=True)
class CellSums:
    """Per cell: unweighted n, weighted n, and weighted totals of the analysis columns.

    They are summed once per sampling unit and cell (the units of the last stage that enters the
    variance): ``unit_count``, ``unit_weight`` (units x cells) and ``unit_totals`` (units x cells
    x m). Cell figures are their sums, and the Taylor variance of an uncalibrated design needs
    nothing else (see ``unit_scores_variance``). A replicate design, whose variance needs no
    unit sums, is summed as a single unit.
    """

    cells: Cells
    weights: np.ndarray  # per row, zero outside every cell
    values: np.ndarray  # n x m, zero outside every cell
    n: np.ndarray  # per cell
    weighted_n: np.ndarray  # per cell
    totals: np.ndarray  # cells x m
    unit_count: np.ndarray  # units x cells
    unit_weight: np.ndarray  # units x cells
    unit_totals: np.ndarray  # units x cells x m

    @classmethod
    def of(cls, survey: Survey, cells: Cells, values: np.ndarray) -> CellSums:
        inside = cells.group >= 0
        weights = np.where(inside, survey.weights(), 0.0)
        values = np.where(inside[:, None], values, 0.0)
        size = cells.n_groups
        if survey.design.replicate is None:
            stage = variance_stages(survey)[-1]
            unit, n_units = stage.unit, stage.n_units
        else:
            unit, n_units = np.zeros(len(inside), dtype=np.intp), 1
        # one key per (unit, cell); rows outside every cell carry zero weight and are not counted
        key = unit * size + np.maximum(cells.group, 0)
        length = n_units * size
        unit_count = np.bincount(key[inside], minlength=length).reshape(n_units, size).astype(float)
        unit_weight = np.bincount(key, weights=weights, minlength=length).reshape(n_units, size)
        unit_totals = np.stack(
            [np.bincount(key, weights=weights * values[:, j], minlength=length) for j in range(values.shape[1])], axis=1
        ).reshape(n_units, size, values.shape[1])
        return cls(
            cells, weights, values, unit_count.sum(axis=0), unit_weight.sum(axis=0), unit_totals.sum(axis=0),
            unit_count, unit_weight, unit_totals,
        )

    def psu_has_rows(self, survey: Survey) -> np.ndarray:
        """PSUs x cells: which first-stage units hold rows of each cell (designs without replicates)."""
        return self.stage_counts(survey)[0] > 0

    def stage_counts(self, survey: Survey) -> list[np.ndarray]:
        """Rows of each cell in each unit, per stage of ``variance_stages`` (units x cells)."""
        stages = variance_stages(survey)
        if len(stages) == 1:
            return [self.unit_count]
        return [sum_by(stages[1].unit_stratum, self.unit_count, stages[0].n_units), self.unit_count]

    def at_rows(self, per_cell: np.ndarray) -> np.ndarray:
        """Spread a cells x m array to rows (rows outside every cell get zeros)."""
        # Group -1 picks the appended zero row: one gather, no mask pass.
        padded = np.vstack([per_cell, np.zeros((1, per_cell.shape[1]))])
        return padded[self.cells.group]

    def mean_scores(self, residuals: np.ndarray) -> np.ndarray:
        """Influence values of the cell means, weighted: w (y - mean) / sum w, zero outside cells."""
        return self.weights[:, None] * residuals * self.at_rows(1 / self.weighted_n[:, None])

    def weighted_variance(self, residuals: np.ndarray) -> np.ndarray:
        """R's svyvar of one column per cell: n/(n-1) * sum w r^2 / sum w, r already centred."""
        group = np.maximum(self.cells.group, 0)
        size = self.cells.n_groups
        sums = np.column_stack(
            [np.bincount(group, weights=self.weights * residuals[:, j] ** 2, minlength=size)
             for j in range(residuals.shape[1])]
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.n / (self.n - 1))[:, None] * sums / self.weighted_n[:, None]


def total_variance(survey: Survey, sums: CellSums, scores: np.ndarray) -> np.ndarray:
    """Taylor variance (cells x m) of the cell totals of ``scores`` (rows: weight x influence)."""
    cells = sums.cells
    grouped = GroupedScores(values=scores, group=cells.group, n_groups=cells.n_groups)
    return taylor_variance(survey, grouped, rows_dropped=True).reshape(cells.n_groups, scores.shape[1])


def unit_scores_variance(survey: Survey, sums: CellSums, unit_scores: np.ndarray) -> np.ndarray:
    """Taylor variance (cells x m) of an uncalibrated design from the score totals of each
    sampling unit and cell (units x cells x m, the units of ``CellSums``): no pass over rows.
    """
    assert not survey.calibration, "a calibrated design residualizes row scores: use total_variance"
    units, n_cells, m = unit_scores.shape
    stages = variance_stages(survey)
    finest = unit_scores.reshape(units, n_cells * m)
    counts = sums.stage_counts(survey)
    totals = [finest] if len(stages) == 1 else [sum_by(stages[1].unit_stratum, finest, stages[0].n_units), finest]
    has_rows = [np.repeat(count > 0, m, axis=1) for count in counts]
    return variance_of_unit_totals(survey, totals, has_rows).reshape(n_cells, m)


def replicate_estimates(survey: Survey, sums: CellSums, columns: np.ndarray) -> np.ndarray:
    """Replicate totals (cells x m x R) of ``columns`` (unweighted values, zero outside cells)."""
    return replicate_totals(survey, columns, sums.cells.group, sums.cells.n_groups)


def design_df(survey: Survey, sums: CellSums) -> np.ndarray:
    if survey.design.replicate is not None:
        return replicate_df(survey, sums.cells.rows())
    return taylor_df_of(survey, sums.psu_has_rows(survey))


def variance_of_replicates(survey: Survey, estimate: np.ndarray, replicates: np.ndarray) -> np.ndarray:
    spec = survey.design.replicate
    assert spec is not None
    return replicate_variance(estimate, replicates, spec)


def rows_in_design(survey: Survey, sums: CellSums) -> np.ndarray:
    """R's nrow(design[cell, ]): the cell's rows, or every row when a calibrated design keeps them."""
    if survey.calibration and survey.design.replicate is None:
        return np.full(sums.cells.n_groups, float(len(survey.data)))
    return sums.n


class MeanFit:
    """Cell means of the analysis columns with their variance, df and deff."""

    def __init__(self, survey: Survey, sums: CellSums) -> None:
        self.survey = survey
        self.sums = sums
        with np.errstate(divide="ignore", invalid="ignore"):
            self.estimate = sums.totals / sums.weighted_n[:, None]
        self.residuals = residuals = sums.values - sums.at_rows(self.estimate)
        self.replicates: np.ndarray | None = None
        if survey.design.replicate is not None:
            ones = (sums.cells.group >= 0).astype(float)[:, None]
            totals = replicate_estimates(survey, sums, np.hstack([sums.values, ones]))
            with np.errstate(divide="ignore", invalid="ignore"):
                self.replicates = totals[:, :-1] / totals[:, -1:]
            self.variance = variance_of_replicates(survey, self.estimate, self.replicates)
        elif survey.calibration:
            self.variance = total_variance(survey, sums, sums.mean_scores(residuals))
        else:  # per unit and cell, the total of w (y - mean) / W
            unit_scores = (sums.unit_totals - sums.unit_weight[:, :, None] * self.estimate[None]) / sums.weighted_n[
                None, :, None
            ]
            self.variance = unit_scores_variance(survey, sums, unit_scores)
        self.se = np.sqrt(self.variance)
        self.df = design_df(survey, sums)
        srs_variance = sums.weighted_variance(residuals) * (1 / sums.n - 1 / sums.weighted_n)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = self.variance / srs_variance
        # R gives no deff when the weights sum to less than the sample (not population-scaled).
        self.deff = np.where((sums.weighted_n < sums.n)[:, None], np.nan, deff)

    def logit_se(self) -> np.ndarray:
        p = self.estimate
        if self.replicates is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                return self.se / (p * (1 - p))
        with np.errstate(divide="ignore", invalid="ignore"):
            logit_replicates = logit(self.replicates)
            variance = variance_of_replicates(self.survey, logit(p), logit_replicates)
        return np.sqrt(variance)
