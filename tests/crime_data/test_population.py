import pytest

from crime_data.errors import CrimeDataError
from crime_data.population import AgeGroup, PopulationRow, PopulationTable
from crime_data.vocabulary import Sex


def test_municipal_total_sums_sexes_and_age_groups(population):
    assert population.population("05088", 2023) == 40 + 42 + 200 + 190 + 30 + 25


def test_women_of_one_age_group(population):
    assert population.population("05001", 2023, sex=Sex.FEMALE, age_group="15-64") == 700


def test_region_population_aggregates_its_municipalities(population, hierarchy):
    women = population.population("05", 2023, sex=Sex.FEMALE, hierarchy=hierarchy)
    assert women == (100 + 700 + 120) + (40 + 200 + 30)


def test_country_population_aggregates_two_levels_down(population, hierarchy):
    assert population.population("CO", 2023, hierarchy=hierarchy) == 1770 + 527 + 5210


def test_region_without_hierarchy_is_missing(population):
    with pytest.raises(CrimeDataError) as caught:
        population.population("05", 2023)
    assert caught.value.code == "population_missing"


def test_missing_year_names_territory_year_and_table_version(population):
    with pytest.raises(CrimeDataError) as caught:
        population.population("05001", 2024)
    assert caught.value.code == "population_missing"
    assert "'05001'" in caught.value.message and "2024" in caught.value.message
    assert "dane-2018-projections-rev1" in caught.value.message


def test_missing_cell_of_a_partly_filled_territory_is_reported():
    table = PopulationTable("v1", [PopulationRow("05001", 2023, Sex.FEMALE, "0-14", 10)])
    with pytest.raises(CrimeDataError) as caught:
        table.population("05001", 2023)
    assert caught.value.code == "population_missing" and "male" in caught.value.message


def test_covers_says_whether_a_year_is_available(population, hierarchy):
    assert population.covers("CO", 2023, hierarchy) and not population.covers("CO", 2022, hierarchy)


def test_unknown_age_group_is_refused(population):
    with pytest.raises(CrimeDataError) as caught:
        population.population("05001", 2023, age_group="15-29")
    assert caught.value.code == "unknown_age_group"


def test_age_is_placed_in_its_group(population):
    assert population.age_group_of(14).label == "0-14" and population.age_group_of(90).label == "65+"


def test_open_ended_age_group_parses():
    assert AgeGroup.parse("65+") == AgeGroup("65+", 65, None)


def test_overlapping_age_groups_are_refused():
    rows = [PopulationRow("X", 2023, Sex.FEMALE, label, 1) for label in ("0-20", "15-64")]
    with pytest.raises(CrimeDataError) as caught:
        PopulationTable("v1", rows)
    assert caught.value.code == "overlapping_age_groups"


def test_duplicate_cell_is_refused():
    row = PopulationRow("X", 2023, Sex.FEMALE, "0-14", 1)
    with pytest.raises(CrimeDataError) as caught:
        PopulationTable("v1", [row, row])
    assert caught.value.code == "duplicate_population_cell"


def test_negative_population_is_refused():
    with pytest.raises(CrimeDataError) as caught:
        PopulationTable("v1", [PopulationRow("X", 2023, Sex.FEMALE, "0-14", -5)])
    assert caught.value.code == "bad_population"


def test_rows_give_back_every_cell_of_the_table(population):
    rows = population.rows()
    assert len(rows) == 18
    assert PopulationTable(population.version, rows).population("05001", 2023) == population.population("05001", 2023)
    assert PopulationRow("05088", 2023, Sex.FEMALE, "65+", 30) in rows
