"""Reading CSV and XLSX files as rows that remember where they came from, and parsing their cells.

Readers above this module never see a file format: they get `SourceRow`s whose `location` is what a
person sees (CSV line counting the header as line 1; sheet name and row number in a workbook), and
cell parsers that raise `CellError` with a stable code, which the readers turn into `RowProblem`s.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from crime_data.errors import CrimeDataError, Location, RowProblem, ValidationReport

T = TypeVar("T")
# Wide files hold a column per period or per offence and sex: hundreds at most. Past this a file is
# refused before its rows are built (10,000 columns took tens of seconds to check).
MAX_COLUMNS = 1000


@dataclass(frozen=True, slots=True)
class SourceRow:
    location: Location
    values: dict[str, object]  # column header -> raw cell (str from CSV; typed from XLSX; None if blank)


@dataclass(frozen=True)
class SourceTable:
    file: str
    header: Location
    columns: tuple[str, ...]
    rows: tuple[SourceRow, ...]

    def column(self, name: str, *, required: bool = True) -> str | None:
        """The header matching `name` regardless of case and surrounding spaces."""
        for column in self.columns:
            if column.strip().lower() == name:
                return column
        if required:
            raise CrimeDataError(
                "missing_column", f"column {name!r} is required; the file has {list(self.columns)}",
                file=self.file,
                line=self.header.line,
            )
        return None


class CellError(Exception):
    """A cell that cannot be read; becomes a RowProblem naming the row and column."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class FileFormat:
    """How to open a file: the sheet of a workbook (default: the first), or a CSV's delimiter and encoding."""

    sheet: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8-sig"


def read_table(path: str | Path, file_format: FileFormat = FileFormat()) -> SourceTable:
    """Read the first non-blank row as the header and every non-blank row after it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CrimeDataError("unsupported_file_type", "only .csv and .xlsx files can be read", file=path.name)
    if not path.is_file():
        raise CrimeDataError("file_not_found", f"there is no file at {path}", file=path.name)
    if suffix == ".csv":
        return _read_csv(path, file_format)
    return _read_xlsx(path, file_format.sheet)


def _read_csv(path: Path, file_format: FileFormat) -> SourceTable:
    records: list[tuple[Location, list[object]]] = []
    first_line = 1
    with path.open(newline="", encoding=file_format.encoding) as handle:
        reader = csv.reader(handle, delimiter=file_format.delimiter)
        try:
            for record in reader:
                # A quoted field may span lines: a row is found at the line where it starts.
                records.append((Location(path.name, first_line), list(record)))
                first_line = reader.line_num + 1
        except UnicodeDecodeError:
            raise CrimeDataError(
                "bad_encoding",
                f"the file is not {file_format.encoding} text (a file saved as Latin-1 needs encoding='latin-1')",
                file=path.name,
                line=first_line,
            ) from None
        except csv.Error as error:
            raise CrimeDataError(
                "unreadable_file", f"not a readable CSV: {error}", file=path.name, line=first_line
            ) from None
    return _build_table(path.name, records)


def _read_xlsx(path: Path, sheet: str | None) -> SourceTable:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise CrimeDataError("unreadable_file", f"not a readable .xlsx workbook: {error}", file=path.name) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise CrimeDataError(
                "unknown_sheet", f"sheet {sheet!r} not found; the workbook has {workbook.sheetnames}", file=path.name
            )
        records = [
            (Location(path.name, number, worksheet.title), list(values))
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return _build_table(path.name, records)


def _build_table(file: str, records: list[tuple[Location, list[object]]]) -> SourceTable:
    # Blank cells become None once here; a comprehension rather than a call per cell, for large files.
    cleaned = [
        (location, [None if value is None or (type(value) is str and not value.strip()) else value for value in values])
        for location, values in records
    ]
    cleaned = [(location, values) for location, values in cleaned if any(value is not None for value in values)]
    if not cleaned:
        raise CrimeDataError("empty_file", "the file has no header row", file=file)
    header_location, header = cleaned[0]
    widest = max(len(values) for _, values in cleaned)
    if widest > MAX_COLUMNS:
        raise CrimeDataError(
            "too_many_columns", f"the file has {widest} columns; at most {MAX_COLUMNS} are read",
            file=file, line=header_location.line,
        )
    body = cleaned[1:]
    kept: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, raw_name in enumerate(header):
        if raw_name is None:
            if any(index < len(values) and values[index] is not None for _, values in body):
                raise CrimeDataError(
                    "unnamed_column",
                    f"column {index + 1} has values but no header",
                    file=file,
                    line=header_location.line,
                )
            continue
        name = str(raw_name).strip()
        if name in seen:
            raise CrimeDataError(
                "duplicate_column", f"column {name!r} appears twice", file=file, line=header_location.line
            )
        seen.add(name)
        kept.append((index, name))
    width = max((index for index, _ in kept), default=-1) + 1
    rows = tuple(
        SourceRow(location, {name: padded[index] for index, name in kept})
        for location, values in body
        for padded in (values + [None] * (width - len(values)),)
    )
    return SourceTable(file, header_location, tuple(name for _, name in kept), rows)


def parse_text(value: object) -> str:
    """A code or label; whole numbers typed into a spreadsheet come back without a trailing '.0'."""
    if value is None:
        raise CellError("missing_value", "value is missing")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if "\x00" in text:  # a CSV may hold one; no code or label does, and PostgreSQL cannot store it
        raise CellError("unstorable_text", "text holds the NUL character (\\u0000)")
    return text


def parse_count(value: object) -> int:
    """A non-negative whole number; '12.0' from a spreadsheet is 12, '12.5' and '1,200' are refused."""
    if value is None:
        raise CellError("missing_value", "count is missing")
    if isinstance(value, bool):
        raise CellError("non_integer_count", f"count {value!r} is not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        number = int(value)
    else:
        raise CellError("non_integer_count", f"count {value!r} is not a whole number")
    if number < 0:
        raise CellError("negative_count", f"count {number} is negative")
    return number


def parse_date(value: object) -> date:
    """A date cell or an ISO date (YYYY-MM-DD)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        raise CellError("missing_value", "date is missing")
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CellError("bad_date", f"{value!r} is not a date of the form YYYY-MM-DD") from None


def parse_age(value: object) -> int | None:
    """Age in completed years (0 to 130), or None when the cell is blank (age not recorded)."""
    if value is None:
        return None
    try:
        age = parse_count(value)
    except CellError:
        raise CellError("bad_age", f"age {value!r} is not a whole number of years") from None
    if age > 130:
        raise CellError("bad_age", f"age {age} is not plausible")
    return age


def parse_choice(value: object, choices: Callable[[str], T | None], what: str, code: str) -> T:
    """One value of a closed vocabulary, or a CellError with `code` naming the rejected text."""
    text = parse_text(value)
    choice = choices(text)
    if choice is None:
        raise CellError(code, f"{text!r} is not a known {what}")
    return choice


def refuse_or_skip(file: str, problems: Sequence[RowProblem], skip_invalid: bool) -> ValidationReport:
    """The report of skipped rows, or an `invalid_rows` error when skipping was not asked for."""
    # The cells of one wide row share its id columns, so one bad id cell would be reported once per cell.
    distinct = dict.fromkeys(problems)
    report = ValidationReport(file, tuple(sorted(distinct, key=lambda problem: problem.location.line)))
    if not report.ok and not skip_invalid:
        failing_rows = len({problem.location for problem in distinct})
        raise CrimeDataError(
            "invalid_rows",
            f"{failing_rows} row(s) failed validation; nothing was imported "
            "(pass skip_invalid=True to import the rest)",
            file=file,
            report=report,
        )
    return report


class RowChecker:
    """Parses the cells of one row, keeping each failure as a RowProblem instead of stopping at the first."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self.problems: list[RowProblem] = []

    def __call__(self, column: str | None, value: object, parse: Callable[..., T], *args: object) -> T | None:
        try:
            return parse(value, *args)
        except CellError as error:
            self.add(error.code, error.message, column)
            return None

    def add(self, code: str, message: str, column: str | None) -> None:
        self.problems.append(RowProblem(self.location, code, message, column))
