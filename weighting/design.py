"""The survey design (column names and rules, a frozen value) and a Survey (data + design).

The vocabulary is R `survey`'s: `svydesign(ids=, strata=, weights=|probs=, fpc=, nest=)` with
`options(survey.lonely.psu=)`, and `svrepdesign(repweights=, type=, scale=, rscales=, mse=)`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol, get_args

import numpy as np
import pandas as pd

from weighting.errors import WeightingError
from weighting.jackknife import PsuJackknife

ReplicateMethod = Literal["jk1", "jkn", "brr", "fay", "bootstrap", "other"]
LonelyPsuRule = Literal["fail", "remove", "certainty", "adjust", "average"]


@dataclass(frozen=True)
class ReplicateSpec:
    """Replicate weights as R's `svrepdesign(combined.weights=TRUE)`: each column is a full weight.

    Variance = scale * sum(rscales * (theta_r - center)^2), center = the full-sample estimate
    when ``mse`` else the mean of the replicates with rscales > 0. ``df`` None means R's rule:
    the QR rank (tolerance 1e-5) of the replicate weights minus one, recomputed in each domain.

    A jackknife too large for columns (see ``weighting.replicates.make_replicates``) is kept as
    ``jackknife``, its multipliers per PSU, with no ``columns``: its replicate weights exist only
    as ``Survey.replicate_weights()`` builds them on request, within ``max_cells``.
    """

    columns: tuple[str, ...]
    method: ReplicateMethod
    scale: float
    rscales: tuple[float, ...] | None = None
    mse: bool = False
    df: float | None = None
    jackknife: PsuJackknife | None = field(default=None, compare=False)
    max_cells: int | None = None  # the largest n x R matrix a ``jackknife`` spec may build

    def __post_init__(self) -> None:
        if self.jackknife is not None and self.columns:
            raise WeightingError("replicate_columns_and_jackknife", "give replicate columns or a PSU jackknife, not both")
        if self.count < 2:
            raise WeightingError(
                "no_replicates", "a replicate design needs at least two replicate weight columns",
                expected=">= 2", got=self.count,
            )
        if self.method not in get_args(ReplicateMethod):
            raise WeightingError(
                "unknown_replicate_method", f"unknown replicate method {self.method!r}",
                expected=get_args(ReplicateMethod), got=self.method,
            )
        if not np.isfinite(self.scale) or self.scale <= 0:
            raise WeightingError("invalid_replicate_scale", "scale must be positive and finite", got=self.scale)
        if self.rscales is not None:
            if len(self.rscales) != self.count:
                raise WeightingError(
                    "invalid_replicate_rscales", "rscales needs one value per replicate column",
                    expected=self.count, got=len(self.rscales),
                )
            if any(not np.isfinite(r) or r < 0 for r in self.rscales):
                raise WeightingError("invalid_replicate_rscales", "rscales must be finite and >= 0", got=self.rscales)
        if self.df is not None and not self.df > 0:
            raise WeightingError("invalid_replicate_df", "df must be positive", got=self.df)

    @property
    def count(self) -> int:
        """Number of replicates."""
        return self.jackknife.n_replicates if self.jackknife is not None else len(self.columns)

    def rscale_array(self) -> np.ndarray:
        if self.rscales is None:
            return np.ones(self.count)
        return np.asarray(self.rscales, dtype=float)


@dataclass(frozen=True)
class Design:
    """Which columns describe the sample design, and the rules R leaves to the analyst.

    ``fpc`` holds one column per stage: population sizes, or sampling fractions when every value
    is <= 1 (R's `as.fpc` rule). Without fpc only the first stage enters the variance (R's
    ultimate-cluster approximation, sampling with replacement).
    ``adjust_domain_lonely`` is R's `options(survey.adjust.domain.lonely=)` (default FALSE):
    when a domain has a single PSU in a stratum that has several, TRUE applies ``lonely_psu``
    ("adjust" or "average") to it as R does.
    """

    weight: str | None = None
    probability: str | None = None
    strata: str | None = None
    clusters: tuple[str, ...] = ()
    fpc: tuple[str, ...] = ()
    nest: bool = False
    lonely_psu: LonelyPsuRule = "fail"
    replicate: ReplicateSpec | None = None
    adjust_domain_lonely: bool = False

    def __post_init__(self) -> None:
        if (self.weight is None) == (self.probability is None):
            raise WeightingError(
                "weight_required",
                "give exactly one of weight= or probability=; estimates are never silently unweighted",
                expected="weight or probability", got={"weight": self.weight, "probability": self.probability},
            )
        if self.lonely_psu not in get_args(LonelyPsuRule):
            raise WeightingError(
                "unknown_lonely_psu_rule", f"unknown lonely-PSU rule {self.lonely_psu!r}",
                expected=get_args(LonelyPsuRule), got=self.lonely_psu,
            )
        if len(self.clusters) > 2:
            raise WeightingError(
                "too_many_stages", "at most two stages of clusters (PSU, SSU) are supported",
                expected="<= 2", got=len(self.clusters),
            )
        stages = max(1, len(self.clusters))
        if self.fpc and len(self.fpc) != stages:
            raise WeightingError(
                "fpc_stages", "give one fpc column per stage of clusters",
                expected=stages, got=len(self.fpc),
            )

    def columns(self) -> tuple[str, ...]:
        """Every column the design reads."""
        named = (self.weight, self.probability, self.strata, *self.clusters, *self.fpc)
        replicate = self.replicate.columns if self.replicate else ()
        return tuple(c for c in named if c is not None) + replicate


class CalibrationStage(Protocol):
    """One weight adjustment whose effect the variance must remove (R's `postStrata` entries).

    ``residualize`` maps n x k influence values (one column per statistic, rows in data order)
    to their residuals as R's svyrecvar does. It must act column by column (it is linear), so
    callers may pass the columns in chunks.
    """

    def residualize(self, scores: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class StageLayout:
    """Units of one sampling stage, as integer codes, with R's per-stratum sample and population sizes.

    Stage 1 strata are the design strata; stage 2 strata are the PSUs (R's interaction of the
    stratum and the first-stage id).
    """

    unit: np.ndarray  # per row, code of the unit at this stage (0..units-1)
    unit_stratum: np.ndarray  # per unit, code of its stratum at this stage
    stratum_units: np.ndarray  # per stratum, number of sampled units (R's fpc$sampsize)
    stratum_popsize: np.ndarray | None  # per stratum, population units (R's fpc$popsize), None without fpc

    @property
    def n_units(self) -> int:
        return len(self.unit_stratum)

    @property
    def n_strata(self) -> int:
        return len(self.stratum_units)


@dataclass(frozen=True)
class DesignLayout:
    """Integer codes computed once per Survey so that estimators never group by labels again."""

    weights: np.ndarray
    stratum: np.ndarray  # per row, first-stage stratum code
    stages: tuple[StageLayout, ...]


@dataclass(frozen=True, eq=False)
class Survey:
    """Data plus its design. Never mutated: weighting steps return new Surveys."""

    data: pd.DataFrame
    design: Design
    calibration: tuple[CalibrationStage, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.data, pd.DataFrame):
            raise WeightingError("invalid_data", "data must be a pandas DataFrame", got=type(self.data).__name__)
        if len(self.data) == 0:
            raise WeightingError("empty_data", "the data has no rows")
        for column in self.design.columns():
            if column not in self.data.columns:
                raise WeightingError(
                    "unknown_column", f"design column {column!r} is not in the data",
                    column=column, expected="a column of the data", got=column,
                )
        _ = self.layout  # validates values and builds the codes once
        replicate = self.design.replicate
        if replicate is not None and replicate.jackknife is not None:
            if len(replicate.jackknife.psu) != len(self.data):
                raise WeightingError(
                    "stale_replicates", "the PSU jackknife was made for other rows; make the replicates again",
                    expected=len(self.data), got=len(replicate.jackknife.psu),
                )
        elif replicate is not None:
            _ = self._replicate_matrix

    def weights(self) -> np.ndarray:
        """The final (full-sample) weight of every row."""
        return self.layout.weights

    def replicate_weights(self) -> np.ndarray:
        """n x R matrix of replicate weights (full weights, R's combined.weights=TRUE)."""
        spec = self.design.replicate
        if spec is None:
            raise WeightingError("not_a_replicate_design", "this survey has no replicate weights")
        return self._replicate_matrix

    def with_weights(
        self,
        values: np.ndarray,
        *,
        column: str,
        stage: CalibrationStage | None = None,
        replicate: ReplicateSpec | None = None,
    ) -> Survey:
        """A new Survey whose final weight is ``values`` (stored in ``column``).

        ``stage`` records a calibration whose effect the Taylor variance removes. A replicate
        design must get its adjusted replicate weights too: keeping the old ones would give
        replicate variances of a different estimator.
        """
        values = np.asarray(values, dtype=float)
        if values.shape != (len(self.data),):
            raise WeightingError(
                "weight_length", "new weights need one value per row",
                column=column, expected=len(self.data), got=values.shape,
            )
        if self.design.replicate is not None and replicate is None:
            raise WeightingError(
                "stale_replicates",
                "a replicate design needs its replicate weights adjusted with the full-sample weight",
                column=column,
            )
        if column in self.data.columns:
            data = self.data.assign(**{column: values})
        else:  # concat, not insert: frames with hundreds of replicate columns would fragment
            data = pd.concat([self.data, pd.DataFrame({column: values}, index=self.data.index)], axis=1)
        design = dataclasses.replace(self.design, weight=column, probability=None, replicate=replicate)
        calibration = self.calibration + ((stage,) if stage is not None else ())
        return Survey(data=data, design=design, calibration=calibration)

    @cached_property
    def layout(self) -> DesignLayout:
        design = self.design
        weights = _final_weights(self.data, design)
        n = len(self.data)
        stratum = _codes(self.data, design.strata) if design.strata else np.zeros(n, dtype=np.intp)
        if design.clusters:
            psu_labels = [self.data[design.clusters[0]]]
            _require_complete(self.data, design.clusters[0])
        else:
            psu_labels = [pd.Series(np.arange(n))]
        if design.nest and design.strata:
            psu = _combined_codes((stratum, _codes_of(psu_labels[0])))
        else:
            psu = _codes_of(psu_labels[0])
            if design.strata:
                _require_nested(psu, stratum, self.data, design)
        if len(np.unique(psu)) == 1 and not (design.nest and design.strata):
            raise WeightingError(
                "single_psu", "the design has only one primary sampling unit",
                column=design.clusters[0] if design.clusters else None,
            )
        fpc = _fpc_matrix(self.data, design)
        stage1 = _stage(psu, stratum, fpc[:, 0] if fpc is not None else None, self.data, design, 1)
        stages = [stage1]
        if len(design.clusters) == 2:
            _require_complete(self.data, design.clusters[1])
            ssu = _combined_codes((psu, _codes(self.data, design.clusters[1])))
            stages.append(_stage(ssu, psu, fpc[:, 1] if fpc is not None else None, self.data, design, 2))
        return DesignLayout(weights=weights, stratum=stratum, stages=tuple(stages))

    @cached_property
    def _replicate_matrix(self) -> np.ndarray:
        spec = self.design.replicate
        assert spec is not None
        if spec.jackknife is not None:
            return self._jackknife_matrix(spec)
        matrix = np.empty((len(self.data), len(spec.columns)))
        for j, column in enumerate(spec.columns):
            values = _numeric(self.data, column)
            bad = ~np.isfinite(values) | (values < 0)
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise WeightingError(
                    "invalid_weight", "replicate weights must be finite and >= 0",
                    column=column, row=row, expected=">= 0", got=values[row],
                )
            matrix[:, j] = values
        return matrix

    def _jackknife_matrix(self, spec: ReplicateSpec) -> np.ndarray:
        jackknife = spec.jackknife
        assert jackknife is not None
        cells = len(self.data) * jackknife.n_replicates
        if spec.max_cells is not None and cells > spec.max_cells:
            raise WeightingError(
                "replicate_matrix_too_large",
                f"this step needs every replicate weight: {jackknife.n_replicates} replicates x {len(self.data)} "
                f"rows is {cells * 8 / 1e9:.1f} GB. Means, totals, proportions, ratios and quantiles of a "
                "jackknife this size are computed per PSU without them; for weight adjustments use Taylor "
                "linearisation or the bootstrap with fewer replicates",
                expected=f"<= {spec.max_cells} cells", got=cells,
            )
        return jackknife.multipliers()[jackknife.psu] * self.weights()[:, None]


def _numeric(data: pd.DataFrame, column: str) -> np.ndarray:
    series = data[column]
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        raise WeightingError(
            "non_numeric_column", f"column {column!r} must be numeric",
            column=column, expected="numeric", got=str(series.dtype),
        )
    return series.to_numpy(dtype=float, na_value=np.nan)


def _final_weights(data: pd.DataFrame, design: Design) -> np.ndarray:
    column = design.weight if design.weight is not None else design.probability
    assert column is not None
    values = _numeric(data, column)
    if design.weight is not None:
        bad = ~np.isfinite(values) | (values <= 0)
        expected = "a finite weight > 0"
    else:
        bad = ~np.isfinite(values) | (values <= 0) | (values > 1)
        expected = "a selection probability in (0, 1]"
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise WeightingError(
            "invalid_weight", f"column {column!r} has a value that is not {expected}",
            column=column, row=row, expected=expected, got=values[row],
        )
    return values if design.weight is not None else 1.0 / values


def _require_complete(data: pd.DataFrame, column: str) -> None:
    missing = data[column].isna().to_numpy()
    if missing.any():
        raise WeightingError(
            "missing_design_value", f"design column {column!r} has a missing value",
            column=column, row=int(np.flatnonzero(missing)[0]),
        )


def _codes_of(series: pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(series, sort=True)
    return codes.astype(np.intp)


def _codes(data: pd.DataFrame, column: str) -> np.ndarray:
    _require_complete(data, column)
    return _codes_of(data[column])


def _combined_codes(parts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    outer, inner = parts
    _, codes = np.unique(outer.astype(np.int64) * (int(inner.max()) + 1) + inner, return_inverse=True)
    return codes.reshape(-1).astype(np.intp)


def _require_nested(psu: np.ndarray, stratum: np.ndarray, data: pd.DataFrame, design: Design) -> None:
    first_stratum = np.full(psu.max() + 1, -1, dtype=np.intp)
    first_stratum[psu[::-1]] = stratum[::-1]
    crossing = first_stratum[psu] != stratum
    if crossing.any():
        row = int(np.flatnonzero(crossing)[0])
        raise WeightingError(
            "clusters_not_nested",
            "a PSU id appears in more than one stratum; set nest=True if ids restart within strata",
            column=design.clusters[0], row=row,
        )


def _fpc_matrix(data: pd.DataFrame, design: Design) -> np.ndarray | None:
    if not design.fpc:
        return None
    matrix = np.column_stack([_numeric(data, c) for c in design.fpc])
    bad = ~(matrix > 0)  # also catches NaN
    if bad.any():
        row, stage = (int(i) for i in np.argwhere(bad)[0])
        raise WeightingError(
            "invalid_fpc", "fpc values must be positive", column=design.fpc[stage], row=row,
            expected="> 0", got=matrix[row, stage],
        )
    is_popsize = bool((matrix > 1).any())
    if is_popsize and (matrix < 1).any():
        row, stage = (int(i) for i in np.argwhere(matrix < 1)[0])
        raise WeightingError(
            "mixed_fpc", "fpc must be all population sizes (>= 1) or all sampling fractions (<= 1)",
            column=design.fpc[stage], row=row, expected=">= 1", got=matrix[row, stage],
        )
    if not is_popsize and (matrix == 1).all():
        # R's as.fpc refuses this too: it cannot tell a census fraction from a population of one.
        raise WeightingError(
            "mixed_fpc", "every fpc value is 1: ambiguous between fractions and population sizes",
            column=design.fpc[0], row=0,
        )
    return matrix if is_popsize else -matrix  # negative marks fractions until the sample sizes are known


def _stage(
    unit: np.ndarray,
    stratum: np.ndarray,
    fpc: np.ndarray | None,
    data: pd.DataFrame,
    design: Design,
    stage: int,
) -> StageLayout:
    _, first_row, unit = np.unique(unit, return_index=True, return_inverse=True)
    unit = unit.reshape(-1).astype(np.intp)
    unit_stratum_labels = stratum[first_row]
    strata, unit_stratum = np.unique(unit_stratum_labels, return_inverse=True)
    unit_stratum = unit_stratum.reshape(-1).astype(np.intp)
    stratum_units = np.bincount(unit_stratum, minlength=len(strata)).astype(float)
    popsize = None
    if fpc is not None:
        column = design.fpc[stage - 1]
        row_stratum = unit_stratum[unit]
        first = np.full(len(strata), -1, dtype=np.intp)
        first[row_stratum[::-1]] = np.arange(len(row_stratum))[::-1]
        per_stratum = fpc[first]
        varies = fpc != per_stratum[row_stratum]
        if varies.any():
            row = int(np.flatnonzero(varies)[0])
            raise WeightingError(
                "fpc_varies_within_stratum", f"fpc is not constant within a stratum at stage {stage}",
                column=column, row=row, expected=abs(per_stratum[row_stratum[row]]), got=abs(fpc[row]),
            )
        popsize = np.where(per_stratum < 0, stratum_units / -per_stratum, per_stratum)
        too_small = popsize < stratum_units * (1 - 1e-12)
        if too_small.any():
            row = int(first[np.flatnonzero(too_small)[0]])
            raise WeightingError(
                "fpc_below_sample", f"fpc implies more than 100% sampling at stage {stage}",
                column=column, row=row, expected=f">= {stratum_units[row_stratum[row]]:g} units",
                got=popsize[row_stratum[row]],
            )
    return StageLayout(unit=unit, unit_stratum=unit_stratum, stratum_units=stratum_units, stratum_popsize=popsize)
