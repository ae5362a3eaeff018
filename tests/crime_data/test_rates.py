from datetime import date
from fractions import Fraction

import pytest

from crime_data.counts import RecordedCount
from crime_data.errors import CrimeDataError, Location
from crime_data.femicide import FemicideRule
from crime_data.incidents import IncidentRecord, tally_incidents
from crime_data.periods import Period
from crime_data.population import PopulationRow, PopulationTable
from crime_data.rates import MonthlyBasis, crime_rate, femicide_rate, homicide_rate
from crime_data.territories import Territory, TerritoryHierarchy, TerritoryLevel
from crime_data.vocabulary import Relationship, Sex, Source, Unit


def count(n, territory="05001", iccs="0101", sex=Sex.FEMALE, period=Period(2023), source=Source.POLICE,
          unit=Unit.VICTIMS, age_group=None):
    return RecordedCount(period, territory, iccs, sex, n, source, unit, age_group=age_group)


def victim(sex=Sex.FEMALE, relationship=None, territory="05001", day=date(2023, 2, 10), age=30, iccs="0101",
           source=Source.POLICE):
    return IncidentRecord(Location("i.csv", 2), day, territory, "HOM", iccs, sex, age, relationship, frozenset(), source)


def test_published_example_7172_homicides_in_8385072_people_is_85_5():
    hierarchy = TerritoryHierarchy([Territory("X", "Country X", TerritoryLevel.COUNTRY)])
    population = PopulationTable(
        "un-wpp-2022",
        [PopulationRow("X", 2012, Sex.FEMALE, "0+", 4_200_000), PopulationRow("X", 2012, Sex.MALE, "0+", 4_185_072)],
    )
    rate = homicide_rate(
        [count(7172, territory="X", sex=None, period=Period(2012))], population, hierarchy,
        territory="X", period=Period(2012), source=Source.POLICE,
    )
    assert rate.exact == Fraction(7172 * 100_000, 8_385_072)
    assert round(rate.value, 1) == 85.5 and round(rate.value, 2) == 85.53


def test_rate_carries_count_population_source_and_population_version(population, hierarchy):
    rate = homicide_rate([count(9)], population, hierarchy, territory="05001", period=Period(2023), source=Source.POLICE)
    assert (rate.count, rate.population, rate.source, rate.population_version) == (9, 1770, "police", "dane-2018-projections-rev1")


def test_rate_for_women_divides_by_women_only(population, hierarchy):
    counts = [count(5, sex=Sex.FEMALE), count(40, sex=Sex.MALE)]
    rate = homicide_rate(counts, population, hierarchy, territory="05001", period=Period(2023), source=Source.POLICE, sex=Sex.FEMALE)
    assert rate.exact == Fraction(5 * 100_000, 100 + 700 + 120)


def test_total_rate_adds_both_sexes_and_unknown_sex(population, hierarchy):
    counts = [count(5, sex=Sex.FEMALE), count(40, sex=Sex.MALE), count(1, sex=Sex.UNKNOWN)]
    rate = homicide_rate(counts, population, hierarchy, territory="05001", period=Period(2023), source=Source.POLICE)
    assert (rate.count, rate.population) == (46, 1770)


def test_region_rate_sums_its_municipalities(population, hierarchy):
    counts = [count(5, territory="05001"), count(2, territory="05088"), count(50, territory="11001")]
    rate = homicide_rate(counts, population, hierarchy, territory="05", period=Period(2023), source=Source.POLICE)
    assert (rate.count, rate.population) == (7, 1770 + 527)


def test_iccs_scope_includes_descendant_codes(population, hierarchy):
    counts = [count(3, iccs="020111"), count(4, iccs="02012"), count(100, iccs="0101")]
    rate = crime_rate(counts, population, hierarchy, territory="05001", period=Period(2023), iccs_scope="0201", source=Source.POLICE)
    assert rate.count == 7


def test_sources_are_never_added_together(population, hierarchy):
    counts = [count(9, source=Source.POLICE), count(11, source=Source.FORENSIC)]
    rate = homicide_rate(counts, population, hierarchy, territory="05001", period=Period(2023), source=Source.FORENSIC)
    assert (rate.count, rate.source) == (11, "forensic")


def test_source_absent_from_the_counts_is_refused(population, hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        homicide_rate([count(9)], population, hierarchy, territory="05001", period=Period(2023), source=Source.PROSECUTION)
    assert caught.value.code == "no_counts_for_source"


def test_age_group_rate_uses_tallied_victims_and_the_group_population(population, hierarchy):
    records = [victim(age=20), victim(age=70), victim(age=40, sex=Sex.MALE)]
    counts = tally_incidents(records, age_groups_of=population)
    rate = homicide_rate(
        counts, population, hierarchy, territory="05001", period=Period(2023), source=Source.POLICE, age_group="15-64"
    )
    assert rate.exact == Fraction(2 * 100_000, 700 + 650)


def test_monthly_rate_must_say_its_basis(population, hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        homicide_rate([count(3, period=Period(2023, 2))], population, hierarchy, territory="05001",
                      period=Period(2023, 2), source=Source.POLICE)
    assert caught.value.code == "monthly_basis_required"


def test_monthly_rate_per_month_is_not_annualised(population, hierarchy):
    rate = homicide_rate([count(3, period=Period(2023, 2))], population, hierarchy, territory="05001",
                         period=Period(2023, 2), source=Source.POLICE, monthly_basis=MonthlyBasis.PER_MONTH)
    assert rate.exact == Fraction(3 * 100_000, 1770)


def test_annualised_february_rate_scales_by_days(population, hierarchy):
    rate = homicide_rate([count(3, period=Period(2023, 2))], population, hierarchy, territory="05001",
                         period=Period(2023, 2), source=Source.POLICE, monthly_basis=MonthlyBasis.ANNUALISED)
    assert rate.exact == Fraction(3 * 100_000, 1770) * Fraction(365, 28)


def test_annual_rate_sums_the_months_of_the_year(population, hierarchy):
    counts = [count(3, period=Period(2023, 1)), count(4, period=Period(2023, 2)), count(50, period=Period(2022, 2))]
    rate = homicide_rate(counts, population, hierarchy, territory="05001", period=Period(2023), source=Source.POLICE)
    assert rate.count == 7


def test_annual_and_monthly_counts_are_not_added_together(population, hierarchy):
    counts = [count(3, period=Period(2023, 1)), count(40, period=Period(2023))]
    with pytest.raises(CrimeDataError) as caught:
        homicide_rate(counts, population, hierarchy, territory="05001", period=Period(2023), source=Source.POLICE)
    assert caught.value.code == "mixed_periods"


def test_sex_rate_from_counts_without_sex_breakdown_is_refused(population, hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        homicide_rate([count(3, sex=None)], population, hierarchy, territory="05001", period=Period(2023),
                      source=Source.POLICE, sex=Sex.MALE)
    assert caught.value.code == "no_sex_breakdown"


def test_homicide_rate_refuses_counts_of_recorded_offences(population, hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        homicide_rate([count(3, unit=Unit.RECORDED_OFFENCES)], population, hierarchy, territory="05001",
                      period=Period(2023), source=Source.POLICE)
    assert caught.value.code == "unit_mismatch"


def test_missing_population_year_is_reported(population, hierarchy):
    with pytest.raises(CrimeDataError) as caught:
        homicide_rate([count(3, period=Period(2024))], population, hierarchy, territory="05001",
                      period=Period(2024), source=Source.POLICE)
    assert caught.value.code == "population_missing"


def test_femicide_rate_is_per_100000_women(population, hierarchy):
    records = [
        victim(relationship=Relationship.INTIMATE_PARTNER),
        victim(relationship=Relationship.FAMILY_MEMBER, territory="05088"),
        victim(relationship=Relationship.STRANGER),  # no gender-related context: not a femicide
        victim(sex=Sex.MALE, relationship=Relationship.INTIMATE_PARTNER),
    ]
    rate = femicide_rate(records, population, hierarchy, territory="05", period=Period(2023), source=Source.POLICE)
    assert rate.exact == Fraction(2 * 100_000, (100 + 700 + 120) + (40 + 200 + 30))
    assert (rate.sex, rate.population_version) == (Sex.FEMALE, "dane-2018-projections-rev1")


def test_femicide_rate_with_no_femicide_among_the_records_is_zero(population, hierarchy):
    rate = femicide_rate([victim(sex=Sex.MALE)], population, hierarchy, territory="05001", period=Period(2023),
                         source=Source.POLICE)
    assert rate.count == 0


def test_tally_counts_victims_by_month_when_asked():
    counts = tally_incidents([victim(day=date(2023, 2, 1)), victim(day=date(2023, 2, 20)), victim(day=date(2023, 3, 1))], by_month=True)
    assert [(str(c.period), c.count, c.unit) for c in counts] == [("2023-02", 2, "victims"), ("2023-03", 1, "victims")]


def test_femicide_rate_carries_its_counting_rule(population, hierarchy):
    rule = FemicideRule(include_family_member=False)
    rate = femicide_rate([victim()], population, hierarchy, territory="05001", period=Period(2023),
                         source=Source.POLICE, rule=rule)
    assert rate.counting_rule == rule.describe()


def test_rate_row_carries_every_qualifier_as_plain_values(population, hierarchy):
    rate = homicide_rate([count(3, period=Period(2023, 2))], population, hierarchy, territory="05001",
                         period=Period(2023, 2), source=Source.POLICE, monthly_basis=MonthlyBasis.PER_MONTH)
    assert rate.as_row() == {
        "territory": "05001", "period": "2023-02", "iccs_scope": "0101", "sex": "total", "age_group": "all",
        "count": 3, "population": 1770, "rate": 300_000 / 1770, "per": 100_000, "source": "police",
        "unit": "victims", "population_version": "dane-2018-projections-rev1", "monthly_basis": "per_month",
        "counting_rule": None,
    }
