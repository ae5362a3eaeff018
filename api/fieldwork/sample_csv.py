"""Reading a survey's sample from three CSV files, one per level, all checked before any is stored.

Files are UTF-8 (a byte-order mark is fine), comma-separated, with a header row; line numbers in
errors count the header as line 1. Extra columns are refused so that a misspelt header is caught.

strata.csv     stratum*, name, psus_selected, measure_of_size_total, psus_in_frame
psus.csv       stratum*, psu*, selection_probability | measure_of_size, latitude, longitude, territory
households.csv psu*, household*, selection_probability*, address, phone

(* required). A PSU gives its selection probability, or its measure of size M_hi; with a measure of
size its probability is derived as pi_hi = n_h * M_hi / M_h, where n_h is the stratum's
`psus_selected` and M_h its `measure_of_size_total` over the whole frame (PPS without replacement).
A result above 1 is refused: a certainty PSU is given `selection_probability` 1. When a stratum
states `psus_selected`, psus.csv must list exactly that many PSUs in it. Household probabilities
are within their PSU. `address` and `phone` are personal identifiers: stored apart, never exported. A PSU's `territory`
is the code of the territory it lies in (as the crime data's territory table spells it); analysis
frames carry it so that survey estimates by territory can sit beside police figures.
"""

import csv
import io
import math
from dataclasses import dataclass, field
from typing import Any

from api.db_types import INTEGER_MAX, storable_text
from api.errors import Unprocessable

FILES = ("strata", "psus", "households")
COLUMNS = {
    "strata": (("stratum",), ("name", "psus_selected", "measure_of_size_total", "psus_in_frame")),
    "psus": (("stratum", "psu"), ("selection_probability", "measure_of_size", "latitude", "longitude", "territory")),
    "households": (("psu", "household", "selection_probability"), ("address", "phone")),
}
MAX_CODE_LENGTH = 64


@dataclass
class StratumRow:
    line: int
    code: str
    name: str
    psus_selected: int | None
    measure_of_size_total: float | None
    psus_in_frame: int | None


@dataclass
class PsuRow:
    line: int
    stratum: str
    code: str
    selection_probability: float
    measure_of_size: float | None
    latitude: float | None
    longitude: float | None
    territory: str | None = None


@dataclass
class HouseholdRow:
    line: int
    psu: str
    code: str
    selection_probability: float
    address: str | None
    phone: str | None


@dataclass
class Sample:
    strata: list[StratumRow]
    psus: list[PsuRow]
    households: list[HouseholdRow]


@dataclass
class _Problems:
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, file: str, line: int, column: str | None, message: str, code: str) -> None:
        loc: list[Any] = [file, line] + ([column] if column else [])
        self.errors.append({"loc": loc, "msg": message, "type": code})


class _Cells:
    """Typed reading of one row's cells; each problem is recorded with file, line and column."""

    def __init__(self, problems: _Problems, file: str, line: int, row: dict[str, str]) -> None:
        self.problems, self.file, self.line, self.row = problems, file, line, row

    def text(self, column: str, *, required: bool = False, max_length: int | None = MAX_CODE_LENGTH) -> str | None:
        value = (self.row.get(column) or "").strip()
        if not value:
            if required:
                self.problems.add(self.file, self.line, column, f"{column} is empty", "required")
            return None
        if max_length is not None and len(value) > max_length:
            self.problems.add(self.file, self.line, column, f"{column} is longer than {max_length} characters",
                              "too_long")
            return None
        try:
            return storable_text(value)
        except ValueError as error:
            self.problems.add(self.file, self.line, column, f"{column} {error}", "unstorable_text")
            return None

    def number(self, column: str, *, low: float | None = None, high: float | None = None,
               low_inclusive: bool = True, integer: bool = False) -> float | None:
        text = self.text(column, max_length=None)
        if text is None:
            return None
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            kind = "a whole number" if integer else "a number"
            self.problems.add(self.file, self.line, column, f"{column} '{text}' is not {kind}", "not_a_number")
            return None
        if integer and high is None:
            high = INTEGER_MAX  # a count held in an integer column
        too_low = low is not None and (value < low if low_inclusive else value <= low)
        too_high = high is not None and value > high
        if not math.isfinite(value) or too_low or too_high:
            bounds = f"{'[' if low_inclusive else '('}{low}, {high if high is not None else 'inf'}]"
            self.problems.add(self.file, self.line, column, f"{column} {text} is outside {bounds}", "out_of_range")
            return None
        return value


def _rows(problems: _Problems, file: str, data: bytes) -> list[tuple[int, dict[str, str]]] | None:
    """The data rows with their line numbers; None when the file itself cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(file, 1, None, "the file is not UTF-8 text", "not_utf8")
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    required, optional = COLUMNS[file]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name not in required + optional]
    for name in missing:
        problems.add(file, 1, name, f"column '{name}' is missing", "missing_column")
    for name in unknown:
        problems.add(file, 1, name, f"unknown column '{name}' (expected {', '.join(required + optional)})",
                     "unknown_column")
    if missing or unknown:
        return None
    reader.fieldnames = header
    rows = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.add(file, line, None, "the row has more cells than the header", "extra_cells")
            row.pop(None)
        if any((value or "").strip() for value in row.values()):
            rows.append((line, row))
    if not rows:
        problems.add(file, 1, None, "the file has no data rows", "empty_file")
        return None
    return rows


def _strata(problems: _Problems, data: bytes) -> list[StratumRow] | None:
    rows = _rows(problems, "strata", data)
    if rows is None:
        return None
    result, seen = [], set()
    for line, row in rows:
        cells = _Cells(problems, "strata", line, row)
        code = cells.text("stratum", required=True)
        selected = cells.number("psus_selected", low=1, integer=True)
        in_frame = cells.number("psus_in_frame", low=1, integer=True)
        size_total = cells.number("measure_of_size_total", low=0, low_inclusive=False)
        if selected is not None and in_frame is not None and in_frame < selected:
            problems.add("strata", line, "psus_in_frame", "psus_in_frame is smaller than psus_selected",
                         "out_of_range")
        if code is not None and code in seen:
            problems.add("strata", line, "stratum", f"stratum '{code}' appears twice", "duplicate")
        elif code is not None:
            seen.add(code)
            result.append(StratumRow(line, code, cells.text("name", max_length=300) or "", selected, size_total,
                                     in_frame))
    return result


def _psus(problems: _Problems, data: bytes, strata: dict[str, StratumRow] | None) -> tuple[list[PsuRow], set[str] | None]:
    """PSUs read, and every PSU code listed (also on rows with other problems, so that households
    are not reported again for them); None for the codes when the file cannot be read."""
    rows = _rows(problems, "psus", data)
    if rows is None:
        return [], None
    result, seen = [], set()
    for line, row in rows:
        cells = _Cells(problems, "psus", line, row)
        stratum, code = cells.text("stratum", required=True), cells.text("psu", required=True)
        given = cells.number("selection_probability", low=0, high=1, low_inclusive=False)
        size = cells.number("measure_of_size", low=0, low_inclusive=False)
        latitude = cells.number("latitude", low=-90, high=90)
        longitude = cells.number("longitude", low=-180, high=180)
        territory = cells.text("territory", max_length=MAX_CODE_LENGTH) or None
        if bool((row.get("latitude") or "").strip()) != bool((row.get("longitude") or "").strip()):
            problems.add("psus", line, "latitude", "give both latitude and longitude of the centroid, or neither",
                         "incomplete_centroid")
        if code is not None and code in seen:
            problems.add("psus", line, "psu", f"PSU '{code}' appears twice", "duplicate")
            continue
        if code is not None:
            seen.add(code)
        if strata is not None and stratum is not None and stratum not in strata:
            problems.add("psus", line, "stratum", f"stratum '{stratum}' is not in strata.csv", "unknown_stratum")
            continue
        probability = _psu_probability(problems, line, row, given, size, (strata or {}).get(stratum or ""))
        if code is None or probability is None:
            continue
        result.append(PsuRow(line, stratum, code, probability, size, latitude, longitude, territory))
    return result, seen


def _psu_probability(problems: _Problems, line: int, row: dict[str, str], given: float | None, size: float | None,
                     stratum: StratumRow | None) -> float | None:
    has_given = bool((row.get("selection_probability") or "").strip())
    has_size = bool((row.get("measure_of_size") or "").strip())
    if has_given and has_size:
        problems.add("psus", line, "selection_probability",
                     "give selection_probability or measure_of_size, not both", "probability_and_size")
        return None
    if not has_given and not has_size:
        problems.add("psus", line, "selection_probability",
                     "give selection_probability or measure_of_size", "probability_missing")
        return None
    if has_given or size is None or stratum is None:
        return given
    if stratum.psus_selected is None or stratum.measure_of_size_total is None:
        problems.add("psus", line, "measure_of_size",
                     f"stratum '{stratum.code}' needs psus_selected and measure_of_size_total to derive the "
                     "probability from a measure of size", "stratum_size_missing")
        return None
    probability = stratum.psus_selected * size / stratum.measure_of_size_total
    if probability > 1:
        problems.add("psus", line, "measure_of_size",
                     f"psus_selected * measure_of_size / measure_of_size_total = {probability:.6g} exceeds 1; "
                     "give a certainty PSU selection_probability 1", "probability_above_one")
        return None
    return probability


def _households(problems: _Problems, data: bytes, psus: set[str] | None) -> list[HouseholdRow]:
    rows = _rows(problems, "households", data)
    if rows is None:
        return []
    result, seen = [], set()
    for line, row in rows:
        cells = _Cells(problems, "households", line, row)
        psu, code = cells.text("psu", required=True), cells.text("household", required=True)
        probability = cells.number("selection_probability", low=0, high=1, low_inclusive=False)
        if probability is None and not (row.get("selection_probability") or "").strip():
            problems.add("households", line, "selection_probability", "selection_probability is empty", "required")
        address, phone = cells.text("address", max_length=1000), cells.text("phone")
        if psus is not None and psu is not None and psu not in psus:
            problems.add("households", line, "psu", f"PSU '{psu}' is not in psus.csv", "unknown_psu")
            continue
        if psu is not None and code is not None and (psu, code) in seen:
            problems.add("households", line, "household", f"household '{code}' appears twice in PSU '{psu}'",
                         "duplicate")
            continue
        if psu is None or code is None or probability is None:
            continue
        seen.add((psu, code))
        result.append(HouseholdRow(line, psu, code, probability, address, phone))
    return result


def _check_counts(problems: _Problems, strata: list[StratumRow], psus: list[PsuRow],
                  households: list[HouseholdRow]) -> None:
    for stratum in strata:
        listed = sum(1 for psu in psus if psu.stratum == stratum.code)
        if stratum.psus_selected is not None and listed != stratum.psus_selected:
            problems.add("strata", stratum.line, "psus_selected",
                         f"psus_selected is {stratum.psus_selected} but psus.csv lists {listed} PSU(s) in "
                         f"stratum '{stratum.code}'", "psu_count_mismatch")
    with_households = {household.psu for household in households}
    for psu in psus:
        if psu.code not in with_households:
            problems.add("psus", psu.line, "psu", f"PSU '{psu.code}' has no households in households.csv",
                         "psu_without_households")


def read_sample(files: dict[str, bytes]) -> Sample:
    """The three files parsed and cross-checked; any problem anywhere raises with all of them."""
    problems = _Problems()
    strata = _strata(problems, files["strata"])
    psus, psu_codes = _psus(problems, files["psus"], None if strata is None else {s.code: s for s in strata})
    households = _households(problems, files["households"], psu_codes)
    if not problems.errors:
        _check_counts(problems, strata or [], psus, households)
    if problems.errors:
        raise Unprocessable(
            f"The sample has {len(problems.errors)} problem(s); nothing was imported",
            code="sample_invalid",
            errors=problems.errors,
        )
    return Sample(strata, psus, households)
