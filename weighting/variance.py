"""Taylor-linearisation variance, as R's svyrecvar/multistage/onestage/onestrat (survey 4.1.1).

Scores (influence values) come in a compact "grouped" form: column (g, l) of the score matrix
is ``values[:, l]`` on the rows of domain g and zero elsewhere, so that an estimate by 64
domains never builds a dense n x 64 matrix. Rows keep their PSU whatever the domain
(subpopulation variance).

R computes a domain estimate on ``design[domain, ]``. For an uncalibrated design that drops the
rows outside the domain while keeping each stratum's PSU count, which is the full-design
variance except for three things this module reproduces: strata without domain rows are not
counted by the "average" rule, a stratum whose only PSU is outside the domain does not trigger
"fail", and ``survey.adjust.domain.lonely`` looks at the PSUs that hold domain rows. For a
calibrated design R keeps every row (weights set to zero), so none of the three apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse

from weighting.design import StageLayout, Survey
from weighting.errors import WeightingError

CENSUS_FRACTION = 1e-7  # R's onestrat: a stratum with every f below this contributes nothing
CALIBRATION_CHUNK = 16  # columns densified at a time when calibration needs n x k scores


@dataclass(frozen=True)
class GroupedScores:
    """Influence values: column g * L + l is ``values[:, l]`` on rows with ``group == g``, else 0."""

    values: np.ndarray  # n x L
    group: np.ndarray  # n, -1 for rows in no domain
    n_groups: int

    @property
    def n_levels(self) -> int:
        return self.values.shape[1]

    @property
    def n_columns(self) -> int:
        return self.n_groups * self.n_levels

    def dense(self, columns: range) -> np.ndarray:
        out = np.zeros((len(self.group), len(columns)))
        for j, column in enumerate(columns):
            g, level = divmod(column, self.n_levels)
            rows = self._rows_of_group[g]
            out[rows, j] = self.values[rows, level]
        return out

    @cached_property
    def _rows_of_group(self) -> list[np.ndarray]:
        return rows_by_group(self.group, self.n_groups)


def rows_by_group(group: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Row positions of each group 0..n_groups-1, in data order (rows of group -1 left out)."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


def variance_stages(survey: Survey) -> tuple[StageLayout, ...]:
    """The stages whose units enter the variance: without fpc R stops at the first stage
    (ultimate clusters, with replacement)."""
    layout = survey.layout
    return layout.stages if survey.design.fpc else layout.stages[:1]


def taylor_variance(survey: Survey, scores: GroupedScores, *, rows_dropped: bool) -> np.ndarray:
    """Variance of the total of each score column (length n_groups * n_levels).

    ``rows_dropped`` says whether R would drop the rows outside each group (an uncalibrated
    design subset by domain) rather than keep them with zero weight.
    """
    stages = variance_stages(survey)
    totals = _unit_totals(survey, scores, stages)
    has_rows = None
    if rows_dropped and not survey.calibration:
        has_rows = [_unit_has_rows(scores, stage) for stage in stages]
    return variance_of_unit_totals(survey, totals, has_rows)


def variance_of_unit_totals(
    survey: Survey, totals: list[np.ndarray], has_rows: list[np.ndarray] | None
) -> np.ndarray:
    """Variance of the total of each score column, from the score totals of every sampling unit
    (units x columns, one array per stage of ``variance_stages``). ``has_rows`` (same shapes,
    boolean) says which units hold rows of each column, when R would drop the rows outside
    (see ``taylor_variance``); None when it keeps them.
    """
    stages = variance_stages(survey)
    stage1 = stages[0]
    psu_has_rows = None if has_rows is None else has_rows[0]
    contributions, present = _stage_contributions(survey, totals[0], psu_has_rows, stage1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_strata = present.sum(axis=0)
        n_ok = (present & ~np.isnan(contributions)).sum(axis=0)
        variance = np.nansum(contributions, axis=0) * n_strata / n_ok
    if len(stages) == 2:
        stage2 = stages[1]
        ssu_has_rows = None if has_rows is None else has_rows[1]
        within, _ = _stage_contributions(survey, totals[1], ssu_has_rows, stage2, 2)
        assert stage1.stratum_popsize is not None
        fraction = (stage1.stratum_units / stage1.stratum_popsize)[stage1.unit_stratum]
        within = within * fraction[:, None]
        if psu_has_rows is not None:
            within = np.where(psu_has_rows, within, 0.0)
        variance = variance + within.sum(axis=0)
    return variance


def taylor_df(survey: Survey, group: np.ndarray, n_groups: int) -> np.ndarray:
    """R's degf(design[domain, ]): PSUs minus strata among the rows of each group."""
    return taylor_df_of(survey, _group_has_rows(group, n_groups, survey.layout.stages[0]))


def taylor_df_of(survey: Survey, psu_has_rows: np.ndarray) -> np.ndarray:
    """``taylor_df`` from which PSUs hold rows of each group (PSUs x groups, boolean)."""
    stage1 = survey.layout.stages[0]
    strata_with_rows = sum_by(stage1.unit_stratum, psu_has_rows.astype(float), stage1.n_strata) > 0
    return psu_has_rows.sum(axis=0).astype(float) - strata_with_rows.sum(axis=0)


def _unit_totals(survey: Survey, scores: GroupedScores, stages: tuple[StageLayout, ...]) -> list[np.ndarray]:
    """Score totals of every sampling unit (units x columns), one array per stage."""
    if survey.calibration:
        return _calibrated_unit_totals(survey, scores, stages)
    inside = scores.group >= 0
    out = []
    for stage in stages:
        key = stage.unit[inside] * scores.n_groups + scores.group[inside]
        size = stage.n_units * scores.n_groups
        per_level = [
            np.bincount(key, weights=scores.values[inside, level], minlength=size).reshape(stage.n_units, scores.n_groups)
            for level in range(scores.n_levels)
        ]
        out.append(np.stack(per_level, axis=2).reshape(stage.n_units, scores.n_columns))
    return out


def _calibrated_unit_totals(
    survey: Survey, scores: GroupedScores, stages: tuple[StageLayout, ...]
) -> list[np.ndarray]:
    """Residualize dense chunks of score columns through every calibration stage, in order."""
    n = len(scores.group)
    to_units = [sparse.csr_matrix((np.ones(n), (s.unit, np.arange(n))), shape=(s.n_units, n)) for s in stages]
    out = [np.empty((stage.n_units, scores.n_columns)) for stage in stages]
    for start in range(0, scores.n_columns, CALIBRATION_CHUNK):
        columns = range(start, min(start + CALIBRATION_CHUNK, scores.n_columns))
        dense = scores.dense(columns)
        for calibration in survey.calibration:
            dense = np.asarray(calibration.residualize(dense), dtype=float).reshape(n, len(columns))
        for aggregate, totals in zip(to_units, out):
            totals[:, start : columns.stop] = aggregate @ dense
    return out


def _group_has_rows(group: np.ndarray, n_groups: int, stage: StageLayout) -> np.ndarray:
    inside = group >= 0
    key = stage.unit[inside] * n_groups + group[inside]
    counts = np.bincount(key, minlength=stage.n_units * n_groups)
    return counts.reshape(stage.n_units, n_groups) > 0


def _unit_has_rows(scores: GroupedScores, stage: StageLayout) -> np.ndarray:
    return np.repeat(_group_has_rows(scores.group, scores.n_groups, stage), scores.n_levels, axis=1)


def sum_by(codes: np.ndarray, matrix: np.ndarray, n: int) -> np.ndarray:
    """Sum of the rows of ``matrix`` (k x m) that have each code 0..n-1: n x m."""
    if matrix.shape[1] == 1:
        return np.bincount(codes, weights=matrix[:, 0], minlength=n)[:, None]
    indicator = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n, len(codes)))
    return np.asarray(indicator @ matrix)


def _stage_contributions(
    survey: Survey,
    totals: np.ndarray,
    has_rows: np.ndarray | None,
    stage: StageLayout,
    stage_number: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stratum and column, R's onestrat: the stratum's share of the variance (NaN = averaged)."""
    design = survey.design
    rule = design.lonely_psu
    n_units = stage.stratum_units
    if stage.stratum_popsize is None:
        fraction_unsampled = np.ones_like(n_units)
    else:
        popsize = stage.stratum_popsize
        with np.errstate(invalid="ignore"):
            fraction_unsampled = np.where(np.isinf(popsize), 1.0, (popsize - n_units) / popsize)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_units > 1, fraction_unsampled * n_units / (n_units - 1), fraction_unsampled)
    codes = stage.unit_stratum
    means = sum_by(codes, totals, stage.n_strata) / n_units[:, None]
    centered = sum_by(codes, (totals - means[codes]) ** 2, stage.n_strata)
    uncentered = sum_by(codes, totals**2, stage.n_strata)
    if has_rows is None:
        units_with_rows = np.broadcast_to(n_units[:, None], centered.shape)
    else:
        units_with_rows = sum_by(codes, has_rows.astype(float), stage.n_strata)
    present = units_with_rows > 0
    lonely = (n_units == 1)[:, None]
    census = (fraction_unsampled < CENSUS_FRACTION)[:, None]
    single = units_with_rows == 1
    domain_single = single & ~lonely & design.adjust_domain_lonely
    if rule == "fail":
        _refuse_lonely(survey, stage, stage_number, lonely & present & ~census)
    if rule == "adjust":
        # R's "adjust" centres a lonely stratum at zero instead of at its (only) PSU.
        squares = np.where(single & (lonely | design.adjust_domain_lonely), uncentered, centered)
    else:
        squares = centered
    contributions = scale[:, None] * squares
    if rule == "average":
        contributions = np.where(lonely | domain_single, np.nan, contributions)
    contributions = np.where(census, 0.0, contributions)
    return np.where(present, contributions, 0.0), present


def _refuse_lonely(survey: Survey, stage: StageLayout, stage_number: int, offending: np.ndarray) -> None:
    strata = np.flatnonzero(offending.any(axis=1))
    if not len(strata):
        return
    unit = int(np.flatnonzero(stage.unit_stratum == strata[0])[0])
    row = int(np.flatnonzero(stage.unit == unit)[0])
    design = survey.design
    column = design.strata if stage_number == 1 else design.clusters[0]
    label = survey.data[column].iloc[row] if column is not None else None
    raise WeightingError(
        "lonely_psu",
        f"stratum {label!r} has only one PSU at stage {stage_number} (lonely_psu='fail'); "
        "choose lonely_psu='remove', 'certainty', 'adjust' or 'average'",
        column=column,
        row=row,
        expected="at least 2 PSUs per stratum",
        got=1,
    )
