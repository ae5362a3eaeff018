"""Resolving ${name} against a submission's answers, inside and outside repeats (ODK semantics)."""

import pytest

from survey_defs.expressions import EvaluationContext, ExpressionError, NodeSet, parse

ANSWERS = {
    "hh_size": 3,
    "members": [
        {"name": "Ana", "age": 34, "jobs": [{"sector": "retail", "hours": 20}, {"sector": "care", "hours": 10}]},
        {"name": "Luis", "age": 9, "jobs": []},
        {"name": "Eva", "age": 71, "jobs": [{"sector": "farm", "hours": 5}]},
    ],
    "incidents": [{"month": 3}, {"month": 11}],
}
PARENT_REPEAT = {"name": "members", "age": "members", "jobs": "members", "sector": "jobs", "hours": "jobs", "month": "incidents"}


def evaluate(text: str, repeat_path=(), choice=None) -> object:
    context = EvaluationContext(answers=ANSWERS, parent_repeat=PARENT_REPEAT, repeat_path=repeat_path, choice=choice)
    return parse(text).evaluate(context)


def test_field_outside_repeats_is_its_value():
    assert evaluate("${hh_size}") == 3.0


def test_field_outside_repeats_is_the_same_from_inside_a_repeat():
    assert evaluate("${hh_size}", repeat_path=(("members", 2),)) == 3.0


def test_sibling_in_the_same_repeat_is_the_current_instance():
    assert evaluate("${name}", repeat_path=(("members", 2),)) == "Luis"


def test_field_of_an_enclosing_repeat_is_the_current_outer_instance():
    assert evaluate("${name}", repeat_path=(("members", 1), ("jobs", 2))) == "Ana"


def test_field_in_a_nested_repeat_from_its_parent_repeat_is_that_instance_s_node_set():
    assert evaluate("${sector}", repeat_path=(("members", 1),)) == NodeSet(("retail", "care"))


def test_repeated_field_from_outside_is_the_node_set_of_all_instances():
    assert evaluate("${age}") == NodeSet((34.0, 9.0, 71.0))


def test_nested_repeated_field_from_outside_spans_every_outer_instance():
    assert evaluate("${sector}") == NodeSet(("retail", "care", "farm"))


def test_field_of_another_repeat_is_the_node_set_of_all_its_instances():
    assert evaluate("${month}", repeat_path=(("members", 1),)) == NodeSet((3.0, 11.0))


def test_instance_beyond_the_answers_is_empty():
    assert evaluate("${name}", repeat_path=(("members", 9),)) == NodeSet(())


@pytest.mark.parametrize(
    ("text", "repeat_path", "expected"),
    [
        ("count(${members})", (), 3.0),
        ("count(${members})", (("members", 2),), 3.0),
        ("count(${jobs})", (("members", 1),), 2.0),
        ("count(${jobs})", (("members", 2),), 0.0),
        ("count(${jobs})", (), 3.0),
        ("sum(${hours})", (("members", 1),), 30.0),
        ("sum(${hours})", (), 35.0),
        ("max(${age})", (), 71.0),
        ("count(${age}) = ${hh_size}", (), True),
        ("join('-', ${name})", (), "Ana-Luis-Eva"),
        ("concat(${name})", (), "AnaLuisEva"),
        ("count-non-empty(${jobs})", (), 0.0),  # repeat instances have no value of their own
    ],
)
def test_node_set_functions(text, repeat_path, expected):
    assert evaluate(text, repeat_path=repeat_path) == expected


def test_count_of_a_repeat_without_instances_is_zero():
    context = EvaluationContext(answers={"members": []}, parent_repeat={"age": "members"})
    assert parse("count(${members})").evaluate(context) == 0.0


@pytest.mark.parametrize(("repeat_path", "expected"), [((("members", 3),), 3.0), ((("members", 1), ("jobs", 2)), 2.0)])
def test_position_is_the_index_of_the_innermost_instance(repeat_path, expected):
    assert evaluate("position(..)", repeat_path=repeat_path) == expected


def test_position_outside_a_repeat_is_refused():
    with pytest.raises(ExpressionError) as raised:
        evaluate("position(..)")
    assert raised.value.code == "bad_argument"


@pytest.mark.parametrize(
    ("text", "repeat_path", "expected"),
    [
        ("indexed-repeat(${name}, ${members}, 3)", (), "Eva"),
        ("indexed-repeat(${name}, ${members}, 1)", (("members", 3),), "Ana"),
        ("indexed-repeat(${sector}, ${members}, 1, ${jobs}, 2)", (), "care"),
        ("indexed-repeat(${sector}, ${members}, 3)", (), NodeSet(("farm",))),
        ("indexed-repeat(${name}, ${members}, position(..) - 1)", (("members", 2),), "Ana"),
        ("indexed-repeat(${name}, ${members}, 0)", (), ""),
        ("indexed-repeat(${name}, ${members}, 4)", (), NodeSet(())),
        ("indexed-repeat(${name}, ${members}, 'x')", (), ""),
    ],
)
def test_indexed_repeat(text, repeat_path, expected):
    assert evaluate(text, repeat_path=repeat_path) == expected


def test_indexed_repeat_with_the_wrong_repeat_is_refused():
    with pytest.raises(ExpressionError) as raised:
        evaluate("indexed-repeat(${sector}, ${incidents}, 1)")
    assert raised.value.code == "bad_argument"


def test_repeated_field_used_as_one_value_is_refused():
    with pytest.raises(ExpressionError) as raised:
        evaluate("${age} > 18")
    assert raised.value.code == "type"
    assert "count(), sum(), indexed-repeat()" in raised.value.message


def test_repeat_count_from_an_earlier_answer():
    assert evaluate("${hh_size} - 1") == 2.0


def test_repeat_values_lists_every_instance():
    context = EvaluationContext(answers=ANSWERS, parent_repeat=PARENT_REPEAT, repeat_path=(("members", 2),))
    assert context.repeat_values("hours") == [20.0, 10.0, 5.0]


def test_at_moves_to_another_field_keeping_answers():
    context = EvaluationContext(answers=ANSWERS, parent_repeat=PARENT_REPEAT).at((("members", 3),), current=71)
    assert parse(". = ${age} and position(..) = 3").evaluate(context) is True


def test_choice_filter_names_resolve_to_the_choice_columns():
    choice = {"name": "bogota", "region": "andina"}
    assert evaluate("region = 'andina' and name != ${name}", repeat_path=(("members", 1),), choice=choice) is True


def test_choice_filter_missing_column_is_empty():
    assert evaluate("zone = ''", choice={"name": "x"}) is True


def test_bare_name_outside_a_choice_filter_is_refused():
    with pytest.raises(ExpressionError) as raised:
        evaluate("region = 'andina'")
    assert raised.value.code == "unsupported"


def test_cyclic_repeat_nesting_is_refused():
    context = EvaluationContext(parent_repeat={"a": "r", "r": "s", "s": "r"})
    with pytest.raises(ExpressionError) as raised:
        parse("${a}").evaluate(context)
    assert raised.value.code == "bad_argument"


def test_today_defaults_to_the_date_of_now():
    context = EvaluationContext()
    assert parse("today()").evaluate(context) == context.now.date()


def test_indexed_repeat_keeps_the_current_instance_of_deeper_repeats():
    assert evaluate("indexed-repeat(${sector}, ${members}, 1)", repeat_path=(("members", 3), ("jobs", 2))) == "care"
