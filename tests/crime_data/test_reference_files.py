import pytest
from tests.crime_data.crime_files import write_text, write_xlsx

from crime_data.errors import CrimeDataError
from crime_data.reference_files import read_population, read_territories
from crime_data.vocabulary import Sex

TERRITORIES = "code,name,level,parent_code\nCO,Colombia,country,\n05,Antioquia,region,CO\n05001,Medellín,municipality,05\n"


def test_territory_file_builds_the_hierarchy(tmp_path):
    hierarchy = read_territories(write_text(tmp_path, "t.csv", TERRITORIES))
    assert hierarchy.is_within("05001", "CO")


def test_territory_with_undefined_parent_is_reported_with_its_line(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_territories(write_text(tmp_path, "t.csv", TERRITORIES + "11001,Bogotá,municipality,11\n"))
    [problem] = caught.value.report.problems
    assert (problem.code, problem.location.line, problem.column) == ("unknown_parent_territory", 5, "parent_code")


def test_unknown_territory_level_is_reported(tmp_path):
    with pytest.raises(CrimeDataError) as caught:
        read_territories(write_text(tmp_path, "t.csv", "code,name,level\nCO,Colombia,nation\n"))
    assert caught.value.report.codes() == ["unknown_territory_level"]


def test_population_file_gives_a_versioned_table(tmp_path):
    path = write_xlsx(
        tmp_path, "pob.xlsx",
        [["territory", "year", "sex", "age_group", "population"], ["05001", 2023, "Mujer", "0-14", 100], ["05001", 2023, "Hombre", "0-14", 90]],
    )
    table = read_population(path, version="censo-2018-proy")
    assert table.version == "censo-2018-proy" and table.population("05001", 2023, sex=Sex.FEMALE) == 100


def test_population_row_of_an_undefined_territory_is_reported(tmp_path):
    hierarchy = read_territories(write_text(tmp_path, "t.csv", TERRITORIES))
    path = write_text(tmp_path, "p.csv", "territory,year,sex,age_group,population\n05002,2023,F,0-14,10\n")
    with pytest.raises(CrimeDataError) as caught:
        read_population(path, version="v1", hierarchy=hierarchy)
    assert caught.value.report.codes() == ["unknown_territory"]


def test_population_of_unknown_sex_is_reported(tmp_path):
    path = write_text(tmp_path, "p.csv", "territory,year,sex,age_group,population\n05001,2023,sin dato,0-14,10\n")
    with pytest.raises(CrimeDataError) as caught:
        read_population(path, version="v1")
    assert caught.value.report.codes() == ["bad_population_sex"]


def test_population_with_bad_age_group_is_reported(tmp_path):
    path = write_text(tmp_path, "p.csv", "territory,year,sex,age_group,population\n05001,2023,F,adults,10\n")
    with pytest.raises(CrimeDataError) as caught:
        read_population(path, version="v1")
    assert caught.value.report.codes() == ["bad_age_group"]


def test_repeated_population_cell_is_a_duplicate_row(tmp_path):
    body = "territory,year,sex,age_group,population\n05001,2023,F,0-14,10\n05001,2023,f,0-14,11\n"
    with pytest.raises(CrimeDataError) as caught:
        read_population(write_text(tmp_path, "p.csv", body), version="v1")
    [problem] = caught.value.report.problems
    assert (problem.code, problem.location.line) == ("duplicate_row", 3)
