"""Reading and writing survey microdata files (CSV, Parquet, Stata, SPSS) with their labels.

Stata and SPSS values stay as stored (the codes); their value labels come alongside so that the
codes used in a design or a domain are the ones in the file, and tables can still show labels.
Writing keeps within each format's limits: names made valid (and shortened) for Stata and SPSS,
labels cut to the lengths the formats hold; the full text belongs in a codebook.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
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


# Parquet keeps a column's label in its field metadata under this key (what write_microdata puts there).
PARQUET_LABEL = b"label"


def _read_parquet(path: Path, columns: Sequence[str] | None) -> Microdata:
    data = pd.read_parquet(path, columns=list(columns) if columns is not None else None)
    schema = pq.read_schema(path)
    labels = {field.name: field.metadata[PARQUET_LABEL].decode() for field in schema
              if field.metadata and PARQUET_LABEL in field.metadata and field.name in data.columns}
    return Microdata(data, variable_labels=labels)


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


# Limits of the formats as ReadStat writes them: Stata 118 names and variable labels in characters,
# SPSS names and labels in bytes (ReadStat silently cuts longer SPSS labels; Stata ones fail).
# Stata names hold 32 characters, but pyreadstat names a variable's value-label set after it plus
# the column's position, which must fit in 32 too: 28 leaves room for 9,999 columns.
_NAME_LIMITS = {".dta": 28, ".sav": 64}
_VARIABLE_LABEL_LIMITS = {".dta": (80, "chars"), ".sav": (256, "bytes")}
_VALUE_LABEL_LIMITS = {".dta": (32_000, "chars"), ".sav": (120, "bytes")}
_ELLIPSIS = "…"


def _cut(text: str, limit: tuple[int, str]) -> str:
    size, unit = limit
    encoded = text.encode() if unit == "bytes" else text
    if len(encoded) <= size:
        return text
    room = size - len(_ELLIPSIS.encode() if unit == "bytes" else _ELLIPSIS)
    kept = encoded[:room].decode(errors="ignore") if isinstance(encoded, bytes) else encoded[:room]
    return kept + _ELLIPSIS


def file_names(columns: Sequence[str], suffix: str) -> dict[str, str]:
    """Column -> the name a file of that format can hold: letters, digits and underscores, starting with
    a letter, unique regardless of case, shortened and numbered where too long."""
    limit = _NAME_LIMITS.get(suffix.lower())
    if limit is None:
        return {column: column for column in columns}
    names: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        base = re.sub(r"[^A-Za-z0-9_]", "_", column)
        base = base if base[:1].isalpha() else f"v{base}"
        name, number = base[:limit], 1
        while name.lower() in used:
            name = f"{base[:limit - len(str(number)) - 1]}_{number}"
            number += 1
        used.add(name.lower())
        names[column] = name
    return names


def write_microdata(microdata: Microdata, path: str | Path) -> dict[str, str]:
    """Write a CSV, Parquet, Stata (.dta) or SPSS (.sav) file, chosen by its extension.

    Variable and value labels are written to Stata and SPSS files (value labels need integer codes
    in numeric columns), variable labels to Parquet's field metadata; CSV carries the data only.
    Returns column -> name in the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    data = microdata.data
    if suffix == ".csv":
        # RFC 4180 line ends: the writer then quotes every cell holding a CR or LF, so none splits a record.
        data.to_csv(path, index=False, lineterminator="\r\n")
        return {column: column for column in data.columns}
    if suffix == ".parquet":
        table = pa.Table.from_pandas(data, preserve_index=False)
        labelled = pa.schema(
            [field.with_metadata({PARQUET_LABEL: microdata.variable_labels[field.name].encode()})
             if field.name in microdata.variable_labels else field for field in table.schema],
            metadata=table.schema.metadata,
        )
        pq.write_table(table.cast(labelled), path)
        return {column: column for column in data.columns}
    if suffix not in _NAME_LIMITS:
        raise WeightingError(
            "unsupported_format", f"cannot write {path.name!r}: the extension must be .csv, .parquet, .dta or .sav",
            expected=(".csv", ".parquet", ".dta", ".sav"), got=path.suffix or "(none)",
        )
    names = file_names([str(column) for column in data.columns], suffix)
    # ReadStat takes text columns as Python objects, missing values as None.
    text = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    data = data.assign(**{c: data[c].astype(object).where(data[c].notna(), None) for c in text})
    data = data.rename(columns=names)
    writer = pyreadstat.write_dta if suffix == ".dta" else pyreadstat.write_sav
    writer(
        data, str(path),
        column_labels={names[c]: _cut(label, _VARIABLE_LABEL_LIMITS[suffix])
                       for c, label in microdata.variable_labels.items() if c in names},
        variable_value_labels={
            names[c]: {code: _cut(label, _VALUE_LABEL_LIMITS[suffix]) for code, label in labels.items()}
            for c, labels in microdata.value_labels.items() if c in names and labels
        },
    )
    return names
