import pytest

from survey_defs.diff import ChoiceListChange, ElementChange, diff_instruments

BASE = """
| survey |
|        | type          | name   | label  | relevant     |
|        | integer       | age    | Age    |              |
|        | begin_group   | crime  | Crime  |              |
|        | select_one yn | robbed | Robbed | ${age} >= 15 |
|        | end_group     |        |        |              |
|        | text          | notes  | Notes  |              |
| choices |
|         | list_name | name | label |
|         | yn        | y    | Yes   |
|         | yn        | n    | No    |
"""


@pytest.fixture
def base(load_form):
    return load_form(BASE)


def test_identical_versions_have_an_empty_diff(base, load_form):
    assert diff_instruments(base, load_form(BASE)).is_empty


def test_an_added_question(base, load_form):
    new = load_form(BASE.replace("|        | text          | notes", "|        | date | when | When | |\n|        | text          | notes"))
    assert diff_instruments(base, new).added == ("when",)


def test_a_removed_question(base, load_form):
    new = load_form(BASE.replace("|        | text          | notes  | Notes  |              |\n", ""))
    assert diff_instruments(base, new).removed == ("notes",)


def test_a_changed_question_names_the_changed_properties(base, load_form):
    new = load_form(BASE.replace("| Robbed | ${age} >= 15 |", "| Robbed? | ${age} >= 18 |"))
    assert diff_instruments(base, new).changed == (ElementChange(name="robbed", properties=("label", "relevant")),)


def test_a_question_moved_out_of_its_group_changed_parent(base, load_form):
    moved = BASE.replace("|        | select_one yn | robbed | Robbed | ${age} >= 15 |\n", "").replace(
        "|        | text          | notes", "|        | select_one yn | robbed | Robbed | ${age} >= 15 |\n|        | text          | notes"
    )
    assert diff_instruments(base, load_form(moved)).changed == (ElementChange(name="robbed", properties=("parent",)),)


def test_choices_added_removed_and_relabelled(base, load_form):
    new = load_form(BASE.replace("| yn        | n    | No    |", "| yn        | dk   | Don't know |").replace("| Yes   |", "| Sí |"))
    assert diff_instruments(base, new).choice_lists_changed == (
        ChoiceListChange(name="yn", added=("dk",), removed=("n",), changed=("y",)),
    )


def test_changed_settings_are_listed(base, load_form):
    settings = "| settings |\n| | form_id | title | version |\n| | test | Test | 2 |\n"
    assert diff_instruments(base, load_form(BASE + settings)).settings_changed == ("version",)
