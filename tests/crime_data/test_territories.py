import pytest

from crime_data.errors import CrimeDataError
from crime_data.territories import Territory, TerritoryHierarchy, TerritoryLevel


def test_children_of_a_region_are_its_municipalities(hierarchy):
    assert [territory.code for territory in hierarchy.children("05")] == ["05001", "05088"]


def test_ancestors_run_from_region_to_country(hierarchy):
    assert [territory.code for territory in hierarchy.ancestors("05088")] == ["05", "CO"]


def test_municipality_is_within_its_country(hierarchy):
    assert hierarchy.is_within("11001", "CO")


def test_municipality_is_not_within_another_region(hierarchy):
    assert not hierarchy.is_within("11001", "05")


def test_a_territory_rolls_up_to_its_ancestor_of_a_level(hierarchy):
    assert hierarchy.at_level("05088", TerritoryLevel.REGION).code == "05"
    assert hierarchy.at_level("05088", TerritoryLevel.COUNTRY).code == "CO"
    assert hierarchy.at_level("05", TerritoryLevel.REGION).code == "05"


def test_a_territory_above_the_level_asked_is_refused(hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        hierarchy.at_level("05", TerritoryLevel.MUNICIPALITY)
    assert caught.value.code == "no_territory_at_level"


def test_unknown_territory_raises_with_stable_code(hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        hierarchy.get("99999")
    assert caught.value.code == "unknown_territory"


def test_parent_that_is_not_defined_is_refused():
    with pytest.raises(CrimeDataError) as caught:
        TerritoryHierarchy([Territory("05001", "Medellín", TerritoryLevel.MUNICIPALITY, "05")])
    assert caught.value.code == "unknown_parent_territory"


def test_municipality_directly_under_a_country_is_refused():
    with pytest.raises(CrimeDataError) as caught:
        TerritoryHierarchy(
            [
                Territory("CO", "Colombia", TerritoryLevel.COUNTRY),
                Territory("05001", "Medellín", TerritoryLevel.MUNICIPALITY, "CO"),
            ]
        )
    assert caught.value.code == "bad_parent_territory"


def test_region_without_parent_is_refused():
    with pytest.raises(CrimeDataError) as caught:
        TerritoryHierarchy([Territory("05", "Antioquia", TerritoryLevel.REGION)])
    assert caught.value.code == "missing_parent_territory"


def test_duplicate_territory_code_is_refused():
    country = Territory("CO", "Colombia", TerritoryLevel.COUNTRY)
    with pytest.raises(CrimeDataError) as caught:
        TerritoryHierarchy([country, country])
    assert caught.value.code == "duplicate_territory"


def test_iterating_gives_every_territory_parents_first(hierarchy):
    territories = list(hierarchy)
    assert {territory.code for territory in territories} == {"CO", "05", "11", "05001", "05088", "11001"}
    depths = [territory.level.depth for territory in territories]
    assert depths == sorted(depths)
