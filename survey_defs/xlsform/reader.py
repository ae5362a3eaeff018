"""Stage 1: read a workbook (.xlsx, pyxform-style .csv, or markdown tables) into plain sheets of text.

Every cell becomes stripped text (empty cells are left out) and every row keeps its spreadsheet row
number (the header row is row 1), so later stages can say where a problem is.

Decisions:
- ``.xlsx`` is read with openpyxl in read-only mode and **formulas are refused** (code ``formula_cell``):
  cached values are absent from files written by scripts and can be stale, so a formula's value is not
  trustworthy; designers paste values instead.
- ``.xls`` (the old binary format) is refused: save the file as ``.xlsx``.
- ``.csv`` follows pyxform: the first column names the sheet on the row where a sheet starts, the other
  columns hold that sheet's header row and then its rows. Markdown tables follow pyxform's tests the same
  way. Row numbers in both count rows within the sheet, header = 1, as in a spreadsheet.
- Sizes are capped (``MAX_FILE_BYTES``, ``MAX_SHEETS``, ``MAX_ROWS``, ``MAX_COLUMNS``) so that a huge file
  is refused with a clear problem instead of being loaded.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from survey_defs.errors import InstrumentInvalid, Problem

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_SHEETS = 20
MAX_ROWS = 20_000
MAX_COLUMNS = 300
SUPPORTED_EXTENSIONS = (".xlsx", ".csv", ".md")

_MARKDOWN_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_MARKDOWN_SEPARATOR = re.compile(r"^[\s|:\-]*-[\s|:\-]*$")


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]


# Sheets keyed by lower-cased name (XLSForm sheet names are case-insensitive).
Workbook = dict[str, Sheet]


def read_workbook(data: bytes, filename: str) -> Workbook:
    """Read ``data`` according to the extension of ``filename``; raise InstrumentInvalid if unreadable."""
    if len(data) > MAX_FILE_BYTES:
        raise InstrumentInvalid(
            [Problem(code="file_too_large", message=f"the file has {len(data)} bytes; the limit is {MAX_FILE_BYTES}")]
        )
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == ".xlsx":
        return read_xlsx(data)
    if extension in (".csv", ".md"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InstrumentInvalid(
                [Problem(code="unreadable_file", message=f"{filename} is not UTF-8 text: {error}")]
            ) from error
        return read_csv(text) if extension == ".csv" else read_markdown(text)
    advice = " (save it as .xlsx)" if extension == ".xls" else ""
    raise InstrumentInvalid(
        [
            Problem(
                code="unsupported_file_type",
                message=f"{filename!r} is not one of {', '.join(SUPPORTED_EXTENSIONS)}{advice}",
            )
        ]
    )


def read_xlsx(data: bytes) -> Workbook:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise InstrumentInvalid(
            [Problem(code="unreadable_file", message=f"not a readable .xlsx workbook: {error}")]
        ) from error
    try:
        _check_sheet_count(len(book.sheetnames))
        problems: list[Problem] = []
        sheets: list[tuple[str, list[tuple[int, list[str | None]]]]] = []
        for worksheet in book.worksheets:
            declared_rows = worksheet.max_row
            if declared_rows is not None and declared_rows > MAX_ROWS:
                problems.append(_too_many_rows(worksheet.title))
                continue
            rows: list[tuple[int, list[str | None]]] = []
            # Rows are padded to max_col: never pad beyond what the sheet declares.
            columns = min(worksheet.max_column or MAX_COLUMNS + 1, MAX_COLUMNS + 1)
            for number, cells in enumerate(worksheet.iter_rows(max_row=MAX_ROWS + 1, max_col=columns), start=1):
                texts: list[str | None] = []
                for cell in cells:
                    if getattr(cell, "data_type", None) == "f":
                        problems.append(
                            Problem(
                                code="formula_cell",
                                message=f"cell {cell.coordinate} holds a formula; paste its value instead",
                                sheet=worksheet.title,
                                row=number,
                            )
                        )
                        texts.append(None)
                    else:
                        texts.append(_cell_text(cell.value))
                rows.append((number, texts))
            sheets.append((worksheet.title, rows))
    finally:
        book.close()
    workbook = _build_workbook(sheets, problems)
    if problems:
        raise InstrumentInvalid(problems)
    return workbook


def read_csv(text: str) -> Workbook:
    return _read_marked_rows(list(csv.reader(io.StringIO(text, newline=""))))


def read_markdown(text: str) -> Workbook:
    """Read pyxform-style markdown tables: ``| survey |`` starts a sheet, ``|  | type | name |`` is its header."""
    lines: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("|") or _MARKDOWN_SEPARATOR.match(stripped):
            continue
        cells = _MARKDOWN_CELL_SPLIT.split(stripped)[1:]
        if cells and cells[-1].strip() == "":
            cells = cells[:-1]
        lines.append([cell.strip().replace(r"\|", "|") for cell in cells])
    return _read_marked_rows(lines)


def _read_marked_rows(lines: list[list[str]]) -> Workbook:
    """Split rows whose first column names a sheet into sheets (pyxform's CSV and markdown layout)."""
    sheets: list[tuple[str, list[tuple[int, list[str | None]]]]] = []
    for line in lines:
        if not line:
            continue
        marker = line[0].strip()
        content = [cell.strip() or None for cell in line[1:]]
        if marker:
            _check_sheet_count(len(sheets) + 1)
            sheets.append((marker, []))
        if not sheets:
            if any(content):
                raise InstrumentInvalid(
                    [Problem(code="unreadable_file", message="the first row must name a sheet in its first column")]
                )
            continue
        rows = sheets[-1][1]
        if not rows and not any(content):
            continue
        rows.append((len(rows) + 1, content))
    problems = [_too_many_rows(name) for name, rows in sheets if len(rows) > MAX_ROWS]
    if problems:
        raise InstrumentInvalid(problems)
    workbook = _build_workbook(sheets, problems)
    if problems:
        raise InstrumentInvalid(problems)
    return workbook


def _build_workbook(
    sheets: Iterable[tuple[str, list[tuple[int, list[str | None]]]]], problems: list[Problem]
) -> Workbook:
    workbook: Workbook = {}
    for name, rows in sheets:
        key = name.strip().lower()
        if key in workbook:
            problems.append(Problem(code="duplicate_sheet", message=f"sheet {name!r} appears twice", sheet=name))
            continue
        workbook[key] = _build_sheet(name, rows, problems)
    return workbook


def _build_sheet(name: str, rows: list[tuple[int, list[str | None]]], problems: list[Problem]) -> Sheet:
    content_rows = iter(rows)
    header_cells: list[str | None] = []
    for _, cells in content_rows:
        if any(cells):
            header_cells = cells
            break
    if any(any(cells[MAX_COLUMNS:]) for _, cells in rows):
        problems.append(_too_many_columns(name))
    header_cells = header_cells[:MAX_COLUMNS]
    headers: list[str | None] = []
    duplicates: set[int] = set()
    for index, header in enumerate(header_cells):
        if header is not None and header in headers:
            problems.append(
                Problem(code="duplicate_column", message=f"column {header!r} appears twice", sheet=name, row=1, column=header)
            )
            duplicates.add(index)
            headers.append(None)
        else:
            headers.append(header)
    built: list[Row] = []
    for number, cells in content_rows:
        values: dict[str, str] = {}
        for index, value in enumerate(cells[:MAX_COLUMNS]):
            if value is None or index in duplicates:
                continue
            header = headers[index] if index < len(headers) else None
            if header is None:
                problems.append(
                    Problem(
                        code="unnamed_column",
                        message=f"a value ({value!r}) sits in a column without a header",
                        sheet=name,
                        row=number,
                    )
                )
                continue
            values[header] = value
        if values:
            built.append(Row(number=number, cells=values))
    return Sheet(name=name, headers=tuple(header for header in headers if header is not None), rows=tuple(built))


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    text = str(value).replace("\u00a0", " ").strip()
    return text or None


def _check_sheet_count(count: int) -> None:
    if count > MAX_SHEETS:
        raise InstrumentInvalid(
            [Problem(code="too_many_sheets", message=f"the workbook has more than {MAX_SHEETS} sheets")]
        )


def _too_many_rows(sheet: str) -> Problem:
    return Problem(
        code="too_many_rows",
        message=f"the sheet has more than {MAX_ROWS} rows (delete empty rows that only carry formatting)",
        sheet=sheet,
    )


def _too_many_columns(sheet: str) -> Problem:
    return Problem(code="too_many_columns", message=f"the sheet has more than {MAX_COLUMNS} columns", sheet=sheet)
