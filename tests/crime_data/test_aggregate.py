import pytest
from hypothesis import given
from hypothesis import strategies as st

from crime_data.aggregate import aggregate_counts
from crime_data.counts import RecordedCount
from crime_data.errors import CrimeDataError
from crime_data.periods import Period
from crime_data.territories import Territory, TerritoryHierarchy, TerritoryLevel
from crime_data.vocabulary import Sex, Source, Unit

HIERARCHY = TerritoryHierarchy(
    [
        Territory("CO", "Colombia", TerritoryLevel.COUNTRY),
        Territory("05", "Antioquia", TerritoryLevel.REGION, "CO"),
        Territory("11", "Bogotá", TerritoryLevel.REGION, "CO"),
        Territory("05001", "Medellín", TerritoryLevel.MUNICIPALITY, "05"),
        Territory("05088", "Bello", TerritoryLevel.MUNICIPALITY, "05"),
        Territory("11001", "Bogotá D.C.", TerritoryLevel.MUNICIPALITY, "11"),
    ]
)
MUNICIPALITIES = ["05001", "05088", "11001"]


def count(n, territory="05001", source=Source.POLICE, sex=Sex.FEMALE, age_group=None, unit=Unit.VICTIMS):
    return RecordedCount(Period(2023), territory, "0101", sex, n, source, unit, age_group=age_group)


def totals(counts, territory="CO", **options):
    found = aggregate_counts(counts, HIERARCHY, territory=territory, period=Period(2023), iccs_scope="01", **options)
    return {source: total.count for source, total in found.items()}


@given(
    st.lists(
        st.tuples(st.sampled_from(MUNICIPALITIES), st.sampled_from(list(Source)), st.integers(0, 10_000)),
        min_size=1,
        max_size=30,
    )
)
def test_country_total_per_source_is_the_sum_of_that_source_in_its_municipalities(figures):
    counts = [count(n, territory, source) for territory, source, n in figures]
    expected = {source: sum(n for _, s, n in figures if s == source) for _, source, _ in figures}
    assert totals(counts) == expected


def test_every_source_present_gets_a_total_even_when_zero():
    assert totals([count(3, "05001", Source.POLICE), count(4, "11001", Source.FORENSIC)], territory="05") == {
        Source.FORENSIC: 0,
        Source.POLICE: 3,
    }


def test_counts_by_sex_and_for_both_sexes_are_not_added_together():
    with pytest.raises(CrimeDataError) as caught:
        totals([count(3, sex=Sex.FEMALE), count(9, sex=None)])
    assert caught.value.code == "mixed_sex_breakdown"


def test_counts_by_age_group_and_for_all_ages_are_not_added_together():
    with pytest.raises(CrimeDataError) as caught:
        totals([count(3, age_group="15-64"), count(9)])
    assert caught.value.code == "mixed_age_breakdown"


def test_counts_of_different_units_are_refused():
    with pytest.raises(CrimeDataError) as caught:
        totals([count(3), count(9, unit=Unit.RECORDED_OFFENCES)])
    assert caught.value.code == "unit_mismatch"
