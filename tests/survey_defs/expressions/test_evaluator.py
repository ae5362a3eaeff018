"""Evaluation of operators with XPath 1.0 type conversion (as JavaRosa does it)."""

import math
from datetime import date, datetime, timezone

import pytest

from survey_defs.expressions import EvaluationContext, ExpressionError, parse


def evaluate(text: str, **answers: object) -> object:
    return parse(text).evaluate(EvaluationContext(answers=answers, today=date(2026, 11, 21)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 + 3", 10.0),
        ("7 - 10", -3.0),
        ("6 * 7", 42.0),
        ("7 div 2", 3.5),
        ("7 mod 3", 1.0),
        ("-7 mod 3", -1.0),  # the remainder takes the dividend's sign, as Java's %
        ("7 mod -3", 1.0),
        ("7.5 mod 2", 1.5),
        ("-(3)", -3.0),
        ("'4' + '5'", 9.0),  # numeric text converts
        (" ' 4 ' * 2", 8.0),  # surrounding blanks are ignored
        ("true() + true()", 2.0),
    ],
)
def test_arithmetic(text, expected):
    assert evaluate(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 div 0", math.inf),
        ("-1 div 0", -math.inf),
        ("1 div -0", -math.inf),
    ],
)
def test_division_by_zero_gives_infinity(text, expected):
    assert evaluate(text) == expected


@pytest.mark.parametrize("text", ["0 div 0", "5 mod 0", "'abc' + 1", "${empty} + 1", "(1 div 0) mod 2", "(1 div 0) * 0"])
def test_undefined_arithmetic_gives_nan(text):
    assert math.isnan(evaluate(text, empty=None))


def test_overflow_gives_infinity():
    assert evaluate("9" * 60 + " * " + "9" * 60 + " * " + "9" * 60 + " * " + "9" * 60 + " * " + "9" * 60 + " * " + "9" * 60) == math.inf


@pytest.mark.parametrize(
    "text",
    ["'1e3' + 0", "'0x10' + 0", "'1_000' + 0", "'inf' + 0", "'nan' + 0", "'+5' + 0", "'١٢' + 0"],
)
def test_text_outside_xpath_number_syntax_is_nan(text):
    assert math.isnan(evaluate(text))


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("${a} = 'yes'", {"a": "yes"}, True),
        ("${a} != 'yes'", {"a": "no"}, True),
        ("${a} = 5", {"a": 5}, True),
        ("${a} = 5", {"a": "5.0"}, True),  # a number on either side compares as numbers
        ("${a} = '5.0'", {"a": "5"}, False),  # two texts compare as text
        ("${a} = 5", {"a": 5.5}, False),
        ("${a} = ''", {"a": None}, True),
        ("${a} = 0", {"a": None}, False),  # an empty answer is NaN as a number, and NaN equals nothing
        ("${a} != 0", {"a": None}, True),
        ("${a} = true()", {"a": "no"}, True),  # booleans compare as booleans: non-empty text is true
        ("${a} = false()", {"a": ""}, True),
        ("${a} = 1", {"a": True}, True),
    ],
)
def test_equality_conversions(text, answers, expected):
    assert evaluate(text, **answers) is expected


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("${age} >= 18", {"age": 18}, True),
        ("${age} < 18", {"age": "17"}, True),
        ("${age} > 17", {"age": None}, False),  # NaN compares false both ways
        ("${age} <= 17", {"age": None}, False),
        ("'b' > 'a'", {}, False),  # relational operators compare numbers, never text
        ("${d} < '2026-01-01'", {"d": "2025-12-31"}, True),  # ISO dates compare as days
        ("${d} < today()", {"d": "2026-11-20"}, True),
        ("${d} >= today()", {"d": date(2026, 11, 21)}, True),
        ("${t} > '2026-11-21T10:00:00Z'", {"t": "2026-11-21T12:00:00+01:00"}, True),
        ("${t} < '2026-11-21T10:00:00Z'", {"t": datetime(2026, 11, 21, 9, tzinfo=timezone.utc)}, True),
        ("${d} = '2026-11-21'", {"d": date(2026, 11, 21)}, True),
        ("${d} < '2026-02-30'", {"d": "2026-01-01"}, False),  # an impossible date is NaN
        ("${end} > ${start}", {"start": "09:30", "end": "10:15:00.000"}, True),  # times compare as times of day
        ("${end} > ${start}", {"start": "09:30:00.000+02:00", "end": "08:15:00.000Z"}, True),
        ("${end} > ${start}", {"start": "09:30", "end": "25:00"}, False),
    ],
)
def test_relational_conversions(text, answers, expected):
    assert evaluate(text, **answers) is expected


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("${a} and ${b}", {"a": "x", "b": ""}, False),
        ("${a} or ${b}", {"a": "", "b": "x"}, True),
        ("${n} and true()", {"n": 0}, False),  # zero is false
        ("${n} and true()", {"n": 0.1}, True),
        ("(0 div 0) or false()", {}, False),  # NaN is false
        ("today() and true()", {}, True),  # a date is true
    ],
)
def test_boolean_conversions(text, answers, expected):
    assert evaluate(text, **answers) is expected


def test_and_short_circuits_before_an_error():
    # the right side would fail on a field repeated twice; false() and ... never evaluates it
    context = EvaluationContext(answers={"r": [{"x": 1}, {"x": 2}]}, parent_repeat={"x": "r"})
    assert parse("false() and ${x} = 1").evaluate(context) is False


def test_or_short_circuits_before_an_error():
    context = EvaluationContext(answers={"r": [{"x": 1}, {"x": 2}]}, parent_repeat={"x": "r"})
    assert parse("true() or ${x} = 1").evaluate(context) is True


def test_current_value_is_dot():
    context = EvaluationContext(current=42)
    assert parse(". >= 18 and . <= 120").evaluate(context) is True


def test_dot_without_current_value_is_empty():
    assert parse(". = ''").evaluate(EvaluationContext()) is True


def test_select_multiple_answer_is_space_separated():
    assert evaluate("${crimes}", crimes=["robbery", "assault"]) == "robbery assault"


def test_unsupported_answer_type_is_refused():
    with pytest.raises(ExpressionError) as raised:
        evaluate("${a} = 1", a={"nested": "dict"})
    assert raised.value.code == "type"


def test_evaluation_errors_name_the_expression_and_function_position():
    context = EvaluationContext(answers={"r": [{"x": "a"}, {"x": "b"}]}, parent_repeat={"x": "r"})
    with pytest.raises(ExpressionError) as raised:
        parse("1 + string-length(${x})").evaluate(context)
    assert (raised.value.code, raised.value.position, raised.value.expression) == ("type", 4, "1 + string-length(${x})")


def test_age_in_years_from_a_date_of_birth_answer():
    assert evaluate("int((today() - ${dob}) div 365.25)", dob="1990-11-22") == 35.0
