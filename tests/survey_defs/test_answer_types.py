import pytest

from survey_defs.answers import compile_validator

FORM = """
| survey |
|        | type        | name     | label | relevant        | parameters          | calculation           |
|        | date        | when     | When  |                 |                     |                       |
|        | datetime    | at       | At    |                 |                     |                       |
|        | time        | clock    | Clock |                 |                     |                       |
|        | geopoint    | where    | Where |                 |                     |                       |
|        | range       | score    | Score |                 | start=0 end=10 step=2 |                     |
|        | acknowledge | ok       | OK?   |                 |                     |                       |
|        | note        | info     | Info  |                 |                     |                       |
|        | calculate   | pick     |       |                 |                     | floor(random() * 3)   |
|        | begin_group | adults   | Adults | ${score} > 4   |                     |                       |
|        | begin_repeat | members | Members |                |                     |                       |
|        | begin_repeat | jobs    | Jobs  |                 |                     |                       |
|        | text        | sector   | Sector |                |                     |                       |
|        | end_repeat  |          |       |                 |                     |                       |
|        | end_repeat  |          |       |                 |                     |                       |
|        | end_group   |          |       |                 |                     |                       |
"""


@pytest.fixture
def validate(load_form):
    validator = compile_validator(load_form(FORM))
    return lambda answers: [(error.path, error.code) for error in validator.validate({"pick": "1", **answers})]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("when", "2026-02-30"),
        ("when", "21/11/2026"),
        ("at", "2026-11-21 10:00"),
        ("clock", "25:00"),
        ("where", "91 10"),
        ("where", "north"),
        ("score", "4"),
        ("ok", True),
        ("info", "read it"),
    ],
)
def test_a_value_of_the_wrong_shape_is_wrong_type(validate, field, value):
    assert validate({field: value}) == [(field, "wrong_type")]


def test_values_of_the_right_shape_are_accepted(validate):
    answers = {
        "when": "2026-11-21",
        "at": "2026-11-21T10:00:00.000-05:00",
        "clock": "10:15:00",
        "where": "19.43 -99.13 2240 5",
        "score": 4,
        "ok": "OK",
    }
    assert validate(answers) == []


def test_a_range_value_off_the_step_is_out_of_range(validate):
    assert validate({"score": 3}) == [("score", "out_of_range")]


def test_a_calculation_using_random_must_be_sent(load_form):
    validator = compile_validator(load_form(FORM))
    assert [(error.path, error.code) for error in validator.validate({})] == [("pick", "calculation_missing")]


def test_paths_inside_nested_repeats(validate):
    answers = {"score": 6, "members": [{"jobs": []}, {"jobs": [{"sector": "retail"}, {"sector": 7}]}]}
    assert validate(answers) == [("members[1].jobs[1].sector", "wrong_type")]


def test_relevance_of_a_group_is_inherited_by_its_repeats(validate):
    assert validate({"score": 2, "members": [{"jobs": []}]}) == [("members", "not_relevant_but_answered")]


def test_meta_instance_id_is_accepted_and_other_meta_keys_are_unknown(validate):
    assert validate({"meta": {"instanceID": "uuid:1", "colour": "red"}}) == [("meta.colour", "unknown_field")]


def test_answers_that_are_not_an_object_are_wrong_type(load_form):
    validator = compile_validator(load_form(FORM))
    assert [error.code for error in validator.validate(["a"])] == ["wrong_type"]  # type: ignore[arg-type]


def test_a_group_sent_as_an_object_is_an_unknown_field_with_a_hint(load_form):
    validator = compile_validator(load_form(FORM))
    (error,) = validator.validate({"pick": "1", "adults": {"members": []}})
    assert (error.path, error.code) == ("adults", "unknown_field")
    assert "flattened" in error.message
