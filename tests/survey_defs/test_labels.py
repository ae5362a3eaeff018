"""Labels of an analysis frame's columns from the instrument, in the language asked for."""

import pytest

from survey_defs import SurveyDefsError
from survey_defs.labels import ValueLabel, describe, language_key

FORM = """
| survey |
| | type | name | label::Español (es) | label::English (en) | sensitive | personal | calculation |
| | begin_group | health | Salud | Health | | |
| | select_one level | health_rating | Su salud | Your health | | |
| | select_multiple fears | fears | Temores | Fears | | |
| | text | comment | Comentario | Comment | | |
| | calculate | score | | | | | 1 + 1 |
| | text | name | Nombre | Name | | yes |
| | end_group | | | | | |
| | begin_group | acts | Actos | Acts | yes | |
| | select_one yn | slapped | Abofeteada | Slapped | | |
| | end_group | | | | | |
| choices |
| | list_name | name | label::Español (es) | label::English (en) |
| | level | 5 | Muy buena | Very good |
| | level | 1 | Muy mala | Very bad |
| | yn | yes | Sí | Yes |
| | yn | no | No | No |
| | fears | dark | La oscuridad | The dark |
| settings |
| | form_id | version | form_title | default_language |
| | test | 1 | Test | Español (es) |
"""


@pytest.fixture
def instrument(load_form):
    return load_form(FORM)


def test_languages_are_found_by_code_or_name(instrument):
    assert language_key(instrument, "en") == language_key(instrument, "English (en)") == "English (en)"
    with pytest.raises(SurveyDefsError) as caught:
        language_key(instrument, "fr")
    assert caught.value.code == "unknown_language"


def test_an_untranslated_form_answers_every_language_with_its_labels(load_form):
    untranslated = load_form("| survey |\n| | type | name | label |\n| | integer | age | Edad |\n")

    assert language_key(untranslated, "en") == "default"
    assert describe(untranslated, ["age"], language_key(untranslated, "en"))["age"].label == "Edad"


def test_questions_carry_labels_modules_and_classes(instrument):
    described = describe(instrument, ["health_rating", "comment", "name", "slapped", "score", "weight"], "English (en)")

    assert set(described) == {"health_rating", "comment", "name", "slapped", "score"}  # weight is not a question
    assert described["health_rating"].label == "Your health" and described["health_rating"].module == "health"
    assert described["score"].label == "score"  # a calculate has no label: its name stands in
    assert described["comment"].free_text and described["name"].personal
    assert described["slapped"].sensitive and described["slapped"].module == "acts"


def test_whole_number_choices_keep_their_numbers_and_others_are_numbered_in_order(instrument):
    described = describe(instrument, ["health_rating", "slapped"], "Español (es)")

    assert described["health_rating"].value_labels == (ValueLabel("5", 5, "Muy buena"), ValueLabel("1", 1, "Muy mala"))
    assert described["slapped"].value_labels == (ValueLabel("yes", 1, "Sí"), ValueLabel("no", 2, "No"))


def test_each_chosen_choice_column_is_labelled_from_its_question(instrument):
    described = describe(instrument, ["fears", "fears__dark", "fears__unknown", "comment__x"], "English (en)")

    assert described["fears__dark"].label == "Fears: The dark"
    assert described["fears__dark"].question == "fears" and described["fears__dark"].question_type == "select_multiple_choice"
    assert described["fears__unknown"].label == "Fears: unknown"
    assert "comment__x" not in described  # only select_multiple questions have choice columns
