"""Standard variables read through a binding and turned into the columns an estimator takes.

Every function returns float arrays with NaN for "leaves the denominator", because that is what
the weighting estimators drop (R's na.rm=TRUE) while keeping the row in the design.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from indicators.binding import Binding
from indicators.errors import IndicatorError
from indicators.measures import AnyOf, NotReportedOrNotInvestigated, Operand, Share, Universe


class Reader:
    """Reads standard variables of one frame through one binding, for one indicator (for errors)."""

    def __init__(self, data: pd.DataFrame, binding: Binding, indicator: str) -> None:
        self.data = data
        self.binding = binding
        self.indicator = indicator

    def values(self, variable: str) -> pd.Series:
        return self.binding.values(self.data, variable, indicator=self.indicator)

    def numeric(self, variable: str) -> np.ndarray:
        values = self.values(variable)
        converted = pd.to_numeric(values, errors="coerce")
        bad = values.notna().to_numpy() & converted.isna().to_numpy()
        if bad.any():
            row = int(bad.nonzero()[0][0])
            raise IndicatorError(
                "non_numeric_value", f"standard variable {variable!r} must be numeric; row {row} holds "
                f"{values.iloc[row]!r}", indicator=self.indicator, variable=variable, expected="a number",
                got=values.iloc[row],
            )
        return converted.to_numpy(dtype=float, na_value=np.nan)

    def operand(self, operand: Operand) -> np.ndarray:
        if not isinstance(operand, AnyOf):
            return self.numeric(operand)
        matrix = np.column_stack([self.numeric(variable) for variable in operand.variables])
        any_yes = (matrix == 1).any(axis=1)
        all_no = (matrix == 0).all(axis=1)
        return np.where(any_yes, 1.0, np.where(all_no, 0.0, np.nan))


def share_column(reader: Reader, share: Share) -> np.ndarray:
    """1 for counted answers, 0 for the rest of the denominator, NaN for what leaves it."""
    if isinstance(share.variable, AnyOf):
        answers = pd.Series(reader.operand(share.variable), index=reader.data.index, dtype=object)
    else:
        answers = reader.values(share.variable)
    if share.substitute is not None:
        answer, other = share.substitute
        answers = answers.where(answers != answer, reader.values(other))
    unexpected = (answers.notna() & ~answers.isin(list(share.answers))).to_numpy()
    if unexpected.any():
        row = int(unexpected.nonzero()[0][0])
        variable = share.variable if isinstance(share.variable, str) else ", ".join(share.variable.variables)
        raise IndicatorError(
            "unexpected_value", f"{variable!r} holds {answers.iloc[row]!r} at row {row}, not one of the standard "
            "answers (recode it in the binding)", indicator=reader.indicator, variable=variable,
            expected=sorted(share.answers, key=str), got=answers.iloc[row],
        )
    counted = answers.isin(list(share.counted)).to_numpy()
    leaves = answers.isna().to_numpy() | answers.isin(list(share.excluded)).to_numpy()
    return np.where(leaves, np.nan, counted.astype(float))


def dark_figure_column(reader: Reader, measure: NotReportedOrNotInvestigated) -> np.ndarray:
    reported = reader.numeric(measure.reported)
    investigated = reader.numeric(measure.investigated)
    dark = (reported == 0) | ((reported == 1) & (investigated == 0))
    known = (reported == 0) | ((reported == 1) & ~np.isnan(investigated))
    return np.where(known, dark.astype(float), np.nan)


def universe_mask(reader: Reader, universe: Universe) -> np.ndarray:
    mask = np.ones(len(reader.data), dtype=bool)
    if universe.sex is not None:
        mask &= (reader.values("respondent_sex") == universe.sex).fillna(False).to_numpy(dtype=bool)
    if universe.min_age is not None or universe.max_age is not None:
        age = reader.numeric("respondent_age")
        with np.errstate(invalid="ignore"):
            if universe.min_age is not None:
                mask &= age >= universe.min_age
            if universe.max_age is not None:
                mask &= age <= universe.max_age
    for variable, allowed in universe.require:
        mask &= reader.values(variable).isin(list(allowed)).to_numpy()
    return mask


def domain_mask(reader: Reader, domain: Mapping[str, Any] | np.ndarray | pd.Series | None,
                standard: frozenset[str]) -> np.ndarray:
    """An analyst's domain: a boolean mask, or {standard variable or frame column: value or values}."""
    rows = len(reader.data)
    if domain is None:
        return np.ones(rows, dtype=bool)
    if not isinstance(domain, Mapping):
        mask = pd.Series(domain).to_numpy()
        if mask.shape != (rows,) or mask.dtype != bool:
            raise IndicatorError("invalid_domain", "a domain mask needs one boolean per row", expected=rows,
                                 got=getattr(mask, "shape", None), indicator=reader.indicator)
        return mask.copy()
    mask = np.ones(rows, dtype=bool)
    for name, wanted in domain.items():
        values = reader.values(name) if name in standard else frame_column(reader, name)
        wanted = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        mask &= values.isin(wanted).to_numpy()
    return mask


def frame_column(reader: Reader, column: str) -> pd.Series:
    if column not in reader.data.columns:
        raise IndicatorError(
            "missing_column", f"the frame has no column {column!r}", indicator=reader.indicator, variable=column,
            expected=column, got=sorted(map(str, reader.data.columns)),
        )
    return reader.data[column]
