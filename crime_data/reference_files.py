"""Reading the reference data rates need: the territory list and a population table, from CSV or XLSX.

Like the crime-data readers, these report every bad row with file, line and a stable code, and read
nothing from a file with errors (reference data is not partially importable: a missing municipality
would silently shrink every regional denominator).

- Territories: columns `code`, `name`, `level` (country, region, municipality), `parent_code`
  (blank for a country).
- Population: columns `territory`, `year`, `sex` (female/male, with the usual aliases), `age_group`
  ("15-29", "65+"), `population`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from crime_data.errors import CrimeDataError, Location, RowProblem, ValidationReport
from crime_data.population import AgeGroup, PopulationRow, PopulationTable
from crime_data.row_checks import parse_sex_code, parse_territory
from crime_data.tables import CellError, FileFormat, RowChecker, parse_choice, parse_count, parse_text, read_table
from crime_data.territories import Territory, TerritoryHierarchy, TerritoryLevel, parent_problem
from crime_data.vocabulary import Sex, sex_code_table, vocabulary_member


def _refuse(file: str, problems: list[RowProblem], what: str) -> None:
    if problems:
        raise CrimeDataError(
            "invalid_rows",
            f"{len({problem.location for problem in problems})} row(s) failed validation; the {what} was not read",
            file=file,
            report=ValidationReport(file, tuple(sorted(problems, key=lambda problem: problem.location.line))),
        )


def _parse_level(value: object) -> TerritoryLevel:
    return parse_choice(
        value, lambda text: vocabulary_member(TerritoryLevel, text), "territory level", "unknown_territory_level"
    )


def _parse_optional_text(value: object) -> str | None:
    return None if value is None else parse_text(value)


def read_territories(path: str | Path, *, file_format: FileFormat = FileFormat()) -> TerritoryHierarchy:
    table = read_table(path, file_format)
    columns = {name: table.column(name) for name in ("code", "name", "level")}
    parent_column = table.column("parent_code", required=False)
    problems: list[RowProblem] = []
    territories: dict[str, tuple[Territory, Location, RowChecker]] = {}
    for row in table.rows:
        check = RowChecker(row.location)
        code, name, level = (check(column, row.values.get(column), parse) for column, parse in (
            (columns["code"], parse_text), (columns["name"], parse_text), (columns["level"], _parse_level)
        ))
        parent_code = check(parent_column, row.values.get(parent_column), _parse_optional_text)
        if code is not None and code in territories:
            check.add(
                "duplicate_territory", f"territory {code!r} is already at {territories[code][1]}", columns["code"]
            )
        if check.problems:
            problems.extend(check.problems)
        else:
            territories[code] = (Territory(code, name, level, parent_code), row.location, check)
    by_code = {code: territory for code, (territory, _, _) in territories.items()}
    for territory, _, check in territories.values():
        problem = parent_problem(territory, by_code)
        if problem is not None:
            check.add(*problem, parent_column)
            problems.extend(check.problems)
    _refuse(table.file, problems, "territory list")
    return TerritoryHierarchy(by_code.values())


def _parse_year(value: object) -> int:
    try:
        year = parse_count(value)
    except CellError:
        raise CellError("bad_year", f"year {value!r} is not a whole number") from None
    if not 1900 <= year <= 2200:
        raise CellError("bad_year", f"year {year} is not plausible")
    return year


def _parse_population_sex(value: object, sex_codes: Mapping[str, Sex]) -> Sex:
    sex = parse_sex_code(value, sex_codes)
    if sex is Sex.UNKNOWN:
        raise CellError("bad_population_sex", "population rows are by female or male")
    return sex


def _parse_age_group(value: object) -> str:
    label = parse_text(value)
    try:
        return AgeGroup.parse(label).label
    except CrimeDataError as error:
        raise CellError(error.code, error.message) from None


def read_population(
    path: str | Path,
    *,
    version: str,
    hierarchy: TerritoryHierarchy | None = None,
    file_format: FileFormat = FileFormat(),
    sex_codes: Mapping[str, Sex] | None = None,
) -> PopulationTable:
    """A population table labelled `version`; with `hierarchy`, territories must be defined in it."""
    table = read_table(path, file_format)
    columns = {name: table.column(name) for name in ("territory", "year", "sex", "age_group", "population")}
    problems: list[RowProblem] = []
    rows: list[PopulationRow] = []
    first_seen: dict[tuple, Location] = {}
    sex_table = sex_code_table(sex_codes)
    for row in table.rows:
        check = RowChecker(row.location)

        def cell(name: str) -> tuple[str, object]:
            return columns[name], row.values.get(columns[name])

        if hierarchy is None:
            territory = check(*cell("territory"), parse_text)
        else:
            territory = check(*cell("territory"), parse_territory, hierarchy)
        year = check(*cell("year"), _parse_year)
        sex = check(*cell("sex"), _parse_population_sex, sex_table)
        age_group = check(*cell("age_group"), _parse_age_group)
        population = check(*cell("population"), parse_count)
        key = (territory, year, sex, age_group)
        if not check.problems:
            if key in first_seen:
                check.add("duplicate_row", f"the same cell is already at {first_seen[key]}", None)
            else:
                first_seen[key] = row.location
        problems.extend(check.problems)
        if not check.problems:
            rows.append(PopulationRow(territory, year, sex, age_group, population))
    _refuse(table.file, problems, "population table")
    return PopulationTable(version, rows)
