"""Evaluating a syntax tree in an EvaluationContext, following XPath 1.0 as JavaRosa does.

Recursion follows the tree, whose depth the parser bounds (parser.MAX_DEPTH); operator chains are
evaluated in loops. Arithmetic never raises: division by zero and overflow give IEEE Infinity/NaN.
"""

from __future__ import annotations

import math

from survey_defs.expressions.context import EvaluationContext, node_value
from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.functions import FUNCTIONS
from survey_defs.expressions.nodes import BareName, Call, Chain, Current, Literal, Logical, Negate, Node, Reference
from survey_defs.expressions.values import Value, equals, single, to_boolean, to_number


def evaluate(node: Node, context: EvaluationContext) -> Value:
    match node:
        case Literal(value):
            return value
        case Reference(name):
            return context.value(name)
        case Current():
            return node_value(context.current)
        case BareName(name):
            return context.choice_column(name)
        case Negate(operand):
            return -to_number(evaluate(operand, context))
        case Logical("and", operands):
            return all(to_boolean(evaluate(operand, context)) for operand in operands)
        case Logical(_, operands):
            return any(to_boolean(evaluate(operand, context)) for operand in operands)
        case Chain(first, rest):
            result = evaluate(first, context)
            for operator, operand in rest:
                result = _apply(operator, result, evaluate(operand, context))
            return result
        case Call():
            return _call(node, context)
    raise AssertionError(f"unhandled node {node!r}")


def _call(call: Call, context: EvaluationContext) -> Value:
    if call.name == "if":
        condition, then, otherwise = call.arguments
        return single(evaluate(then if to_boolean(evaluate(condition, context)) else otherwise, context))
    if call.name == "position":
        return float(context.position())
    if call.name == "indexed-repeat":
        field, *pairs = call.arguments
        steps = []
        for repeat, index in zip(pairs[::2], pairs[1::2]):
            number = to_number(evaluate(index, context))
            if not math.isfinite(number) or number < 1:
                return ""
            steps.append((repeat.name, int(number)))  # type: ignore[union-attr]
        return context.indexed(field.name, steps)  # type: ignore[union-attr]
    implementation = FUNCTIONS[call.name].implementation
    assert implementation is not None
    arguments = [evaluate(argument, context) for argument in call.arguments]
    try:
        return implementation(arguments, context)
    except ExpressionError as error:
        if error.position is not None:
            raise
        raise ExpressionError(error.code, error.message, position=call.position) from None


def _apply(operator: str, left: Value, right: Value) -> Value:
    match operator:
        case "=":
            return equals(left, right)
        case "!=":
            return not equals(left, right)
    a, b = to_number(left), to_number(right)
    match operator:
        case "<":
            return a < b
        case "<=":
            return a <= b
        case ">":
            return a > b
        case ">=":
            return a >= b
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "div":
            return _divide(a, b)
        case "mod":
            return _modulo(a, b)
    raise AssertionError(f"unhandled operator {operator!r}")


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
