"""Aggregated police/prosecution/forensic counts, long or wide, as observatories publish them.

A count is identified by four dimensions: `period` (YYYY or YYYY-MM), `territory`, `offence`
(national code, mapped to ICCS) and `sex` (optional: a file without a sex column gives counts for
both sexes together).

- Long layout: one column per dimension and a `count` column.
- Wide layout: some dimensions are spread over the columns. `wide=("period",)` reads columns such as
  `2024-01`, `2024-02`, ...; `wide=("offence", "sex")` reads columns such as `HOM:female`
  (parts joined by `separator`). Every column that is not one of the remaining dimensions is a value
  column. A blank value cell is no figure (months not yet published), not a zero.

Every figure carries its source (police, prosecution, forensic) and unit (victims, recorded offences,
...), fixed per file because each file comes from one institution and counts one thing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from crime_data.errors import CrimeDataError, Location, RowProblem, ValidationReport
from crime_data.offences import OffenceMapping
from crime_data.periods import Period, parse_period
from crime_data.population import PopulationTable
from crime_data.row_checks import PopulationCoverage, parse_sex_code, parse_territory
from crime_data.tables import FileFormat, RowChecker, SourceRow, SourceTable, parse_count, read_table, refuse_or_skip
from crime_data.territories import TerritoryHierarchy
from crime_data.vocabulary import Sex, Source, Unit, sex_code_table

DIMENSIONS = ("period", "territory", "offence", "sex")


@dataclass(frozen=True, slots=True)
class RecordedCount:
    period: Period
    territory_code: str
    iccs_code: str
    sex: Sex | None  # None: both sexes together (the figure has no sex breakdown)
    count: int
    source: Source
    unit: Unit
    national_code: str | None = None
    age_group: str | None = None  # None: all ages
    location: Location | None = None  # where the figure was read, when it came from a file


@dataclass(frozen=True)
class CountImport:
    """The counts read from one file, and the rows skipped (empty unless skip_invalid was asked)."""

    file: str
    source: Source
    unit: Unit
    counts: tuple[RecordedCount, ...]
    skipped: ValidationReport


@dataclass(frozen=True, slots=True)
class _Cell:
    """One figure of the file with the raw text of each dimension and the column it came from."""

    location: Location
    raw: dict[str, tuple[str | None, object]]  # dimension or "count" -> (column, raw value)


def _id_cells(row: SourceRow, id_columns: dict[str, str | None]) -> dict[str, tuple[str | None, object]]:
    return {dimension: (column, row.values.get(column)) for dimension, column in id_columns.items()}


def _cells(table: SourceTable, wide: Sequence[str], separator: str) -> Iterator[_Cell]:
    """The file's figures one by one (a police file holds hundreds of thousands: never all at once)."""
    unknown = [dimension for dimension in wide if dimension not in DIMENSIONS]
    if unknown:
        raise CrimeDataError("bad_layout", f"wide dimensions must be among {DIMENSIONS}; got {unknown}")
    id_columns = {
        dimension: table.column(dimension, required=dimension != "sex")
        for dimension in DIMENSIONS
        if dimension not in wide
    }
    if not wide:
        count_column = table.column("count")
        for row in table.rows:
            count = (count_column, row.values.get(count_column))
            yield _Cell(row.location, {**_id_cells(row, id_columns), "count": count})
        return
    value_columns = [column for column in table.columns if column not in id_columns.values()]
    spread: dict[str, list[str]] = {}
    for column in value_columns:
        parts = column.split(separator) if len(wide) > 1 else [column]
        if len(parts) != len(wide):
            raise CrimeDataError(
                "bad_wide_column",
                f"column {column!r} should name {' and '.join(wide)} joined by {separator!r}",
                file=table.file,
                line=table.header.line,
            )
        spread[column] = [part.strip() for part in parts]
    for row in table.rows:
        ids = _id_cells(row, id_columns)
        for column in value_columns:
            if row.values.get(column) is None:
                continue
            from_header = {dimension: (column, part) for dimension, part in zip(wide, spread[column])}
            yield _Cell(row.location, {**ids, **from_header, "count": (column, row.values.get(column))})


def read_counts(
    path: str | Path,
    *,
    mapping: OffenceMapping,
    hierarchy: TerritoryHierarchy,
    source: Source,
    unit: Unit,
    population: PopulationTable | None = None,
    wide: Sequence[str] = (),
    separator: str = ":",
    file_format: FileFormat = FileFormat(),
    sex_codes: Mapping[str, Sex] | None = None,
    skip_invalid: bool = False,
) -> CountImport:
    """Read and validate every figure; with any failing row nothing is returned unless skip_invalid=True.

    With `population`, a figure whose territory has no population for its year is refused.
    """
    table = read_table(path, file_format)
    coverage = PopulationCoverage(population, hierarchy)
    sex_table = sex_code_table(sex_codes)
    problems: list[RowProblem] = []
    counts: list[RecordedCount] = []
    first_seen: dict[tuple, Location] = {}
    for cell in _cells(table, wide, separator):
        check = RowChecker(cell.location)
        period = check(*cell.raw["period"], parse_period)
        territory_code = check(*cell.raw["territory"], parse_territory, hierarchy)
        offence = check(*cell.raw["offence"], mapping.lookup)
        sex = check(*cell.raw["sex"], parse_sex_code, sex_table) if cell.raw["sex"][0] is not None else None
        count = check(*cell.raw["count"], parse_count)
        if period is not None and territory_code is not None:
            check(*cell.raw["territory"], lambda _: coverage.require(territory_code, period.year))
        if not check.problems:
            key = (period, territory_code, offence.national_code, sex)
            if key in first_seen:
                check.add(
                    "duplicate_row",
                    f"a figure for {period}, territory {territory_code!r}, offence {offence.national_code!r}"
                    f"{'' if sex is None else f', sex {sex}'} is already at {first_seen[key]}",
                    cell.raw["count"][0],
                )
            else:
                first_seen[key] = cell.location
        problems.extend(check.problems)
        if not check.problems:
            counts.append(
                RecordedCount(
                    period, territory_code, offence.iccs_code, sex, count, source, unit,
                    national_code=offence.national_code, location=cell.location,
                )
            )
    skipped = refuse_or_skip(table.file, problems, skip_invalid)
    return CountImport(table.file, source, unit, tuple(counts), skipped)

