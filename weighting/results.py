"""Estimate rows as every consumer (HTTP, CLI, releases) sees them."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

ESTIMATE_FIELDS = ("level", "estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "n", "weighted_n", "flag")


@dataclass(frozen=True)
class EstimateRow:
    """One estimate. ``by`` holds the domain columns and their values, in the order requested.

    ``level`` is the category of a proportion or the probability of a quantile, else None.
    ``deff`` is R's `deff=TRUE` (without-replacement SRS reference); ``deft`` its square root.
    ``flag`` is left to the quality profile (weighting.quality): re-flag with dataclasses.replace.
    """

    by: tuple[tuple[str, Any], ...]
    level: str | None
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    cv: float
    deff: float | None
    df: float
    n: int
    weighted_n: float
    flag: str | None = None

    @property
    def deft(self) -> float | None:
        return None if self.deff is None else math.sqrt(self.deff)

    def as_dict(self) -> dict[str, Any]:
        values = {field: getattr(self, field) for field in ESTIMATE_FIELDS}
        return {**dict(self.by), **values}


@dataclass(frozen=True)
class EstimateTable:
    """The rows of one estimator call, by domain then level."""

    rows: tuple[EstimateRow, ...]
    by: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        columns = [*self.by, *ESTIMATE_FIELDS]
        return pd.DataFrame([row.as_dict() for row in self.rows], columns=columns)

    def replace_rows(self, rows: tuple[EstimateRow, ...]) -> EstimateTable:
        return dataclasses.replace(self, rows=rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)
