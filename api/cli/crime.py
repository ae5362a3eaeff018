"""`sinmiedo crime import|rates`: police-recorded crime into the configured database, and rates out of it.

The same service functions as the HTTP API: a file with row problems imports nothing and exits 2
listing every problem as `file:line: code: message`, unless --skip-invalid is given.
"""

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlmodel import Session

from api.cli.common import BadInput, Failure, open_engine, session_scope
from api.crime import rates, service
from api.errors import AppError
from api.files import escape_cell
from crime_data import FemicideRule, FileFormat, MonthlyBasis, Source, Unit

T = TypeVar("T")
FileArg = click.Path(exists=True, dir_okay=False, path_type=Path)


def _choice(values: type) -> click.Choice:
    return click.Choice([str(value) for value in values])


@click.group()
def crime() -> None:
    """Import police-recorded crime and its reference data; compute rates per 100,000."""


def problem_lines(error: AppError) -> list[str]:
    """Each located problem as `file:line: code: message` (the column, when there is one, at the end)."""
    lines = []
    for problem in error.errors or []:
        file, line, column = (list(problem.get("loc", [])) + [None, None, None])[:3]
        where = f"{file}:{line}" if isinstance(line, int) else ":".join(str(part) for part in problem.get("loc", []))
        column_text = f" (column {column!r})" if isinstance(line, int) and column else ""
        lines.append(f"{where}: {problem.get('type')}: {problem.get('msg')}{column_text}")
    return lines


def _in_database(work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction: committed on success; on an error nothing is kept."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            try:
                result = work(session)
            except AppError as error:
                for line in problem_lines(error):
                    click.echo(line, err=True)
                failure = BadInput if error.status < 500 else Failure
                raise failure(f"{error.detail} [{error.code}]") from error
            session.commit()
            return result
    finally:
        engine.dispose()


@crime.command("import")
@click.argument("kind", type=_choice(service.ImportKind))
@click.argument("file", type=FileArg)
@click.option("--source", type=_choice(Source), default=str(Source.POLICE), show_default=True,
              help="Institution that recorded counts or incidents.")
@click.option("--unit", type=_choice(Unit), help="What the counts count (required for counts).")
@click.option("--layout", type=click.Choice(["long", "wide"]), default="long", show_default=True)
@click.option("--wide-by", help="Wide layout: the dimensions spread over columns, 'period' or 'offence,sex'.")
@click.option("--separator", default=":", show_default=True, help="Joins the parts of a wide column name.")
@click.option("--population-version",
              help="population: label of the new table; counts/incidents: table every row must be covered by.")
@click.option("--mapping-version",
              help="mapping: label of the new mapping; counts/incidents: mapping to use (default: the latest).")
@click.option("--description", default="", help="population: what the table is.")
@click.option("--produced-by", default="", help="population/mapping: who produced the figures or codes.")
@click.option("--sex-codes", help="The file's own sex codes, e.g. 'H=male,M=female'.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the skipped ones.")
@click.option("--sheet", help="Workbook sheet (default: the first).")
@click.option("--delimiter", default=",", show_default=True, help="CSV delimiter.")
@click.option("--encoding", default="utf-8-sig", show_default=True, help="CSV encoding.")
def import_file(
    kind: str,
    file: Path,
    source: str,
    unit: str | None,
    layout: str,
    wide_by: str | None,
    separator: str,
    population_version: str | None,
    mapping_version: str | None,
    description: str,
    produced_by: str,
    sex_codes: str | None,
    skip_invalid: bool,
    sheet: str | None,
    delimiter: str,
    encoding: str,
) -> None:
    """Import FILE (.csv or .xlsx) of KIND: territories, population, mapping, counts or incidents."""
    kind = service.ImportKind(kind)
    if skip_invalid and kind not in (service.ImportKind.counts, service.ImportKind.incidents):
        raise BadInput(f"--skip-invalid applies to counts and incidents; a {kind} file is imported whole or not at all")
    if kind is service.ImportKind.counts and unit is None:
        raise BadInput("counts need --unit (victims, incidents, recorded_offences or persons)")
    if kind is service.ImportKind.population and not population_version:
        raise BadInput("a population import needs --population-version LABEL for the new table")
    if kind is service.ImportKind.mapping and not mapping_version:
        raise BadInput("a mapping import needs --mapping-version LABEL for the new mapping")

    def work(session: Session) -> service.ImportResult:
        imported = service.ImportedFile.of(
            file.read_bytes(), file.name, FileFormat(sheet=sheet, delimiter=delimiter, encoding=encoding)
        )
        codes = service.parse_sex_codes(sex_codes)
        if kind is service.ImportKind.territories:
            return service.import_territories(session, None, imported)
        if kind is service.ImportKind.population:
            return service.import_population(
                session, None, imported, version=population_version, description=description, source=produced_by,
                sex_codes=codes,
            )
        if kind is service.ImportKind.mapping:
            return service.import_mapping(session, None, imported, version=mapping_version, source=produced_by)
        if kind is service.ImportKind.counts:
            options = service.CountOptions(
                source=Source(source), unit=Unit(unit), wide_by=service.wide_dimensions(layout, wide_by),
                separator=separator, mapping_version=mapping_version, population_version=population_version,
                sex_codes=codes, skip_invalid=skip_invalid,
            )
            return service.import_counts(session, None, imported, options)
        options = service.IncidentOptions(
            source=Source(source), mapping_version=mapping_version, population_version=population_version,
            sex_codes=codes, skip_invalid=skip_invalid,
        )
        return service.import_incidents(session, None, imported, options)

    result = _in_database(work)
    batch = result.batch
    if not result.created:
        click.echo(f"{file.name}: already imported as batch {batch.id} on {batch.created_at:%Y-%m-%d}; nothing changed")
        return
    for problem in batch.skipped:
        file_name, line, column = problem["loc"]
        column_text = f" (column {column!r})" if column else ""
        click.echo(f"{file_name}:{line}: skipped: {problem['type']}: {problem['msg']}{column_text}", err=True)
    click.echo(
        f"{file.name}: batch {batch.id}: {batch.rows_read} row(s) read, {batch.rows_imported} imported, "
        f"{batch.rows_skipped} skipped ({batch.figures_imported} {kind} figure(s) stored)"
    )


def _rate_unit(indicator: str, unit: str | None) -> Unit | None:
    if indicator == "homicide":
        return Unit.VICTIMS  # SDG 16.1.1 counts victims
    return None if unit is None else Unit(unit)


@crime.command("rates")
@click.option("--indicator", type=click.Choice(["crime", "homicide", "femicide"]), default="crime", show_default=True,
              help="crime: any ICCS scope; homicide: SDG 16.1.1 (victims of 0101); "
              "femicide: per 100,000 women, from victim records.")
@click.option("--iccs", help="ICCS code (with its descendants); required for --indicator crime.")
@click.option("--year", type=int, required=True)
@click.option("--territory", help="Territory code (default: the country).")
@click.option("--by", type=_choice(rates.Breakdown), help="Break the rate down by sex, age group or month.")
@click.option("--source", type=_choice(Source), default=str(Source.POLICE), show_default=True)
@click.option("--population-version", help="Population table version (default: the latest).")
@click.option("--basis", type=_choice(rates.RateBasis), default=str(rates.RateBasis.counts), show_default=True,
              help="counts: the stored count series; records: victim records tallied now.")
@click.option("--unit", type=_choice(Unit), help="Needed when the source's counts are of several units.")
@click.option("--monthly-basis", type=_choice(MonthlyBasis), help="Required with --by month.")
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def rates_command(
    indicator: str,
    iccs: str | None,
    year: int,
    territory: str | None,
    by: str | None,
    source: str,
    population_version: str | None,
    basis: str,
    unit: str | None,
    monthly_basis: str | None,
    output_format: str,
) -> None:
    """Rates per 100,000 with their count, population, source, unit and population table version."""
    if indicator == "crime" and not iccs:
        raise BadInput("--indicator crime needs --iccs CODE")
    if indicator == "femicide" and by:
        raise BadInput("the femicide rate is computed from victim records for a whole year; --by does not apply")

    def work(session: Session) -> rates.RateResult:
        if indicator == "femicide":
            return rates.femicide_rates(
                session, year=year, source=Source(source), territory=territory,
                population_version=population_version, rule=FemicideRule(),
            )
        query = rates.RateQuery(
            year=year, source=Source(source), iccs=iccs or "0101", territory=territory,
            by=None if by is None else rates.Breakdown(by), population_version=population_version,
            basis=rates.RateBasis(basis), unit=_rate_unit(indicator, unit),
            monthly_basis=None if monthly_basis is None else MonthlyBasis(monthly_basis),
        )
        return rates.crime_rates(session, query, sdg_16_1_1=indicator == "homicide")

    result = _in_database(work)
    rows = [rate.as_row() for rate in result.rates]
    if output_format == "json":
        click.echo(json.dumps({"indicator": result.indicator, "basis": str(result.basis), "rows": rows}, indent=2))
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["indicator", "basis", *rows[0]], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = {"indicator": result.indicator, "basis": str(result.basis), **row}
        writer.writerow({column: escape_cell(value) for column, value in cells.items()})
    click.echo(out.getvalue(), nl=False)
