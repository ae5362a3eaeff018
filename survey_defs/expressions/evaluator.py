"""Evaluating a syntax tree, following XPath 1.0 as JavaRosa does.

A tree is compiled once (when parsed) into nested Python closures, one per node, so that an
expression evaluated for every interview does not walk and dispatch on its tree each time. The
closures are built from the parsed nodes only: no text is ever passed to eval or exec.

Closures nest as deep as the tree, whose depth the parser bounds (parser.MAX_DEPTH); operator
chains run in loops. Arithmetic never raises: division by zero and overflow give IEEE Infinity/NaN.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from datetime import date
from typing import Any

from survey_defs.expressions.context import EvaluationContext, node_value
from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.functions import FUNCTIONS, Function
from survey_defs.expressions.nodes import BareName, Call, Chain, Current, Literal, Logical, Negate, Node, Reference
from survey_defs.expressions.values import Scalar, Value, equals, single, to_boolean, to_number

Compiled = Callable[[Any], Value]
"""A compiled tree: called with the place it is evaluated in (an EvaluationContext, or bound.Frame)."""


def evaluate(node: Node, context: EvaluationContext) -> Value:
    """The value of `node` in `context` (compiles the tree; Expression keeps its compiled form)."""
    return compile_tree(node)(context)


def compile_tree(node: Node) -> Compiled:
    """`node` as closures over an EvaluationContext."""
    return _GENERIC.compile(node)


class TreeCompiler:
    """Compiles a tree into closures over a place; the leaves say how the place is read.

    This class reads an EvaluationContext, which resolves every ${name} when evaluated; bound.py
    subclasses it for a place known when the form is compiled. Operators, conversions and
    functions are shared, so both give the same values and the same errors.
    """

    def compile(self, node: Node) -> Compiled:
        match node:
            case Literal(value):
                return lambda place: value
            case Reference(name):
                return self.reference(name)
            case Current():
                return self.current()
            case BareName(name):
                return self.bare_name(name)
            case Negate(operand):
                inner = self.compile(operand)
                return lambda place: -to_number(inner(place))
            case Logical(operator, operands):
                return self.logical(operator, operands)
            case Chain(first, rest):
                return self.chain(first, rest)
            case Call():
                return self.call(node)
        raise AssertionError(f"unhandled node {node!r}")

    # --- the leaves: how the place is read ------------------------------------------------------

    def reference(self, name: str) -> Compiled:
        return lambda context: context.value(name)

    def current(self) -> Compiled:
        return lambda context: node_value(context.current)

    def bare_name(self, name: str) -> Compiled:
        return lambda context: context.choice_column(name)

    def position(self) -> Compiled:
        return lambda context: float(context.position())

    def context_reader(self, function: Function) -> Callable[[Any], EvaluationContext | None]:
        """What a function implementation is given as its context."""
        return _itself

    def indexed(self, field: str, repeats: tuple[str, ...]) -> Callable[[Any, list[tuple[str, int]]], Value]:
        """indexed-repeat()'s lookup of ${field} in the (repeat, 1-based index) instances given."""
        return lambda context, steps: context.indexed(field, steps)

    # --- the inner nodes --------------------------------------------------------------------------

    def logical(self, operator: str, operands: tuple[Node, ...]) -> Compiled:
        return _logical(operator, tuple(self.compile(operand) for operand in operands))

    def chain(self, first: Node, rest: tuple[tuple[str, Node], ...]) -> Compiled:
        if len(rest) == 1:
            operator, right = rest[0]
            if operator in ("=", "!=") and isinstance(right, Literal) and isinstance(right.value, str):
                return equals_text(self.compile(first), right.value, operator == "=")
            left_value, right_value, apply = self.compile(first), self.compile(right), OPERATORS[operator]
            return lambda place: apply(left_value(place), right_value(place))
        head = self.compile(first)
        steps = tuple((OPERATORS[operator], self.compile(operand)) for operator, operand in rest)

        def chain(place: Any) -> Value:
            result = head(place)
            for apply, operand in steps:
                result = apply(result, operand(place))
            return result

        return chain

    def call(self, call: Call) -> Compiled:
        if call.name == "position":  # its one argument is `..`, which has no value of its own
            return self.position()
        arguments = tuple(self.compile(argument) for argument in call.arguments)
        if call.name == "if":
            condition, then, otherwise = arguments
            return lambda place: single(then(place) if to_boolean(condition(place)) else otherwise(place))
        if call.name == "indexed-repeat":
            field = call.arguments[0].name  # type: ignore[union-attr]
            repeats = tuple(argument.name for argument in call.arguments[1::2])  # type: ignore[union-attr]
            return _indexed_repeat(repeats, arguments[2::2], self.indexed(field, repeats))
        function = FUNCTIONS[call.name]
        implementation = function.implementation
        assert implementation is not None
        context_of = self.context_reader(function)
        position = call.position

        def apply(place: Any) -> Value:
            values = [argument(place) for argument in arguments]
            try:
                return implementation(values, context_of(place))
            except ExpressionError as error:
                if error.position is not None:
                    raise
                raise ExpressionError(error.code, error.message, position=position) from None

        return apply


def _itself(context: EvaluationContext) -> EvaluationContext:
    return context


def _logical(operator: str, operands: tuple[Compiled, ...]) -> Compiled:
    if operator == "and":
        def conjunction(place: Any) -> Value:
            for operand in operands:
                if not to_boolean(operand(place)):
                    return False
            return True

        return conjunction

    def disjunction(place: Any) -> Value:
        for operand in operands:
            if to_boolean(operand(place)):
                return True
        return False

    return disjunction


def equals_text(left: Compiled, text: str, positive: bool) -> Compiled:
    """`left = 'text'` (or !=), the commonest comparison in forms: `equals` with its text side resolved once."""
    compare_text = text_comparison(text)

    def compare(place: Any) -> Value:
        same = compare_text(single(left(place)))
        return same if positive else not same

    return compare


def text_comparison(text: str) -> Callable[[Scalar], bool]:
    """XPath `value = 'text'` for a single value, with the text converted once (when first needed)."""
    as_boolean = text != ""
    as_number: float | None = None  # converted on first need: most comparisons meet text answers

    def same(value: Scalar) -> bool:
        nonlocal as_number
        if isinstance(value, bool):
            return value == as_boolean
        if isinstance(value, (float, date)):
            if as_number is None:
                as_number = to_number(text)
            return to_number(value) == as_number
        return value == text

    return same


def _indexed_repeat(
    repeats: tuple[str, ...], indexes: tuple[Compiled, ...], look_up: Callable[[Any, list[tuple[str, int]]], Value]
) -> Compiled:
    def indexed_repeat(place: Any) -> Value:
        steps = []
        for repeat, index in zip(repeats, indexes, strict=True):
            number = to_number(index(place))
            if not math.isfinite(number) or number < 1:
                return ""
            steps.append((repeat, int(number)))
        return look_up(place, steps)

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


# The operators that convert both sides to numbers, on the numbers
NUMERIC_OPERATORS: dict[str, Callable[[float, float], float | bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "div": _divide,
    "mod": _modulo,
}


def _on_numbers(apply: Callable[[float, float], float | bool]) -> Callable[[Value, Value], Value]:
    return lambda left, right: apply(to_number(left), to_number(right))


OPERATORS: dict[str, Callable[[Value, Value], Value]] = {
    "=": equals,
    "!=": lambda left, right: not equals(left, right),
    **{name: _on_numbers(apply) for name, apply in NUMERIC_OPERATORS.items()},
}


_GENERIC = TreeCompiler()
