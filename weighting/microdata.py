"""Reading survey microdata files (CSV, Parquet, Stata, SPSS) into a data frame with its labels.

Stata and SPSS values stay as stored (the codes); their value labels come alongside so that the
codes used in a design or a domain are the ones in the file, and tables can still show labels.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat

from weighting.errors import WeightingError


@dataclass(frozen=True, eq=False)
class Microdata:
    """A data frame plus, for Stata and SPSS files, what the file says about its columns."""

    data: pd.DataFrame
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    variable_labels: Mapping[str, str] = field(default_factory=dict)


def _csv_columns(path: Path) -> list[str]:
    return list(pd.read_csv(path, nrows=0).columns)


def _read_csv(path: Path, columns: Sequence[str] | None) -> Microdata:
    return Microdata(pd.read_csv(path, usecols=list(columns) if columns is not None else None))


def _parquet_columns(path: Path) -> list[str]:
    return list(pq.read_schema(path).names)


def _read_parquet(path: Path, columns: Sequence[str] | None) -> Microdata:
    return Microdata(pd.read_parquet(path, columns=list(columns) if columns is not None else None))


def _readstat(reader: Callable[..., Any]) -> tuple[Callable[[Path], list[str]], Callable[[Path, Sequence[str] | None], Microdata]]:
    def columns_of(path: Path) -> list[str]:
        _, meta = reader(str(path), metadataonly=True)
        return list(meta.column_names)

    def read(path: Path, columns: Sequence[str] | None) -> Microdata:
        data, meta = reader(str(path), usecols=list(columns) if columns is not None else None)
        labels = {name: dict(values) for name, values in meta.variable_value_labels.items()}
        variable_labels = {
            name: label for name, label in zip(meta.column_names, meta.column_labels or (), strict=False) if label
        }
        return Microdata(data, value_labels=labels, variable_labels=variable_labels)

    return columns_of, read


_STATA = _readstat(pyreadstat.read_dta)
_SPSS = _readstat(pyreadstat.read_sav)
_FORMATS: Mapping[str, tuple[Callable[[Path], list[str]], Callable[[Path, Sequence[str] | None], Microdata]]] = {
    ".csv": (_csv_columns, _read_csv),
    ".parquet": (_parquet_columns, _read_parquet),
    ".pq": (_parquet_columns, _read_parquet),
    ".dta": _STATA,
    ".sav": _SPSS,
    ".zsav": _SPSS,
}
SUPPORTED_SUFFIXES = tuple(_FORMATS)


def read_microdata(path: str | Path, columns: Sequence[str] | None = None) -> Microdata:
    """Read a CSV, Parquet, Stata (.dta) or SPSS (.sav, .zsav) file, chosen by its extension.

    ``columns`` limits the read to those columns (in that order) and names the first one the
    file lacks before any data is read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise WeightingError(
            "unsupported_format",
            f"cannot read {path.name!r}: the extension must be one of {', '.join(SUPPORTED_SUFFIXES)}",
            expected=SUPPORTED_SUFFIXES,
            got=path.suffix or "(none)",
        )
    if not path.is_file():
        raise WeightingError("file_not_found", f"no file at {str(path)!r}", got=str(path))
    columns_of, read = _FORMATS[suffix]
    try:
        if columns is not None:
            require_columns(columns_of(path), columns)
            columns = list(dict.fromkeys(columns))
            microdata = read(path, columns)
            # Readers return usecols in file order; callers get the order they asked for.
            return dataclasses.replace(microdata, data=microdata.data[columns])
        return read(path, None)
    except WeightingError:
        raise
    except Exception as error:  # each reader has its own exception types; all mean "not readable"
        raise WeightingError(
            "unreadable_file", f"cannot read {path.name!r} as {suffix[1:]}: {error}", got=str(path)
        ) from error


def require_columns(available: Sequence[str], wanted: Sequence[str]) -> None:
    """Fail on the first wanted column that is not available, suggesting near spellings."""
    present = set(available)
    for column in wanted:
        if column not in present:
            close = difflib.get_close_matches(column, list(available), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise WeightingError(
                "unknown_column",
                f"column {column!r} is not in the data{hint}",
                column=column,
                expected=list(available),
                got=column,
            )


def coerce_numeric(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``data`` in which ``columns`` are numeric, or an error at the first value that is not.

    Text such as "12.5" becomes a number (CSV readers leave a column as text when one cell is
    not a number); empty cells stay missing for the design or estimator to judge.
    """
    converted = {}
    for column in dict.fromkeys(columns):
        series = data[column]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            numbers = pd.to_numeric(series.astype("string").str.strip(), errors="coerce")
            bad = numbers.isna() & series.notna() & (series.astype("string").str.strip() != "")
            if bool(bad.any()):
                row = int(bad.to_numpy().argmax())
                value = series.iloc[row]
                value = value.item() if hasattr(value, "item") else value
                raise WeightingError(
                    "non_numeric_column",
                    f"column {column!r} must be numeric but holds {value!r}",
                    column=column,
                    row=row,
                    expected="a number",
                    got=value,
                )
            converted[column] = numbers.astype(float)
    return data.assign(**converted) if converted else data
