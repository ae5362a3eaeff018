"""Binding standard variables to the columns of an analysis frame.

The bundled instruments declare, in their ``indicator_variables`` sheet, which question yields
each standard variable; ``Binding.from_instrument`` reads that. Any other instrument is bound by
an explicit mapping (standard variable -> column, plus value recodes) that a designer or analyst
writes; nothing is matched by guessing names. The recoded values are the bundled instruments'
choice names (e.g. ``feel_safe_dark``: very_safe/safe/unsafe/very_unsafe/never_alone_after_dark/
dont_know/refused; 0/1 variables: 1 and 0; ``respondent_sex``: female/male).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

import pandas as pd

from indicators.errors import IndicatorError

# Variables this package derives itself (``indicators.victim_reporting``): their column is their name.
DERIVED_PREFIX = "victim_reported_"


@dataclass(frozen=True)
class Binding:
    """Which frame column holds each standard variable, and how its values recode to standard ones.

    ``recodes[variable]`` maps every value the column may hold to the standard value (missing
    values stay missing); a value it does not list is an error, never passed through.
    """

    name: str
    columns: Mapping[str, str]
    recodes: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.recodes) - set(self.columns))
        if unknown:
            raise IndicatorError(
                "recode_without_column", f"binding {self.name!r} recodes variables it does not map to a column",
                variable=unknown[0], got=unknown,
            )
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))
        object.__setattr__(self, "recodes", MappingProxyType({k: dict(v) for k, v in self.recodes.items()}))

    @classmethod
    def from_instrument(cls, instrument: Any) -> Binding:
        """The binding an instrument declares in its indicator_variables sheet (a survey_defs Instrument)."""
        columns = {item.variable: item.question for item in instrument.indicator_variables}
        return cls(name=instrument.settings.form_id, columns=columns)

    def column(self, variable: str, *, indicator: str | None = None) -> str:
        if variable.startswith(DERIVED_PREFIX):
            return self.columns.get(variable, variable)
        try:
            return self.columns[variable]
        except KeyError:
            raise IndicatorError(
                "missing_binding",
                f"binding {self.name!r} does not say which column holds the standard variable {variable!r}; "
                "add it to the instrument's indicator_variables sheet or to the mapping",
                indicator=indicator, variable=variable, expected=variable, got=sorted(self.columns),
            ) from None

    def values(self, data: pd.DataFrame, variable: str, *, indicator: str | None = None) -> pd.Series:
        """The standard variable's values, read from its column and recoded."""
        column = self.column(variable, indicator=indicator)
        if column not in data.columns:
            raise IndicatorError(
                "missing_column",
                f"the frame has no column {column!r}, which binding {self.name!r} names for {variable!r}",
                indicator=indicator, variable=variable, expected=column, got=sorted(map(str, data.columns)),
            )
        values = data[column]
        recode = self.recodes.get(variable)
        if recode is None:
            return values
        present = values.notna().to_numpy()
        known = values.isin(list(recode)).to_numpy()
        unmapped = present & ~known
        if unmapped.any():
            row = int(unmapped.nonzero()[0][0])
            raise IndicatorError(
                "unmapped_value",
                f"column {column!r} (standard variable {variable!r}) holds {values.iloc[row]!r} at row {row}, "
                "which the binding's recode does not map",
                indicator=indicator, variable=variable, expected=sorted(recode, key=str), got=values.iloc[row],
            )
        return values.map(recode).astype(object).where(present, None)


@cache
def bundled_binding(name: str) -> Binding:
    """The binding of a bundled instrument ("perception", "victimization", "vawg")."""
    from survey_defs import load_instrument
    from survey_defs.instruments import bundled_instrument_path

    return Binding.from_instrument(load_instrument(bundled_instrument_path(name)))
