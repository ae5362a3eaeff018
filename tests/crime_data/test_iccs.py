import pytest

from crime_data.errors import CrimeDataError
from crime_data.iccs import ICCS


def test_catalogue_has_the_eleven_level_one_sections_in_order():
    assert [section.code for section in ICCS.sections()] == [f"{n:02d}" for n in range(1, 12)]


def test_section_names_are_given_in_english_and_spanish():
    section = ICCS.get("05")
    assert section.name_en == "Acts against property only"
    assert section.name_es == "Actos contra la propiedad solamente"


def test_level_is_read_from_the_code_length():
    assert [ICCS.get(code).level for code in ("02", "0201", "02011", "020111")] == [1, 2, 3, 4]


def test_parent_of_a_level_four_code_is_its_level_three_code():
    assert ICCS.parent("050211").code == "05021"


def test_parent_of_a_level_one_section_is_none():
    assert ICCS.parent("01") is None


def test_children_of_assault_are_serious_and_minor_assault():
    assert [child.code for child in ICCS.children("02011")] == ["020111", "020112"]


def test_ancestors_run_from_parent_up_to_the_section():
    assert [category.code for category in ICCS.ancestors("020111")] == ["02011", "0201", "02"]


def test_serious_assault_is_within_section_02():
    assert ICCS.is_within("020111", "02")


def test_a_code_is_within_itself():
    assert ICCS.is_within("0101", "0101")


def test_attempted_homicide_is_not_within_intentional_homicide():
    assert not ICCS.is_within("0102", "0101")


def test_extortion_is_coercion_and_not_robbery():
    assert ICCS.is_within("02051", "0205")
    assert not ICCS.is_within("02051", "0401")


def test_rape_and_sexual_assault_are_sexual_violence():
    assert ICCS.is_within("03011", "0301") and ICCS.is_within("03012", "0301")


def test_unknown_code_raises_with_stable_code():
    with pytest.raises(CrimeDataError) as caught:
        ICCS.get("0199")
    assert caught.value.code == "unknown_iccs_code"


def test_is_within_an_unknown_ancestor_raises():
    with pytest.raises(CrimeDataError) as caught:
        ICCS.is_within("0101", "99")
    assert caught.value.code == "unknown_iccs_code"
