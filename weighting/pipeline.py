"""One description of an analysis: a design, weighting steps in order, and an estimate request.

The service stores these as JSON so that an analysis can be re-run on the same data and give
the same rows; the command line builds them from its options. Both run them here, so there is
one way from microdata to estimate rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from weighting.adjustment import value_label
from weighting.calibrate import calibrate
from weighting.design import Design, Survey
from weighting.errors import WeightingError
from weighting.estimators import mean, proportion, quantile, ratio, total
from weighting.microdata import coerce_numeric, require_columns
from weighting.poststratify import poststratify
from weighting.quality import QualityProfile, apply_profile, get_profile
from weighting.raking import rake
from weighting.replicates import make_replicates
from weighting.results import EstimateRow
from weighting.trimming import trim

Statistic = Literal["mean", "total", "proportion", "ratio", "quantile"]


@dataclass(frozen=True)
class Step:
    """A weighting step: ``kind`` names the function, ``options`` are its arguments."""

    kind: Literal["replicates", "poststratify", "rake", "calibrate", "trim"]
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EstimateRequest:
    statistic: Statistic
    variable: str
    denominator: str | None = None
    quantiles: tuple[float, ...] = (0.5,)
    by: tuple[str, ...] = ()
    domain: Mapping[str, str] | None = None  # column -> value, matched as text (1, 1.0 and "1" alike)
    ci: Literal["logit", "beta", "wald"] | None = None
    level: float = 0.95
    quality: str | QualityProfile | None = None  # a named or user-defined quality profile
    levels: tuple[str, ...] = ()  # keep only these levels of a proportion (e.g. ("1",) for the share of 1s)

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        if self.statistic == "proportion":
            return ()
        return tuple(column for column in (self.variable, self.denominator) if column is not None)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.variable, *([self.denominator] if self.denominator else []), *self.by, *(self.domain or {}))


def step_columns(steps: Sequence[Step]) -> list[str]:
    """Data columns the steps read (margins, cells, calibration variables)."""
    columns: list[str] = []
    for step in steps:
        if step.kind == "rake":
            columns += [c for name in step.options["margins"] for c in name.split("*")]
        elif step.kind == "poststratify":
            columns += [c for c in pd.DataFrame(step.options["totals"]).columns if c != "total"]
        elif step.kind == "calibrate":
            variables = step.options["variables"]
            columns += [variables] if isinstance(variables, str) else list(variables)
    return columns


def design_columns(design: Design) -> list[str]:
    named = [design.weight, design.probability, design.strata, *design.clusters, *design.fpc]
    return [column for column in named if column]


def build_survey(data: pd.DataFrame, design: Design, steps: Sequence[Step] = ()) -> Survey:
    """The design over ``data`` with every step applied in order (replicates should come first,
    so that later adjustments are applied to every replicate too)."""
    require_columns(list(data.columns), [*design_columns(design), *step_columns(steps)])
    numeric = [c for c in (design.weight, design.probability, *design.fpc) if c]
    survey = Survey(coerce_numeric(data, numeric), design)
    for step in steps:
        survey = _apply(survey, step)
    return survey


def _apply(survey: Survey, step: Step) -> Survey:
    options = dict(step.options)
    if step.kind == "replicates":
        return make_replicates(survey, options.pop("method"), **options)
    if step.kind == "poststratify":
        totals = pd.DataFrame(options.pop("totals"))
        return poststratify(survey, totals, **options)
    if step.kind == "rake":
        return rake(survey, options.pop("margins"), **options)
    if step.kind == "calibrate":
        if "bounds" in options and options["bounds"] is not None:
            options["bounds"] = tuple(options["bounds"])
        return calibrate(survey, options.pop("variables"), options.pop("totals"), **options)
    if step.kind == "trim":
        return trim(survey, **options)
    raise WeightingError("unknown_step", f"unknown weighting step {step.kind!r}", got=step.kind)


def domain_mask(data: pd.DataFrame, domain: Mapping[str, str] | None) -> np.ndarray | None:
    """Rows whose values read as the given text: 1, 1.0 and "1" all match the value "1"."""
    if not domain:
        return None
    require_columns(list(data.columns), list(domain))
    mask = np.ones(len(data), dtype=bool)
    for column, wanted in domain.items():
        values = data[column]
        mask &= (values.notna() & (values.map(value_label, na_action="ignore") == _label(wanted))).to_numpy(dtype=bool)
    return mask


def _label(wanted: object) -> str:
    """The value as cells are matched: "1", "1.0" and 1 all name the level 1."""
    try:
        return value_label(float(str(wanted)))
    except ValueError:
        return str(wanted)


def estimate(survey: Survey, request: EstimateRequest) -> tuple[EstimateRow, ...]:
    """The estimate rows of ``request`` on ``survey``, flagged by its quality profile if it names one."""
    require_columns(list(survey.data.columns), list(request.columns))
    if request.numeric_columns:
        survey = Survey(coerce_numeric(survey.data, list(request.numeric_columns)), survey.design, survey.calibration)
    common: dict[str, Any] = {"by": request.by, "domain": domain_mask(survey.data, request.domain), "level": request.level}
    if request.statistic == "quantile":
        if request.ci is not None:
            raise WeightingError("ci_not_applicable", "quantile intervals are Woodruff's (svyquantile); omit ci")
        table = quantile(survey, request.variable, request.quantiles, **common)
    else:
        common["ci"] = request.ci or ("logit" if request.statistic == "proportion" else "wald")
        if request.statistic == "mean":
            table = mean(survey, request.variable, **common)
        elif request.statistic == "total":
            table = total(survey, request.variable, **common)
        elif request.statistic == "proportion":
            table = proportion(survey, request.variable, **common)
        else:
            if request.denominator is None:
                raise WeightingError("denominator_missing", "a ratio needs a denominator column")
            table = ratio(survey, request.variable, request.denominator, **common)
    rows: tuple[EstimateRow, ...] = tuple(table.rows)
    if request.levels:
        wanted = {_label(level) for level in request.levels}
        rows = tuple(row for row in rows if row.level is not None and _label(row.level) in wanted)
    if request.quality:
        profile = get_profile(request.quality) if isinstance(request.quality, str) else request.quality
        rows = tuple(apply_profile(rows, profile, statistic=request.statistic))
    return rows
