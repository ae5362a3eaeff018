"""Replicate weights (JK1, JKn, BRR, Fay, bootstrap) as R's ``as.svrepdesign(compress=FALSE)``.

Replicate weights are stored as full weights in data columns (see ``ReplicateSpec``), n rows by
R replicates. A delete-one jackknife has one replicate per PSU, so that matrix grows as
rows x PSUs: 1,000,000 rows and 4,000 PSUs would need 32 GB. A jackknife whose matrix exceeds
``max_cells`` is therefore kept per PSU (``weighting.jackknife.PsuJackknife``), from which
estimates need only PSU totals; other replicate types refuse such matrices and say what to do.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from weighting.adjustment import value_label
from weighting.design import ReplicateSpec, Survey
from weighting.errors import WeightingError
from weighting.hadamard import hadamard
from weighting.jackknife import PsuJackknife

ReplicateType = Literal["jk1", "jkn", "brr", "fay", "bootstrap"]
ReplicateStorage = Literal["auto", "columns", "psu"]
# 10^8 doubles: 800 MB for the replicate columns
DEFAULT_MAX_CELLS = 100_000_000
DEFAULT_BOOTSTRAP_REPLICATES = 50  # R's bootweights default


@dataclasses.dataclass(frozen=True)
class _Units:
    """First-stage units in R's order (first appearance in the data)."""

    psu: np.ndarray  # per row, PSU code in order of appearance
    psu_stratum: np.ndarray  # per PSU, stratum code in order of appearance
    stratum_labels: list[str]  # per stratum code, the stratum value as text
    stratum_popsize: np.ndarray | None  # per stratum code, population PSUs (None without fpc)

    @property
    def n_psu(self) -> int:
        return len(self.psu_stratum)

    def stratum_psus(self, stratum: int) -> np.ndarray:
        return np.flatnonzero(self.psu_stratum == stratum)


def make_replicates(
    survey: Survey,
    method: ReplicateType,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    fay_rho: float = 0.5,
    prefix: str = "replicate_",
    mse: bool = False,
    max_cells: int = DEFAULT_MAX_CELLS,
    storage: ReplicateStorage = "auto",
) -> Survey:
    """The survey with replicate weight columns ``prefix1..prefixR`` and ``design.replicate`` set.

    - ``jk1``: delete-one jackknife of an unstratified design; scale (N - n)/N * (n - 1)/n with
      the first-stage fpc, (n - 1)/n without.
    - ``jkn``: delete-one jackknife within strata; rscales (N_h - n_h)/N_h * (n_h - 1)/n_h,
      census strata (N_h = n_h) give no replicate, single-PSU strata follow ``lonely_psu`` as R.
    - ``brr`` and ``fay`` (``fay_rho``): balanced half-samples of designs with two PSUs per
      stratum (strata with an even number of PSUs are split into pairs, R's default), from the
      Hadamard matrix R would use; the fpc is dropped with a warning, as R does.
    - ``bootstrap``: Rao-Wu bootstrap of ``replicates`` (default 50) resamples of n_h PSUs per
      stratum, without replacement from a population of N_h when there is an fpc (R's
      bootweights); ``seed`` makes it reproducible.
    ``mse`` centres the replicate variance on the full-sample estimate instead of the mean of the
    replicates (R's ``mse=TRUE``). Create replicates from design weights, then adjust:
    calibrating a replicate design calibrates every replicate.

    ``storage``: "columns" adds the n x R replicate weights to the data, refusing more than
    ``max_cells`` of them; "psu" (jackknife only) keeps the jackknife's multipliers per PSU
    instead (``weighting.jackknife``), which estimates means, totals, proportions, ratios and
    quantiles by domain at any size but cannot be post-stratified, raked, calibrated or trimmed;
    "auto" (default) takes columns when they fit in ``max_cells`` and else keeps a jackknife per PSU.
    """
    if survey.design.replicate is not None:
        raise WeightingError("already_replicated", "this survey already has replicate weights")
    if survey.calibration:
        raise WeightingError(
            "calibrated_before_replicates",
            "create replicate weights before post-stratifying, raking or calibrating; then adjust the "
            "replicate design, which adjusts every replicate as R does",
        )
    if storage not in ("auto", "columns", "psu"):
        raise WeightingError("invalid_storage", f"unknown storage {storage!r}", expected=["auto", "columns", "psu"],
                             got=storage)
    units = _units(survey)
    if len(survey.design.fpc) > 1 and method in ("jk1", "jkn", "bootstrap"):
        warnings.warn("replicates use the first-stage fpc only; later-stage fpcs are dropped, as R does",
                      stacklevel=2)
    jackknife: PsuJackknife | None = None
    if method == "jk1":
        jackknife, scale, rscales = _jk1(survey, units)
    elif method == "jkn":
        jackknife, scale, rscales = _jkn(survey, units)
    elif method in ("brr", "fay"):
        rho = 0.0 if method == "brr" else float(fay_rho)
        if not 0 < rho < 1 and method == "fay":
            raise WeightingError("invalid_fay_rho", "fay_rho must be in (0, 1)", expected="(0, 1)", got=fay_rho)
        multipliers, scale, rscales = _brr(survey, units, rho)
    elif method == "bootstrap":
        count = DEFAULT_BOOTSTRAP_REPLICATES if replicates is None else int(replicates)
        multipliers, scale, rscales = _bootstrap(units, count, np.random.default_rng(seed))
    else:
        raise WeightingError(
            "unknown_replicate_method", f"unknown replicate method {method!r}",
            expected=["jk1", "jkn", "brr", "fay", "bootstrap"], got=method,
        )
    n_rows = len(survey.data)
    n_replicates = jackknife.n_replicates if jackknife is not None else multipliers.shape[1]
    fits = n_rows * n_replicates <= max_cells
    if jackknife is not None and (storage == "psu" or (storage == "auto" and not fits)):
        spec = ReplicateSpec(columns=(), method=method, scale=scale, rscales=tuple(rscales), mse=mse,
                             jackknife=jackknife, max_cells=max_cells)
        return Survey(survey.data, dataclasses.replace(survey.design, replicate=spec))
    if storage == "psu":
        raise WeightingError(
            "invalid_storage", "only the jackknife (jk1, jkn) can be kept per PSU", expected=["auto", "columns"],
            got=storage,
        )
    if not fits:
        raise WeightingError(
            "replicate_matrix_too_large",
            f"{n_replicates} replicates x {n_rows} rows is {n_rows * n_replicates * 8 / 1e9:.1f} GB of "
            "replicate weights; use the jackknife kept per PSU (storage='psu' or 'auto'), Taylor "
            "linearisation, the bootstrap with fewer replicates, or raise max_cells if the memory is there",
            expected=f"<= {max_cells} cells", got=n_rows * n_replicates,
        )
    if jackknife is not None:
        multipliers = jackknife.multipliers()
    columns = tuple(f"{prefix}{i + 1}" for i in range(n_replicates))
    clash = [c for c in columns if c in survey.data.columns]
    if clash:
        raise WeightingError(
            "column_exists", f"column {clash[0]!r} already exists; choose another prefix", column=clash[0]
        )
    full = multipliers[units.psu]
    full *= survey.weights()[:, None]
    spec = ReplicateSpec(columns=columns, method=method, scale=scale, rscales=tuple(rscales), mse=mse)
    data = pd.concat([survey.data, pd.DataFrame(full, columns=list(columns), index=survey.data.index)], axis=1)
    return Survey(data, dataclasses.replace(survey.design, replicate=spec))


def _units(survey: Survey) -> _Units:
    stage = survey.layout.stages[0]
    psu, unit_codes = pd.factorize(stage.unit)
    stratum, stratum_codes = pd.factorize(stage.unit_stratum[unit_codes])
    if survey.design.strata is None:
        labels = [""] * len(stratum_codes)
    else:
        _, first_rows = np.unique(survey.layout.stratum, return_index=True)
        values = survey.data[survey.design.strata].to_numpy()
        labels = [value_label(values[first_rows[code]]) for code in stratum_codes]
    popsize = None if stage.stratum_popsize is None else stage.stratum_popsize[stratum_codes]
    return _Units(
        psu=psu.astype(np.intp),
        psu_stratum=stratum.astype(np.intp),
        stratum_labels=labels,
        stratum_popsize=popsize,
    )


def _jk1(survey: Survey, units: _Units) -> tuple[PsuJackknife, float, list[float]]:
    if survey.design.strata is not None:
        raise WeightingError(
            "jk1_stratified", "the JK1 jackknife is for unstratified designs; use method='jkn'",
            column=survey.design.strata,
        )
    n = units.n_psu
    correction = 1.0 if units.stratum_popsize is None else _fpc_correction(units.stratum_popsize[0], n)
    if correction == 0:
        raise WeightingError("census", "every PSU was sampled: the design has no sampling variance to replicate")
    jackknife = PsuJackknife(
        psu=units.psu, psu_stratum=units.psu_stratum, block=np.zeros(n, dtype=np.intp),
        dropped=np.arange(n, dtype=np.intp), inside=np.full(n, n / (n - 1)), outside=np.ones(n),
    )
    return jackknife, correction * (n - 1) / n, [1.0] * n


def _jkn(survey: Survey, units: _Units) -> tuple[PsuJackknife, float, list[float]]:
    if survey.design.strata is None:
        raise WeightingError("jkn_unstratified", "the JKn jackknife needs strata; use method='jk1'")
    n_strata = len(units.stratum_labels)
    # per replicate: (stratum, dropped PSU or -1, inside multiplier, outside multiplier, rscale)
    replicates: list[tuple[int, int, float, float, float]] = []
    for stratum in range(n_strata):
        psus = units.stratum_psus(stratum)
        n_h = len(psus)
        popsize = None if units.stratum_popsize is None else units.stratum_popsize[stratum]
        correction = 1.0 if popsize is None else _fpc_correction(popsize, n_h)
        if correction == 0:
            continue  # a census stratum adds no variance (R's survey.drop.replicates)
        if n_h == 1:
            rule = survey.design.lonely_psu
            if rule == "fail":
                raise WeightingError(
                    "lonely_psu", f"stratum {units.stratum_labels[stratum]!r} has only one PSU "
                    "(choose a lonely_psu rule other than 'fail')",
                    column=survey.design.strata, got=units.stratum_labels[stratum],
                )
            if rule == "adjust":  # drop the stratum, scale up all the others
                replicates.append((stratum, -1, 0.0, n_strata / (n_strata - 1), (n_strata - 1) / n_strata))
            continue
        replicates.extend((stratum, int(dropped), n_h / (n_h - 1), 1.0, correction * (n_h - 1) / n_h) for dropped in psus)
    if not replicates:
        raise WeightingError("census", "every stratum was sampled exhaustively: there is no variance to replicate")
    block, dropped, inside, outside, rscales = (np.array(values) for values in zip(*replicates))
    scale = 1.0
    if len(replicates) < units.n_psu and survey.design.lonely_psu == "average":
        scale = units.n_psu / len(replicates)
    jackknife = PsuJackknife(
        psu=units.psu, psu_stratum=units.psu_stratum, block=block.astype(np.intp), dropped=dropped.astype(np.intp),
        inside=inside.astype(float), outside=outside.astype(float),
    )
    return jackknife, scale, list(rscales)


def _brr(survey: Survey, units: _Units, rho: float) -> tuple[np.ndarray, float, list[float]]:
    if survey.design.strata is None:
        raise WeightingError("brr_unstratified", "BRR needs strata with two PSUs each; use jk1 or bootstrap")
    if units.stratum_popsize is not None:
        warnings.warn("the finite population correction is dropped for BRR and Fay replicates, as R does",
                      stacklevel=3)
    # R's brrweights(large="split"): a stratum with an even number of PSUs > 2 is split into pairs
    # of PSUs in order of appearance; those pairs are numbered first, then the two-PSU strata,
    # each group in the sorted order of the stratum labels.
    order = sorted(range(len(units.stratum_labels)), key=lambda s: units.stratum_labels[s])
    split_pairs, plain_pairs = [], []
    for stratum in order:
        psus = units.stratum_psus(stratum)
        if len(psus) < 2 or len(psus) % 2:
            raise WeightingError(
                "brr_needs_pairs", f"stratum {units.stratum_labels[stratum]!r} has {len(psus)} PSUs; "
                "BRR and Fay need an even number (two, or more to be split into pairs) per stratum: "
                "pair or collapse strata, or use jkn or the bootstrap",
                column=survey.design.strata, expected="an even number of PSUs", got=len(psus),
            )
        target = plain_pairs if len(psus) == 2 else split_pairs
        target.extend(psus[i : i + 2] for i in range(0, len(psus), 2))
    pairs = split_pairs + plain_pairs
    matrix = hadamard(len(pairs))
    size = matrix.shape[1]
    multipliers = np.empty((units.n_psu, size))
    for k, (first, second) in enumerate(pairs):
        first_in = matrix[k + 1] == 1
        multipliers[first] = np.where(first_in, 2 - rho, rho)
        multipliers[second] = np.where(first_in, rho, 2 - rho)
    return multipliers, 1 / (size * (1 - rho) ** 2), [1.0] * size


def _bootstrap(units: _Units, replicates: int, rng: np.random.Generator) -> tuple[np.ndarray, float, list[float]]:
    if replicates < 2:
        raise WeightingError("invalid_replicates", "the bootstrap needs at least 2 replicates", got=replicates)
    multipliers = np.empty((units.n_psu, replicates))
    psus_per_stratum = []
    for stratum in range(len(units.stratum_labels)):
        psus = rng.permutation(units.stratum_psus(stratum))
        n_h = len(psus)
        psus_per_stratum.append(n_h)
        if units.stratum_popsize is None:
            counts = rng.multinomial(n_h, np.full(n_h, 1 / n_h), size=replicates)
        else:
            # R draws n_h without replacement from rep(psus, length = N_h)
            population = int(np.floor(units.stratum_popsize[stratum] + 1e-9))
            copies = population // n_h + (np.arange(n_h) < population % n_h)
            counts = rng.multivariate_hypergeometric(copies, n_h, size=replicates)
        multipliers[psus] = counts.T
    harmonic = 1 / np.mean(1 / np.asarray(psus_per_stratum, dtype=float))
    if harmonic <= 1:
        raise WeightingError("lonely_psu", "every stratum has one PSU: the bootstrap cannot estimate a variance")
    return multipliers, harmonic / ((harmonic - 1) * (replicates - 1)), [1.0] * replicates


def _fpc_correction(popsize: float, sampled: int) -> float:
    return (popsize - sampled) / popsize
