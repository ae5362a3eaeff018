"""Evaluating a syntax tree, following XPath 1.0 as JavaRosa does.

A tree is compiled once (when parsed) into nested Python closures, one per node, so that an
expression evaluated for every interview does not walk and dispatch on its tree each time. The
closures are built from the parsed nodes only: no text is ever passed to eval or exec.

Closures nest as deep as the tree, whose depth the parser bounds (parser.MAX_DEPTH); operator
chains run in loops. Arithmetic never raises: division by zero and overflow give IEEE Infinity/NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from survey_defs.expressions.context import EvaluationContext, node_value
from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.functions import FUNCTIONS
from survey_defs.expressions.nodes import BareName, Call, Chain, Current, Literal, Logical, Negate, Node, Reference
from survey_defs.expressions.values import Value, equals, single, to_boolean, to_number

Compiled = Callable[[EvaluationContext], Value]


def evaluate(node: Node, context: EvaluationContext) -> Value:
    """The value of `node` in `context` (compiles the tree; Expression keeps its compiled form)."""
    return compile_tree(node)(context)


def compile_tree(node: Node) -> Compiled:
    match node:
        case Literal(value):
            return lambda context: value
        case Reference(name):
            return lambda context: context.value(name)
        case Current():
            return lambda context: node_value(context.current)
        case BareName(name):
            return lambda context: context.choice_column(name)
        case Negate(operand):
            inner = compile_tree(operand)
            return lambda context: -to_number(inner(context))
        case Logical(operator, operands):
            return _logical(operator, tuple(compile_tree(operand) for operand in operands))
        case Chain(first, rest):
            return _chain(first, rest)
        case Call():
            return _call(node)
    raise AssertionError(f"unhandled node {node!r}")


def _logical(operator: str, operands: tuple[Compiled, ...]) -> Compiled:
    if operator == "and":
        def conjunction(context: EvaluationContext) -> Value:
            for operand in operands:
                if not to_boolean(operand(context)):
                    return False
            return True

        return conjunction

    def disjunction(context: EvaluationContext) -> Value:
        for operand in operands:
            if to_boolean(operand(context)):
                return True
        return False

    return disjunction


def _chain(first: Node, rest: tuple[tuple[str, Node], ...]) -> Compiled:
    if len(rest) == 1:
        operator, right = rest[0]
        if operator in ("=", "!=") and isinstance(right, Literal) and isinstance(right.value, str):
            return _equals_text(compile_tree(first), right.value, operator == "=")
        left_value, right_value, apply = compile_tree(first), compile_tree(right), _OPERATORS[operator]
        return lambda context: apply(left_value(context), right_value(context))
    head = compile_tree(first)
    steps = tuple((_OPERATORS[operator], compile_tree(operand)) for operator, operand in rest)

    def chain(context: EvaluationContext) -> Value:
        result = head(context)
        for apply, operand in steps:
            result = apply(result, operand(context))
        return result

    return chain


def _equals_text(left: Compiled, text: str, positive: bool) -> Compiled:
    """`left = 'text'` (or !=), the commonest comparison in forms: `equals` with its text side resolved once."""
    as_boolean = text != ""
    as_number: float | None = None  # converted on first need: most comparisons meet text answers

    def compare(context: EvaluationContext) -> Value:
        nonlocal as_number
        value = single(left(context))
        if isinstance(value, bool):
            same = value == as_boolean
        elif isinstance(value, float | date):
            if as_number is None:
                as_number = to_number(text)
            same = to_number(value) == as_number
        else:
            same = value == text
        return same if positive else not same

    return compare


def _call(call: Call) -> Compiled:
    if call.name == "position":  # its one argument is `..`, which has no value of its own
        return lambda context: float(context.position())
    arguments = tuple(compile_tree(argument) for argument in call.arguments)
    if call.name == "if":
        condition, then, otherwise = arguments
        return lambda context: single(then(context) if to_boolean(condition(context)) else otherwise(context))
    if call.name == "indexed-repeat":
        return _indexed_repeat(call, arguments)
    implementation = FUNCTIONS[call.name].implementation
    assert implementation is not None
    position = call.position

    def function(context: EvaluationContext) -> Value:
        values = [argument(context) for argument in arguments]
        try:
            return implementation(values, context)
        except ExpressionError as error:
            if error.position is not None:
                raise
            raise ExpressionError(error.code, error.message, position=position) from None

    return function


def _indexed_repeat(call: Call, arguments: tuple[Compiled, ...]) -> Compiled:
    field = call.arguments[0].name  # type: ignore[union-attr]
    repeats = tuple(argument.name for argument in call.arguments[1::2])  # type: ignore[union-attr]
    indexes = arguments[2::2]

    def indexed_repeat(context: EvaluationContext) -> Value:
        steps = []
        for repeat, index in zip(repeats, indexes, strict=True):
            number = to_number(index(context))
            if not math.isfinite(number) or number < 1:
                return ""
            steps.append((repeat, int(number)))
        return context.indexed(field, steps)

    return indexed_repeat


def _divide(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _modulo(a: float, b: float) -> float:
    # XPath's mod truncates like Java's %: the result takes the sign of the dividend
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


_OPERATORS: dict[str, Callable[[Value, Value], Value]] = {
    "=": equals,
    "!=": lambda left, right: not equals(left, right),
    "<": lambda left, right: to_number(left) < to_number(right),
    "<=": lambda left, right: to_number(left) <= to_number(right),
    ">": lambda left, right: to_number(left) > to_number(right),
    ">=": lambda left, right: to_number(left) >= to_number(right),
    "+": lambda left, right: to_number(left) + to_number(right),
    "-": lambda left, right: to_number(left) - to_number(right),
    "*": lambda left, right: to_number(left) * to_number(right),
    "div": lambda left, right: _divide(to_number(left), to_number(right)),
    "mod": lambda left, right: _modulo(to_number(left), to_number(right)),
}
