"""Parsing: grammar, precedence and associativity, references, and checks made at parse time."""

import pytest

from survey_defs.expressions import EvaluationContext, ExpressionError, parse
from survey_defs.expressions.nodes import BareName, Call, Chain, Current, Literal, Logical, Negate, Reference


def value_of(text: str) -> object:
    return parse(text).evaluate(EvaluationContext())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),  # multiplicative binds tighter than additive
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),  # additive is left-associative
        ("64 div 8 div 2", 4.0),  # multiplicative is left-associative
        ("7 mod 4 * 2", 6.0),
        ("2 * 7 mod 4", 2.0),
        ("-2 * 3", -6.0),  # unary minus binds tighter than *
        ("- - 2", 2.0),
        ("3 - -2", 5.0),
        ("1 + 2 = 3", True),  # additive binds tighter than equality
        ("1 < 2 = 1", True),  # relational binds tighter than equality: (1 < 2) = 1
        ("1 = 1 = 1", True),  # equality is left-associative: (1 = 1) = 1
        ("3 > 2 > 1", False),  # relational is left-associative: (3 > 2) > 1 is 1 > 1
        ("1 = 1 and 2 = 3", False),  # equality binds tighter than and
        ("true() or false() and false()", True),  # and binds tighter than or
        ("(true() or false()) and false()", False),
        ("1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3 and 1 != 2", True),
    ],
)
def test_operator_precedence_and_associativity_follow_xpath(text, expected):
    assert value_of(text) == expected


def test_flat_chains_keep_operators_in_order():
    root = parse("1 + 2 - 3").root
    assert root == Chain(Literal(1.0), (("+", Literal(2.0)), ("-", Literal(3.0))))


def test_logical_chains_are_flat():
    assert parse("${a} or ${b} or ${c}").root == Logical("or", (Reference("a"), Reference("b"), Reference("c")))


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("'it''s'", None),  # XPath has no escape in literals: two adjacent literals are a syntax error
        ('"say \'hi\'"', Literal("say 'hi'")),
        ("'say \"hi\"'", Literal('say "hi"')),
        ("12.50", Literal(12.5)),
        (".5", Literal(0.5)),
        ("3.", Literal(3.0)),
        (".", Current()),
        ("${q_1.a-b}", Reference("q_1.a-b")),
        ("filter_col", BareName("filter_col")),
        ("-${x}", Negate(Reference("x"))),
        ("jr:choice-name(${x}, '${x}')", Call("jr:choice-name", (Reference("x"), Literal("${x}")), 0)),
    ],
)
def test_primary_expressions(text, node):
    if node is None:
        with pytest.raises(ExpressionError) as raised:
            parse(text)
        assert raised.value.code == "syntax"
    else:
        assert parse(text).root == node


@pytest.mark.parametrize("keyword", ["and", "or", "div", "mod"])
def test_operator_names_are_names_where_an_operand_is_expected(keyword):
    assert parse(f"{keyword} = 'x'").choice_columns == {keyword}


@pytest.mark.parametrize("text", ["${a} order", "${a} andy 1", "2 divide 1", "2 modulo 1"])
def test_names_that_start_with_an_operator_are_not_split(text):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.code == "syntax"


def test_references_lists_every_field_once():
    expression = parse("${a} + ${b} > ${a} and selected(${c}, 'x')")
    assert expression.references == {"a", "b", "c"}


def test_references_include_the_field_named_in_choice_name():
    assert parse("jr:choice-name(${crime}, '${crime_type}')").references == {"crime", "crime_type"}


def test_references_ignore_field_names_inside_other_string_literals():
    assert parse("concat('${a}', ${b})").references == {"b"}


def test_uses_current_is_set_by_dot():
    assert parse(". >= 18").uses_current
    assert not parse("${age} >= 18").uses_current


def test_functions_lists_called_functions():
    assert parse("if(selected(${a}, 'x'), today(), now())").functions == {"if", "selected", "today", "now"}


def test_choice_columns_lists_unprefixed_names():
    assert parse("region = ${region} and active = 'yes'").choice_columns == {"region", "active"}


def test_parse_is_cached_by_text():
    assert parse("${a} + 1") is parse("${a} + 1")


def test_expressions_are_equal_and_hashable_by_text():
    assert parse("1 + 1") == parse("1 + 1")
    assert len({parse("1 + 1"), parse("1+1")}) == 2


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("${a} = ", 6),
        ("${a} == 1", 6),
        ("(1 + 2", 6),
        ("1 + 2)", 5),
        ("${a} ^ 2", 5),
        ("'unterminated", 0),
        ("${}", 0),
        ("${1abc}", 0),
        ("1e400", 1),  # XPath numbers have no exponent: `e400` is a name where an operator must be
        ("/data/a", 0),  # absolute paths are not part of the subset
        ("${a}[1]", 4),
    ],
)
def test_syntax_errors_report_their_position(text, position):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert (raised.value.code, raised.value.position, raised.value.expression) == ("syntax", position, text)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_expression_is_a_syntax_error(text):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.code == "syntax"


def test_typographic_quotes_get_a_hint():
    with pytest.raises(ExpressionError) as raised:
        parse("${a} = ‘yes’")
    assert raised.value.position == 7
    assert "straight quotes" in raised.value.message


def test_unknown_function_is_named():
    with pytest.raises(ExpressionError) as raised:
        parse("1 + pulldata('x', 'y', 'z', 'w')")
    assert raised.value.code == "unknown_function"
    assert "pulldata()" in raised.value.message
    assert raised.value.position == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selected(${a})", "selected() takes 2 arguments, got 1"),
        ("today(1)", "today() takes 0 arguments, got 1"),
        ("substr('abc')", "substr() takes 2 to 3 arguments, got 1"),
        ("max()", "max() takes at least 1 argument"),
        ("if(true(), 1)", "if() takes 3 arguments, got 2"),
    ],
)
def test_wrong_argument_count_is_refused(text, message):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.code == "wrong_arity"
    assert raised.value.message.startswith(message)


@pytest.mark.parametrize(
    "text",
    [
        "position(${a})",
        "position(.)",
        ".. = 1",
        "indexed-repeat('a', ${r}, 1)",
        "indexed-repeat(${a}, 'r', 1)",
        "indexed-repeat(${a}, ${r}, 1, ${s})",
    ],
)
def test_structural_arguments_are_checked_when_parsed(text):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.code == "bad_argument"


def test_invalid_literal_regex_is_refused_when_parsed():
    with pytest.raises(ExpressionError) as raised:
        parse("regex(., '[a-')")
    assert raised.value.code == "regex_invalid"


def test_non_text_expression_is_refused():
    with pytest.raises(ExpressionError) as raised:
        parse(None)  # type: ignore[arg-type]
    assert raised.value.code == "type"
