import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_defs.answers import AnswerError, compile_validator

FORM = """
| survey |
|        | type                   | name      | label::English (en) | label::Español (es) | relevant           | constraint | constraint_message::English (en) | constraint_message::Español (es) | required | repeat_count | calculation | choice_filter |
|        | integer                | age       | Age                 | Edad                |                    | . >= 15    | Too young                        | Muy joven                        | yes      |              |             |               |
|        | select_multiple crimes | crimes    | Crimes              | Delitos             |                    |            |                                  |                                  |          |              |             |               |
|        | integer                | n_inc     | How many?           | ¿Cuántos?           | count-selected(${crimes}) > 0 |  |                              |                                  | yes      |              |             |               |
|        | begin_repeat           | incidents | Incidents           | Incidentes          | ${n_inc} > 0       |            |                                  |                                  |          | ${n_inc}     |             |               |
|        | select_one crimes      | kind      | Kind                | Tipo                |                    |            |                                  |                                  | yes      |              |             |               |
|        | select_one yn          | reported_police | Reported?     | ¿Denunció?          |                    |            |                                  |                                  | yes      |              |             |               |
|        | select_one why         | why_not   | Why not?            | ¿Por qué no?        | ${reported_police} = 'n' |      |                                  |                                  | yes      |              |             | kind = ${kind} or kind = 'any' |
|        | end_repeat             |           |                     |                     |                    |            |                                  |                                  |          |              |             |               |
|        | calculate              | first_kind |                    |                     |                    |            |                                  |                                  |          |              | indexed-repeat(${kind}, ${incidents}, 1) | |
|        | text                   | robbed_first | Robbed first?    | ¿Robo primero?      | ${first_kind} = 'robbery' |     |                                  |                                  |          |              |             |               |
| choices |
|         | list_name | name     | label::English (en) | label::Español (es) | kind    |
|         | crimes    | robbery  | Robbery             | Robo                |         |
|         | crimes    | assault  | Assault             | Agresión            |         |
|         | yn        | y        | Yes                 | Sí                  |         |
|         | yn        | n        | No                  | No                  |         |
|         | why       | distrust | Distrust            | Desconfianza        | any     |
|         | why       | stolen_item_cheap | Too cheap  | Muy barato          | robbery |
"""


@pytest.fixture
def validator(load_form):
    return compile_validator(load_form(FORM))


def _valid():
    return {
        "age": 30,
        "crimes": ["robbery", "assault"],
        "n_inc": 2,
        "incidents": [
            {"kind": "robbery", "reported_police": "n", "why_not": "stolen_item_cheap"},
            {"kind": "assault", "reported_police": "y"},
        ],
        "robbed_first": "yes",
    }


def _codes(errors):
    return [(error.path, error.code) for error in errors]


def test_a_consistent_submission_has_no_errors(validator):
    assert validator.validate(_valid()) == []


def test_the_validator_is_compiled_once_per_content_hash(load_form):
    assert compile_validator(load_form(FORM)) is compile_validator(load_form(FORM))


def test_wrong_type_inside_a_repeat_has_the_instance_path(validator):
    answers = _valid()
    answers["incidents"][1]["reported_police"] = 1
    assert _codes(validator.validate(answers)) == [("incidents[1].reported_police", "wrong_type")]


def test_not_in_choices_inside_a_repeat(validator):
    answers = _valid()
    answers["incidents"][0]["kind"] = "burglary"
    assert ("incidents[0].kind", "not_in_choices") in _codes(validator.validate(answers))


def test_a_choice_hidden_by_the_choice_filter_is_not_in_choices(validator):
    answers = _valid()
    answers["incidents"][1].update(reported_police="n", why_not="stolen_item_cheap")
    assert _codes(validator.validate(answers)) == [("incidents[1].why_not", "not_in_choices")]


def test_required_missing_when_relevant(validator):
    answers = _valid()
    del answers["incidents"][0]["why_not"]
    assert _codes(validator.validate(answers)) == [("incidents[0].why_not", "required_missing")]


def test_required_is_not_checked_where_not_relevant(validator):
    answers = _valid()
    answers["crimes"] = []
    answers["n_inc"] = None
    answers["incidents"] = []
    answers.pop("robbed_first")
    assert validator.validate(answers) == []


def test_constraint_violated_uses_the_message_in_the_chosen_language(validator):
    answers = {**_valid(), "age": 12}
    assert validator.validate(answers, language="Español (es)") == [
        AnswerError("age", "constraint_violated", "Muy joven")
    ]


def test_an_answer_to_a_non_relevant_question_is_reported(validator):
    answers = _valid()
    answers["incidents"][1]["why_not"] = "distrust"
    assert _codes(validator.validate(answers)) == [("incidents[1].why_not", "not_relevant_but_answered")]


def test_instances_of_a_non_relevant_repeat_are_reported(validator):
    answers = {"age": 30, "crimes": [], "incidents": [{"kind": "robbery", "reported_police": "y"}]}
    assert _codes(validator.validate(answers)) == [("incidents", "not_relevant_but_answered")]


def test_repeat_count_mismatch(validator):
    answers = {**_valid(), "n_inc": 3}
    assert _codes(validator.validate(answers)) == [("incidents", "repeat_count_mismatch")]


def test_unknown_field_at_the_top_and_inside_a_repeat(validator):
    answers = _valid()
    answers["favourite_colour"] = "blue"
    answers["incidents"][0]["weapon"] = "knife"
    assert sorted(_codes(validator.validate(answers))) == [
        ("favourite_colour", "unknown_field"),
        ("incidents[0].weapon", "unknown_field"),
    ]


def test_a_calculation_is_computed_to_feed_later_relevance(validator):
    answers = _valid()
    answers["incidents"][0], answers["incidents"][1] = answers["incidents"][1], answers["incidents"][0]
    assert _codes(validator.validate(answers)) == [("robbed_first", "not_relevant_but_answered")]


def test_a_calculated_value_sent_by_the_client_must_be_what_the_form_computes(validator):
    assert _codes(validator.validate({**_valid(), "first_kind": "robbery"})) == []
    # A wrong value is refused, and it is what the rest of the form was checked with (as on the device).
    answers = {**_valid(), "first_kind": "assault"}
    assert _codes(validator.validate(answers)) == [
        ("first_kind", "calculation_mismatch"), ("robbed_first", "not_relevant_but_answered")]


def test_every_error_is_returned_in_form_order(validator):
    answers = _valid()
    answers["age"] = "thirty"
    answers["incidents"][1]["reported_police"] = "maybe"
    answers["robbed_first"] = 5
    assert _codes(validator.validate(answers)) == [
        ("age", "wrong_type"),
        ("incidents[1].reported_police", "not_in_choices"),
        ("robbed_first", "wrong_type"),
    ]


def test_validation_does_not_modify_the_answers(validator):
    answers = _valid()
    validator.validate(answers)
    assert "first_kind" not in answers


def test_an_integer_beyond_32_bits_is_wrong_type(validator):
    assert _codes(validator.validate({**_valid(), "age": 10**400})) == [("age", "wrong_type")]


def test_a_huge_integer_read_by_an_expression_is_reported_not_raised(validator):
    answers = {**_valid(), "first_kind": 10**400}
    assert ("robbed_first", "expression_failed") in _codes(validator.validate(answers))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)
FIELDS = st.sampled_from(["age", "crimes", "n_inc", "incidents", "first_kind", "robbed_first", "meta", "x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.dictionaries(FIELDS, JSON | st.lists(st.dictionaries(st.sampled_from(["kind", "why_not", "y"]), JSON))))
def test_any_json_answers_give_errors_never_an_exception(validator, answers):
    for error in validator.validate(answers):
        assert isinstance(error, AnswerError)


def test_check_returns_the_answers_completed_with_computed_calculations(validator):
    checked = validator.check(_valid())
    assert checked.errors == []
    assert checked.answers["first_kind"] == "robbery"
