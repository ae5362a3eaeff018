"""Personal identifiers are marked in the form, so the service can keep them apart from answers."""

from survey_defs import load_instrument
from survey_defs.instruments import bundled_instrument_path


def test_personal_column_marks_a_question(load_form):
    instrument = load_form("| survey |\n| | type | name | label | personal |\n| | text | phone | Phone | yes |\n"
                           "| | integer | age | Age | |\n")
    questions = {located.element.name: located.element for located in instrument.questions()}
    assert questions["phone"].personal is True
    assert questions["age"].personal is False


def test_bundled_rosters_mark_names_and_the_household_code_as_personal():
    for name in ("perception", "victimization", "vawg"):
        instrument = load_instrument(bundled_instrument_path(name))
        personal = {located.element.name for located in instrument.questions() if located.element.personal}
        assert personal == {"household_code", "member_name", "selected_name"}, name
