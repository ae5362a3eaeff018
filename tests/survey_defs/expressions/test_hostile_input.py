"""Hostile expressions and answers: refused with an ExpressionError, never executed, never hanging.

A guard alarm turns a hang into a failure; the tests assert behaviour, not speed.
"""

import math
import signal
from collections.abc import Iterator

import pytest

from survey_defs.expressions import MAX_DEPTH, MAX_LENGTH, EvaluationContext, ExpressionError, parse, to_number
from survey_defs.expressions.regexes import MAX_PATTERN_LENGTH


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    def fail(signum: int, frame: object) -> None:
        raise AssertionError("hostile input took more than 20 s: treat as a hang")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def code_of(text: str) -> str:
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    return raised.value.code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("__import__('os').system('touch /tmp/sinmiedo-pwned')", "syntax"),
        ("__import__('os')", "unknown_function"),  # '_' starts an XPath name: a call to an unknown function
        ("eval('1')", "unknown_function"),
        ("os.system('ls')", "unknown_function"),  # '.' is a name character in XPath: one unknown name
        ("lambda: 1", "syntax"),
        ("[x for x in ${a}]", "syntax"),
        ("1 if ${a} else 2", "syntax"),
        ("${a}.__class__", "syntax"),
        ("''.join(${a})", "syntax"),
        ("2 ** 100000", "syntax"),
        ("{'a': 1}", "syntax"),
        ("${a}; import os", "syntax"),
        ("f'{1}'", "syntax"),
    ],
)
def test_python_is_refused(text, code):
    assert code_of(text) == code


def test_refused_python_has_no_effect(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(ExpressionError):
        parse(f"__import__('os').system('touch {marker}')")
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "not(" * 5_000 + "true()" + ")" * 5_000,
        "1" * 100_000,
        "1 + " * 10_000 + "1",
    ],
)
def test_oversized_expressions_are_too_long(text):
    assert code_of(text) == "too_long"


def test_text_at_the_length_limit_is_accepted():
    text = "1" + " " * (MAX_LENGTH - 1)
    assert parse(text).evaluate(EvaluationContext()) == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "(" * 4_000 + "1" + ")" * 4_000,
        "not(" * 1_500 + "true()" + ")" * 1_500,
        "-" * 9_000 + "1",
        "concat(" * 1_000 + "'a'" + ")" * 1_000,
        "if(true(), " * 500 + "1" + ", 0)" * 500,
    ],
)
def test_deep_nesting_is_too_deep(text):
    assert code_of(text) == "too_deep"


def test_nesting_just_inside_the_limit_parses_and_evaluates():
    depth = MAX_DEPTH - 1
    text = "(" * depth + "1" + ")" * depth
    assert parse(text).evaluate(EvaluationContext()) == 1.0


def test_nesting_one_past_the_limit_is_too_deep():
    text = "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH
    assert code_of(text) == "too_deep"


def test_deepest_function_nesting_evaluates_without_recursion_error():
    depth = MAX_DEPTH - 1
    text = "not(" * depth + "true()" + ")" * depth
    assert parse(text).evaluate(EvaluationContext()) is False


def test_long_flat_chains_are_not_deep():
    text = " + ".join(["1"] * 2_000)
    assert parse(text).evaluate(EvaluationContext()) == 2_000.0


def test_long_or_chain_evaluates():
    text = " or ".join(["${a} = 'x'"] * 600)
    assert parse(text).evaluate(EvaluationContext(answers={"a": "x"})) is True


@pytest.mark.parametrize("text", ["1" * 65, "0." + "1" * 63, "1" * 5_000 + " + 1"])
def test_long_number_literals_are_refused(text):
    assert code_of(text) == "number_too_large"


@pytest.mark.parametrize("text", ["1e400", "1E5", "10**100000", "1_000", "0x1F"])
def test_exponent_and_python_number_forms_are_syntax_errors(text):
    assert code_of(text) == "syntax"


def test_largest_literal_evaluates_to_a_float():
    assert parse("9" * 64).evaluate(EvaluationContext()) == 1e64


def test_huge_numeric_answer_is_infinity_not_a_hang():
    assert to_number("9" * 1_000_000) == math.inf


def test_huge_arithmetic_overflows_to_infinity():
    text = " * ".join(["pow(10, 300)"] * 5)
    assert parse(text).evaluate(EvaluationContext()) == math.inf


def test_catastrophic_backtracking_pattern_returns():
    expression = parse("regex(${a}, '(a+)+$')")
    assert expression.evaluate(EvaluationContext(answers={"a": "a" * 200_000 + "!"})) is False


@pytest.mark.parametrize("pattern", ["(a|a)*b", "(a*)*b", "^(a|aa)+$", "^(([a-z])+.)+[A-Z]([a-z])+$"])
def test_other_exponential_patterns_return(pattern):
    expression = parse(f"regex(${{a}}, '{pattern}')")
    assert expression.evaluate(EvaluationContext(answers={"a": "a" * 100_000 + "!"})) is False


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?=a)a", "(?<!a)b"])
def test_backtracking_only_constructs_are_refused(pattern):
    assert code_of(f"regex(., '{pattern}')") == "regex_invalid"


def test_overlong_pattern_is_refused():
    assert code_of(f"regex(., '{'a' * (MAX_PATTERN_LENGTH + 1)}')") == "regex_invalid"


def test_pattern_needing_too_much_memory_is_refused():
    assert code_of("regex(., '((((a{100}){100}){100}){100})')") == "regex_invalid"
