"""Every function, with its edge cases (empty answers, NaN, out-of-range indexes, node-sets)."""

import math
from datetime import UTC, date, datetime

import pytest

from survey_defs.expressions import FUNCTIONS, EvaluationContext, ExpressionError, parse

NOW = datetime(2026, 11, 21, 10, 30, 15, 250_000, tzinfo=UTC)


def evaluate(text: str, **answers: object) -> object:
    return parse(text).evaluate(EvaluationContext(answers=answers, now=NOW))


CASES = [
    # logic
    ("true()", {}, True),
    ("false()", {}, False),
    ("not(${a})", {"a": ""}, True),
    ("not(${a})", {"a": "x"}, False),
    ("boolean(${n})", {"n": 0}, False),
    ("boolean('0')", {}, True),  # non-empty text is true, even '0'
    ("boolean-from-string('true')", {}, True),
    ("boolean-from-string('1')", {}, True),
    ("boolean-from-string('TRUE')", {}, True),
    ("boolean-from-string('yes')", {}, False),
    ("if(${a} > 1, 'big', 'small')", {"a": 5}, "big"),
    ("if(${a} > 1, 'big', 'small')", {"a": None}, "small"),
    ("coalesce(${a}, ${b})", {"a": "", "b": "fallback"}, "fallback"),
    ("coalesce(${a}, ${b})", {"a": "first", "b": "fallback"}, "first"),
    ("coalesce(${a}, 7)", {"a": None}, 7.0),
    ("once(${a})", {"a": "kept"}, "kept"),
    # numbers
    ("number('12.5')", {}, 12.5),
    ("number(true())", {}, 1.0),
    ("int(7.9)", {}, 7.0),
    ("int(-7.9)", {}, -7.0),  # truncates towards zero
    ("int('12abc')", {}, math.nan),
    ("round(2.5)", {}, 3.0),
    ("round(-2.5)", {}, -2.0),  # XPath 1.0: halves towards positive infinity
    ("round(1.005, 2)", {}, 1.01),  # two arguments: halves away from zero on the written decimal
    ("round(-1.25, 1)", {}, -1.3),
    ("round(1234, -2)", {}, 1200.0),
    ("round(1.5, 400)", {}, 1.5),
    ("floor(-1.5)", {}, -2.0),
    ("ceiling(1.1)", {}, 2.0),
    ("abs(-3)", {}, 3.0),
    ("pow(2, 10)", {}, 1024.0),
    ("pow(10, 400)", {}, math.inf),  # overflow is Infinity, not an exception
    ("pow(-10, 401)", {}, -math.inf),
    ("pow(-8, 0.5)", {}, math.nan),
    ("pow(0, -1)", {}, math.inf),
    # text
    ("string(12)", {}, "12"),
    ("string(0.1 + 0.2)", {}, "0.30000000000000004"),
    ("string(0.0000001)", {}, "0.0000001"),  # never exponent notation
    ("string(1 div 0)", {}, "Infinity"),
    ("string(-1 div 0)", {}, "-Infinity"),
    ("string(0 div 0)", {}, "NaN"),
    ("string(-0)", {}, "0"),
    ("string(true())", {}, "true"),
    ("string(${d})", {"d": date(2026, 1, 2)}, "2026-01-02"),
    ("concat('a', 1, true(), ${x})", {"x": None}, "a1true"),
    ("concat()", {}, ""),
    ("string-length('añadir')", {}, 6.0),
    ("string-length(${x})", {"x": None}, 0.0),
    ("contains('robbery', 'bber')", {}, True),
    ("contains('robbery', '')", {}, True),
    ("starts-with('robbery', 'rob')", {}, True),
    ("ends-with('robbery', 'ery')", {}, True),
    ("substr('abcdef', 2)", {}, "cdef"),  # ODK substr: 0-based start
    ("substr('abcdef', 1, 3)", {}, "bc"),  # exclusive end
    ("substr('abcdef', -2)", {}, "ef"),  # negative counts from the end
    ("substr('abcdef', 4, 99)", {}, "ef"),
    ("substr('abcdef', 4, 2)", {}, ""),
    ("substr('abcdef', 0 div 0)", {}, ""),
    ("substring-before('2026-11', '-')", {}, "2026"),
    ("substring-before('2026', '-')", {}, ""),
    ("substring-after('2026-11', '-')", {}, "11"),
    ("normalize-space('  a   b \t c ')", {}, "a b c"),
    ("translate('abcabc', 'ab', 'A')", {}, "AcAc"),
    ("regex('ABC-123', '[0-9]{3}')", {}, True),  # a match anywhere counts, as in ODK Collect
    ("regex('ABC-123', '^[0-9]{3}$')", {}, False),
    ("regex(${phone}, '^[0-9]{8}$')", {"phone": "55512345"}, True),
    ("regex(${phone}, '^[0-9]{8}$')", {"phone": None}, False),
    # selects
    ("selected(${c}, 'robbery')", {"c": "assault robbery"}, True),
    ("selected(${c}, 'rob')", {"c": "assault robbery"}, False),
    ("selected(${c}, ' robbery ')", {"c": ["robbery"]}, True),
    ("selected(${c}, 'robbery')", {"c": None}, False),
    ("count-selected(${c})", {"c": ["a", "b", "c"]}, 3.0),
    ("count-selected(${c})", {"c": None}, 0.0),
    ("selected-at(${c}, 1)", {"c": "a b c"}, "b"),  # 0-based
    ("selected-at(${c}, 3)", {"c": "a b c"}, ""),
    ("selected-at(${c}, -1)", {"c": "a b c"}, ""),
    # node-sets given as a single value
    ("count(${a})", {"a": "x"}, 1.0),
    ("sum(${a})", {"a": 4}, 4.0),
    ("max(1, 5, 3)", {}, 5.0),
    ("min(1, 5, 3)", {}, 1.0),
    ("max(1, 'x')", {}, math.nan),
    ("join(', ', ${a})", {"a": "only"}, "only"),
    # dates
    ("today()", {}, date(2026, 11, 21)),
    ("now()", {}, NOW),
    ("date('2026-03-01')", {}, date(2026, 3, 1)),
    ("date(0)", {}, date(1970, 1, 1)),
    ("date(20513)", {}, date(2026, 3, 1)),
    ("date(${d})", {"d": None}, ""),
    ("date('2026-03-01') - date('2026-02-01')", {}, 28.0),
    ("date(date('2026-03-01') + 1)", {}, date(2026, 3, 2)),
    ("date-time('2026-03-01T07:05:00Z')", {}, datetime(2026, 3, 1, 7, 5, tzinfo=UTC)),
    ("decimal-date-time('1970-01-02T12:00:00Z')", {}, 1.5),
    ("decimal-date-time('1970-01-02T12:00:00.000+12:00')", {}, 1.0),
    ("decimal-date-time(${d})", {"d": None}, math.nan),
    ("format-date('2026-03-01', '%Y/%m/%d')", {}, "2026/03/01"),
    ("format-date('2026-03-01', '%y %n %e %b %a')", {}, "26 3 1 Mar Sun"),
    ("format-date-time('2026-03-01T07:05:09.042', '%H:%M:%S.%3 %h')", {}, "07:05:09.042 7"),
    ("format-date(${d}, '%Y')", {"d": None}, ""),
    ("format-date(today(), '100%% %Q')", {}, "100%% %Q"),  # unknown directives are kept as written
]


@pytest.mark.parametrize(("text", "answers", "expected"), CASES, ids=[case[0] for case in CASES])
def test_function(text, answers, expected):
    result = evaluate(text, **answers)
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(result, float) and math.isnan(result)
    else:
        assert result == expected
        assert type(result) is type(expected)


def test_every_function_has_a_case():
    called = {name for text, _, _ in CASES for name in parse(text).functions}
    untested_here = {"if", "position", "indexed-repeat", "random", "uuid", "jr:choice-name", "count-non-empty"}
    assert set(FUNCTIONS) - called - untested_here == set()


def test_if_evaluates_only_the_chosen_branch():
    # the other branch would fail: an unknown choice label list for jr:choice-name
    assert evaluate("if(true(), 'ok', jr:choice-name('x', '${x}'))") == "ok"


def test_random_is_in_unit_interval():
    assert 0 <= evaluate("random()") < 1


def test_uuid_is_a_version_4_uuid():
    assert evaluate("uuid()")[14] == "4"


@pytest.mark.parametrize("text", ["date('2026-02-30')", "date('tomorrow')", "format-date('13/01/2026', '%Y')"])
def test_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(ExpressionError) as raised:
        evaluate(text)
    assert raised.value.code == "type"


def test_date_beyond_the_calendar_is_refused():
    with pytest.raises(ExpressionError) as raised:
        evaluate("date(pow(10, 12))")
    assert raised.value.code == "type"


def test_choice_name_gives_the_label_of_the_selected_choice():
    context = EvaluationContext(answers={"crime": "robbery"}, choice_labels={"crime": {"robbery": "Robo"}})
    assert parse("jr:choice-name(${crime}, '${crime}')").evaluate(context) == "Robo"


def test_choice_name_accepts_the_xform_path_form():
    context = EvaluationContext(answers={"crime": "robbery"}, choice_labels={"crime": {"robbery": "Robo"}})
    assert parse("jr:choice-name(${crime}, ' /data/crime ')").evaluate(context) == "Robo"


def test_choice_name_without_labels_is_unsupported():
    with pytest.raises(ExpressionError) as raised:
        evaluate("jr:choice-name(${crime}, '${crime}')", crime="robbery")
    assert raised.value.code == "unsupported"


def test_regex_pattern_from_an_answer_is_checked_when_evaluated():
    with pytest.raises(ExpressionError) as raised:
        evaluate("regex('aa', ${pattern})", pattern="(a)\\1")
    assert raised.value.code == "regex_invalid"
    assert "backreferences" in raised.value.message
