"""Properties over generated input: the parser's only failure is ExpressionError, arithmetic is exact."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_defs.expressions import EvaluationContext, ExpressionError, parse

XPATH_PIECES = [
    "${a}", "${b}", ".", "..", "(", ")", ",", "'x'", '"y"', "1", "2.5", "-", "+", "*", "div", "mod",
    "=", "!=", "<", "<=", ">", ">=", "and", "or", "not(", "selected(", "if(", "count(", "position(",
    "concat(", "regex(", "today()", " ", "name", "$", "{", "}", "[", "]", "/", "@", "|", "jr:choice-name(",
]

CONTEXT = EvaluationContext(answers={"a": "x", "b": 3}, current="5")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parse_raises_only_expression_error_on_any_text(text):
    try:
        parse(text)
    except ExpressionError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(XPATH_PIECES), max_size=30).map("".join))
def test_parse_and_evaluate_raise_only_expression_error_on_token_soup(text):
    try:
        parse(text).evaluate(CONTEXT)
    except ExpressionError:
        pass


small_ints = st.integers(min_value=-1_000, max_value=1_000)


def _combine(pair: tuple[tuple[str, int], str, tuple[str, int]]) -> tuple[str, int]:
    (left_text, left), operator, (right_text, right) = pair
    value = {"+": left + right, "-": left - right, "*": left * right}[operator]
    return f"({left_text} {operator} {right_text})", value


arithmetic = st.recursive(
    small_ints.map(lambda number: (f"({number})" if number < 0 else str(number), number)),
    lambda inner: st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(_combine),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(arithmetic)
def test_integer_arithmetic_matches_python(case):
    text, expected = case
    assert parse(text).evaluate(EvaluationContext()) == float(expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["+", "-", "*"]), st.integers(0, 50)), max_size=8), st.integers(0, 50))
def test_unparenthesised_chains_follow_the_usual_precedence(rest, first):
    text = str(first) + "".join(f" {operator} {number}" for operator, number in rest)
    # sum of products: what Python's (and XPath's) precedence gives for + - *
    total, product, sign = 0, first, 1
    for operator, number in rest:
        if operator == "*":
            product *= number
        else:
            total += sign * product
            product, sign = number, (1 if operator == "+" else -1)
    total += sign * product
    assert parse(text).evaluate(EvaluationContext()) == float(total)


@settings(max_examples=300, deadline=None)
@given(small_ints, small_ints.filter(lambda number: number != 0))
def test_div_and_mod_match_ieee_division_and_truncated_remainder(left, right):
    context = EvaluationContext(answers={"x": left, "y": right})
    assert parse("${x} div ${y}").evaluate(context) == left / right
    assert parse("${x} mod ${y}").evaluate(context) == math.fmod(left, right)


@settings(max_examples=200, deadline=None)
@given(small_ints, small_ints)
def test_comparisons_match_python(left, right):
    context = EvaluationContext(answers={"x": left, "y": right})
    for operator, expected in [("<", left < right), ("<=", left <= right), (">", left > right),
                               (">=", left >= right), ("=", left == right), ("!=", left != right)]:
        assert parse(f"${{x}} {operator} ${{y}}").evaluate(context) is expected
