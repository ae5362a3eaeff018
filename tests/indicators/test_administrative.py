"""SDG 16.1.1 and the femicide rate through the catalogue (arithmetic: crime_data)."""

from datetime import date
from fractions import Fraction

import pytest

from crime_data import (
    FemicideRule,
    IncidentRecord,
    Location,
    Period,
    PopulationRow,
    PopulationTable,
    RecordedCount,
    Relationship,
    Sex,
    Source,
    Territory,
    TerritoryHierarchy,
    TerritoryLevel,
    Unit,
)
from indicators import IndicatorError, compute_rate

HIERARCHY = TerritoryHierarchy([Territory("X", "Country X", TerritoryLevel.COUNTRY)])
POPULATION = PopulationTable(
    "un-wpp-2022",
    [PopulationRow("X", 2012, Sex.FEMALE, "0+", 4_200_000), PopulationRow("X", 2012, Sex.MALE, "0+", 4_185_072)],
)


def homicides(count: int, unit: Unit = Unit.VICTIMS) -> list[RecordedCount]:
    return [RecordedCount(Period(2012), "X", "0101", None, count, Source.POLICE, unit)]


def killed(relationship: Relationship, sex: Sex = Sex.FEMALE) -> IncidentRecord:
    return IncidentRecord(Location("v.csv", 2), date(2012, 5, 1), "X", "HOM", "0101", sex, 30, relationship,
                          frozenset(), Source.POLICE)


def test_published_example_7172_homicides_in_8385072_people_is_85_5_per_100000():
    figure = compute_rate("sdg_16_1_1", homicides(7172), POPULATION, HIERARCHY, territory="X", period=Period(2012),
                          source=Source.POLICE)
    assert figure.rate.exact == Fraction(7172 * 100_000, 8_385_072)
    assert round(figure.rate.value, 1) == 85.5
    row = figure.as_row()
    assert (row["indicator"], row["counting_rule"], row["source"], row["population_version"]) == (
        "sdg_16_1_1", "recorded_victims", "police", "un-wpp-2022")
    assert figure.metadata()["sdg_series"] == "VC_IHR_PSRC"


def test_femicide_rate_counts_women_killed_under_the_rule_over_women():
    records = [killed(Relationship.INTIMATE_PARTNER), killed(Relationship.FAMILY_MEMBER), killed(Relationship.STRANGER),
               killed(Relationship.INTIMATE_PARTNER, Sex.MALE)]
    figure = compute_rate("femicide_rate", records, POPULATION, HIERARCHY, territory="X", period=Period(2012),
                          source=Source.POLICE, femicide_rule=FemicideRule(include_family_member=False))
    assert figure.rate.exact == Fraction(1 * 100_000, 4_200_000)
    assert "intimate partner" in figure.metadata()["counting_rule_settings"]["definition"]


def test_homicide_counts_of_recorded_offences_are_refused_as_a_unit_mismatch():
    with pytest.raises(IndicatorError) as error:
        compute_rate("sdg_16_1_1", homicides(10, Unit.RECORDED_OFFENCES), POPULATION, HIERARCHY, territory="X",
                     period=Period(2012), source=Source.POLICE)
    assert (error.value.code, error.value.indicator) == ("unit_mismatch", "sdg_16_1_1")


def test_femicide_rate_needs_victim_records_not_counts():
    with pytest.raises(IndicatorError) as error:
        compute_rate("femicide_rate", homicides(3), POPULATION, HIERARCHY, territory="X", period=Period(2012),
                     source=Source.POLICE)
    assert (error.value.code, error.value.expected) == ("wrong_record_type", "IncidentRecord")


def test_survey_indicator_is_not_a_rate_of_records():
    with pytest.raises(IndicatorError) as error:
        compute_rate("sdg_16_1_4", homicides(3), POPULATION, HIERARCHY, territory="X", period=Period(2012),
                     source=Source.POLICE)
    assert error.value.code == "survey_indicator"
