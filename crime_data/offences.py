"""The mapping from a country's offence codes to ICCS, read from a CSV (national_code, iccs_code, description)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crime_data.errors import CrimeDataError, Location, RowProblem, ValidationReport
from crime_data.iccs import ICCS
from crime_data.tables import CellError, FileFormat, RowChecker, parse_text, read_table


@dataclass(frozen=True)
class MappedOffence:
    national_code: str
    iccs_code: str
    description: str


@dataclass(frozen=True)
class OffenceMapping:
    file: str
    offences: Mapping[str, MappedOffence]

    def lookup(self, value: object) -> MappedOffence:
        """The mapped offence for a national code cell; unmapped codes are a row problem."""
        national_code = parse_text(value)
        offence = self.offences.get(national_code)
        if offence is None:
            raise CellError(
                "unknown_offence_code", f"offence code {national_code!r} is not in the offence mapping {self.file}"
            )
        return offence


def _parse_iccs_code(value: object) -> str:
    code = parse_text(value)
    if code not in ICCS:
        raise CellError("unknown_iccs_code", f"{code!r} is not a code of the {ICCS.version} catalogue")
    return code


def read_offence_mapping(path: str | Path, *, file_format: FileFormat = FileFormat()) -> OffenceMapping:
    """Read the mapping; any bad row (unknown ICCS code, repeated national code, blank cell) refuses the file."""
    table = read_table(path, file_format)
    national_column = table.column("national_code")
    iccs_column = table.column("iccs_code")
    description_column = table.column("description", required=False)
    problems: list[RowProblem] = []
    offences: dict[str, MappedOffence] = {}
    first_seen: dict[str, Location] = {}
    for row in table.rows:
        check = RowChecker(row.location)
        national_code = check(national_column, row.values.get(national_column), parse_text)
        iccs_code = check(iccs_column, row.values.get(iccs_column), _parse_iccs_code)
        description = row.values.get(description_column)
        if description is not None:
            description = check(description_column, description, parse_text)
        if national_code is not None and national_code in first_seen:
            check.add(
                "duplicate_national_code",
                f"national code {national_code!r} is already mapped at {first_seen[national_code]}",
                national_column,
            )
        problems.extend(check.problems)
        if not check.problems:
            first_seen[national_code] = row.location
            offences[national_code] = MappedOffence(national_code, iccs_code, description or "")
    if problems:
        raise CrimeDataError(
            "invalid_rows",
            f"{len({problem.location for problem in problems})} row(s) failed validation; the mapping was not read",
            file=table.file,
            report=ValidationReport(table.file, tuple(problems)),
        )
    return OffenceMapping(table.file, offences)
