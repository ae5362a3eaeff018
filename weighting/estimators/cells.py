"""Which rows each estimate uses: the `by` cells within the `domain`, minus missing values.

Rows are never dropped from the design: a row outside a cell only gets group -1, so it keeps
its PSU and stratum for the variance (R's svyby / subset semantics). Missing values in the
analysis variables take a row out of the cell, as R's na.rm=TRUE does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import pandas as pd

from weighting.design import Survey
from weighting.errors import WeightingError
from weighting.variance import rows_by_group

DomainFilter = Union[Mapping[str, Any], np.ndarray, pd.Series, None]


@dataclass(frozen=True)
class Cells:
    """``group[i]`` is the cell of row i (-1: outside every cell); ``keys[g]`` its by values."""

    by: tuple[str, ...]
    group: np.ndarray
    keys: tuple[tuple[Any, ...], ...]

    @property
    def n_groups(self) -> int:
        return len(self.keys)

    def rows(self) -> list[np.ndarray]:
        """Row positions of each cell, in data order."""
        return rows_by_group(self.group, self.n_groups)

    def counts(self) -> np.ndarray:
        inside = self.group >= 0
        return np.bincount(self.group[inside], minlength=self.n_groups)


def resolve_cells(
    survey: Survey, by: Sequence[str] | str, domain: DomainFilter, variables: Sequence[str]
) -> Cells:
    by = (by,) if isinstance(by, str) else tuple(by)
    data = survey.data
    for column in (*by, *variables):
        _require_column(data, column)
    keep = domain_mask(survey, domain)
    for column in variables:
        keep &= data[column].notna().to_numpy()
    if not by:
        group = np.where(keep, 0, -1).astype(np.intp)
        if not keep.any():
            raise WeightingError("empty_domain", "no row has a value in the domain", column=variables[0] if variables else None)
        return Cells(by=(), group=group, keys=((),))
    combined = np.zeros(len(data), dtype=np.int64)
    uniques_per_column = []
    for column in by:
        codes, uniques = pd.factorize(data[column], sort=True)
        keep &= codes >= 0  # a missing by value belongs to no cell, as in svyby
        combined = combined * (len(uniques) + 1) + codes
        uniques_per_column.append(uniques)
    if not keep.any():
        raise WeightingError("empty_domain", "no row has a value in the domain", column=by[0])
    group = np.full(len(data), -1, dtype=np.intp)
    span = int(np.prod([len(u) + 1 for u in uniques_per_column]))
    if span <= 4 * len(data):  # few possible cells: renumber the present ones without sorting rows
        present = np.flatnonzero(np.bincount(combined[keep], minlength=span))
        renumber = np.full(span, -1, dtype=np.intp)
        renumber[present] = np.arange(len(present))
        group[keep] = renumber[combined[keep]]
    else:
        present, group_inside = np.unique(combined[keep], return_inverse=True)
        group[keep] = group_inside.reshape(-1)
    keys = tuple(_decode(int(code), uniques_per_column) for code in present)
    return Cells(by=by, group=group, keys=keys)


def domain_mask(survey: Survey, domain: DomainFilter) -> np.ndarray:
    """Rows in the subpopulation: {column: value or [values]} or a boolean mask (missing = out)."""
    data = survey.data
    if domain is None:
        return np.ones(len(data), dtype=bool)
    if isinstance(domain, Mapping):
        mask = np.ones(len(data), dtype=bool)
        for column, wanted in domain.items():
            _require_column(data, column)
            values = data[column]
            if isinstance(wanted, (list, tuple, set, frozenset)):
                mask &= values.isin(list(wanted)).to_numpy()
            else:
                mask &= (values == wanted).fillna(False).to_numpy(dtype=bool)
        return mask
    if isinstance(domain, pd.Series) and not domain.index.equals(data.index):
        raise WeightingError(
            "invalid_domain", "a domain mask given as a Series must have the data's index (rows are matched by position)"
        )
    if np.ndim(domain) != 1 or len(domain) != len(data):
        raise WeightingError(
            "invalid_domain", "a domain mask needs one value per row", expected=len(data), got=np.shape(domain)
        )
    series = domain if isinstance(domain, pd.Series) else pd.Series(domain)
    if not pd.api.types.is_bool_dtype(series.dtype):
        raise WeightingError("invalid_domain", "a domain mask must be boolean", got=str(series.dtype))
    return series.fillna(False).to_numpy(dtype=bool, copy=True)  # missing counts as outside, as R's subset()


def _require_column(data: pd.DataFrame, column: str) -> None:
    if column not in data.columns:
        raise WeightingError(
            "unknown_column", f"column {column!r} is not in the data", column=column,
            expected="a column of the data", got=column,
        )


def _decode(code: int, uniques_per_column: list[Any]) -> tuple[Any, ...]:
    parts = []
    for uniques in reversed(uniques_per_column):
        code, index = divmod(code, len(uniques) + 1)
        parts.append(_plain(uniques[index]))
    return tuple(reversed(parts))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
