"""The functions expressions may call: name, number of arguments and what each computes.

Calls are checked when parsed (unknown name, argument count, structural arguments such as
position(..)), so a form with a misspelt function is refused at upload, not at collection.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from survey_defs.expressions import dates, regexes
from survey_defs.expressions.errors import ExpressionError
from survey_defs.expressions.nodes import Call, Literal, Parent, Reference
from survey_defs.expressions.values import NodeSet, Scalar, Value, single, to_boolean, to_number, to_string

if TYPE_CHECKING:
    from survey_defs.expressions.context import EvaluationContext

Implementation = Callable[[list[Value], "EvaluationContext"], Value]

# Their results differ between the device and the server: a calculation using one cannot be re-checked.
VOLATILE_FUNCTIONS = frozenset({"random", "uuid", "now"})


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    min_arguments: int
    max_arguments: int | None  # None: any number
    # None: evaluated by the evaluator itself (lazy or structural arguments: if, position, indexed-repeat)
    implementation: Implementation | None
    # Whether the implementation reads its EvaluationContext (the others are given None by bound.py,
    # which then need not build one)
    reads_context: bool = False


FUNCTIONS: dict[str, Function] = {}


def _register(
    name: str, min_arguments: int, max_arguments: int | None, *, reads_context: bool = False
) -> Callable[[Implementation], Implementation]:
    def register(implementation: Implementation) -> Implementation:
        FUNCTIONS[name] = Function(name, min_arguments, max_arguments, implementation, reads_context)
        return implementation

    return register


FUNCTIONS["if"] = Function("if", 3, 3, None)
FUNCTIONS["position"] = Function("position", 1, 1, None)
FUNCTIONS["indexed-repeat"] = Function("indexed-repeat", 3, 7, None)


def check_call(call: Call) -> None:
    """Refuse, at parse time, a call that can never work."""
    function = FUNCTIONS.get(call.name)
    if function is None:
        raise ExpressionError("unknown_function", f"unknown function {call.name}()", position=call.position)
    count = len(call.arguments)
    if count < function.min_arguments or (function.max_arguments is not None and count > function.max_arguments):
        if function.max_arguments is None:
            expected = f"at least {function.min_arguments}"
        elif function.max_arguments == function.min_arguments:
            expected = str(function.min_arguments)
        else:
            expected = f"{function.min_arguments} to {function.max_arguments}"
        raise ExpressionError(
            "wrong_arity",
            f"{call.name}() takes {expected} argument{'s' if expected != '1' else ''}, got {count}",
            position=call.position,
        )
    if call.name == "position" and not isinstance(call.arguments[0], Parent):
        raise ExpressionError("bad_argument", "position() is supported as position(..) only", position=call.position)
    if call.name == "indexed-repeat":
        references = call.arguments[0:1] + call.arguments[1::2]
        if count % 2 == 0 or not all(isinstance(argument, Reference) for argument in references):
            raise ExpressionError(
                "bad_argument",
                "indexed-repeat() takes ${field}, then pairs of ${repeat} and index",
                position=call.position,
            )
    if call.name == "regex" and isinstance(call.arguments[1], Literal):
        try:
            regexes.compile_pattern(str(call.arguments[1].value))
        except ExpressionError as error:
            raise ExpressionError(error.code, error.message, position=call.position) from None


# --- logic ---------------------------------------------------------------------------------------


@_register("true", 0, 0)
def _true(arguments: list[Value], context: EvaluationContext) -> Value:
    return True


@_register("false", 0, 0)
def _false(arguments: list[Value], context: EvaluationContext) -> Value:
    return False


@_register("not", 1, 1)
def _not(arguments: list[Value], context: EvaluationContext) -> Value:
    return not to_boolean(arguments[0])


@_register("boolean", 1, 1)
def _boolean(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_boolean(arguments[0])


@_register("boolean-from-string", 1, 1)
def _boolean_from_string(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[0]).strip().lower() in ("true", "1")


@_register("coalesce", 2, 2)
def _coalesce(arguments: list[Value], context: EvaluationContext) -> Value:
    first = single(arguments[0])
    return first if to_string(first) != "" else single(arguments[1])


@_register("once", 1, 1)
def _once(arguments: list[Value], context: EvaluationContext) -> Value:
    # On the device once() keeps the first value computed; the server sees only that value.
    return single(arguments[0])


# --- numbers -------------------------------------------------------------------------------------


@_register("number", 1, 1)
def _number(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_number(arguments[0])


@_register("int", 1, 1)
def _int(arguments: list[Value], context: EvaluationContext) -> Value:
    number = to_number(arguments[0])
    return float(math.trunc(number)) if math.isfinite(number) else number


@_register("round", 1, 2)
def _round(arguments: list[Value], context: EvaluationContext) -> Value:
    number = to_number(arguments[0])
    if not math.isfinite(number):
        return number
    if len(arguments) == 1:
        return float(math.floor(number + 0.5))  # XPath 1.0: halves go towards positive infinity
    places = to_number(arguments[1])
    if not math.isfinite(places):
        return math.nan
    try:  # ODK's two-argument round: halves away from zero, on the decimal written value
        return float(Decimal(repr(number)).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # more places than a float holds: nothing to round
        return number


@_register("floor", 1, 1)
def _floor(arguments: list[Value], context: EvaluationContext) -> Value:
    number = to_number(arguments[0])
    return float(math.floor(number)) if math.isfinite(number) else number


@_register("ceiling", 1, 1)
def _ceiling(arguments: list[Value], context: EvaluationContext) -> Value:
    number = to_number(arguments[0])
    return float(math.ceil(number)) if math.isfinite(number) else number


@_register("abs", 1, 1)
def _abs(arguments: list[Value], context: EvaluationContext) -> Value:
    return abs(to_number(arguments[0]))


@_register("pow", 2, 2)
def _pow(arguments: list[Value], context: EvaluationContext) -> Value:
    base, exponent = to_number(arguments[0]), to_number(arguments[1])
    if base == 0 and exponent < 0:
        return math.inf
    try:
        result = math.pow(base, exponent)
    except OverflowError:
        return math.inf if base > 0 or exponent % 2 == 0 else -math.inf
    except ValueError:  # a negative base with a fractional exponent
        return math.nan
    return result


@_register("random", 0, 0)
def _random(arguments: list[Value], context: EvaluationContext) -> Value:
    return random.random()


# --- node-sets (repeats) -------------------------------------------------------------------------


def _items(value: Value) -> tuple[Scalar, ...]:
    return value.values if isinstance(value, NodeSet) else (value,)


@_register("count", 1, 1)
def _count(arguments: list[Value], context: EvaluationContext) -> Value:
    return float(len(_items(arguments[0])))


@_register("count-non-empty", 1, 1)
def _count_non_empty(arguments: list[Value], context: EvaluationContext) -> Value:
    return float(sum(1 for item in _items(arguments[0]) if to_string(item) != ""))


@_register("sum", 1, 1)
def _sum(arguments: list[Value], context: EvaluationContext) -> Value:
    return math.fsum(to_number(item) for item in _items(arguments[0]))


def _numbers(arguments: list[Value]) -> list[float]:
    return [to_number(item) for argument in arguments for item in _items(argument)]


@_register("max", 1, None)
def _max(arguments: list[Value], context: EvaluationContext) -> Value:
    return maximum(_numbers(arguments))


@_register("min", 1, None)
def _min(arguments: list[Value], context: EvaluationContext) -> Value:
    return minimum(_numbers(arguments))


def maximum(numbers: list[float]) -> float:
    """max() of the numbers of its arguments' values: NaN for none, or where one is NaN."""
    return math.nan if not numbers or any(map(math.isnan, numbers)) else max(numbers)


def minimum(numbers: list[float]) -> float:
    """min() of the numbers of its arguments' values: NaN for none, or where one is NaN."""
    return math.nan if not numbers or any(map(math.isnan, numbers)) else min(numbers)


@_register("join", 2, 2)
def _join(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[0]).join(to_string(item) for item in _items(arguments[1]))


# --- text ----------------------------------------------------------------------------------------


@_register("string", 1, 1)
def _string(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[0])


@_register("concat", 0, None)
def _concat(arguments: list[Value], context: EvaluationContext) -> Value:
    # ODK deviates from XPath 1.0: a node-set argument contributes all its values
    return "".join(to_string(item) for argument in arguments for item in _items(argument))


@_register("string-length", 1, 1)
def _string_length(arguments: list[Value], context: EvaluationContext) -> Value:
    return float(len(to_string(arguments[0])))


@_register("contains", 2, 2)
def _contains(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[1]) in to_string(arguments[0])


@_register("starts-with", 2, 2)
def _starts_with(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[0]).startswith(to_string(arguments[1]))


@_register("ends-with", 2, 2)
def _ends_with(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[0]).endswith(to_string(arguments[1]))


@_register("substr", 2, 3)
def _substr(arguments: list[Value], context: EvaluationContext) -> Value:
    """ODK's substr(text, start, end?): 0-based start, exclusive end, negative counts from the end."""
    text = to_string(arguments[0])
    bounds = [to_number(argument) for argument in arguments[1:]]
    if any(math.isnan(bound) for bound in bounds):
        return ""
    start = _clamp_index(bounds[0], len(text))
    end = _clamp_index(bounds[1], len(text)) if len(bounds) == 2 else len(text)
    return text[start:end]


def _clamp_index(bound: float, length: int) -> int:
    if bound < 0:
        bound = max(length + bound, 0)
    return int(min(bound, length))


@_register("substring-before", 2, 2)
def _substring_before(arguments: list[Value], context: EvaluationContext) -> Value:
    text, separator = to_string(arguments[0]), to_string(arguments[1])
    before, found, _ = text.partition(separator)
    return before if found else ""


@_register("substring-after", 2, 2)
def _substring_after(arguments: list[Value], context: EvaluationContext) -> Value:
    text, separator = to_string(arguments[0]), to_string(arguments[1])
    _, found, after = text.partition(separator)
    return after if found else ""


@_register("normalize-space", 1, 1)
def _normalize_space(arguments: list[Value], context: EvaluationContext) -> Value:
    return " ".join(to_string(arguments[0]).split())


@_register("translate", 3, 3)
def _translate(arguments: list[Value], context: EvaluationContext) -> Value:
    text, source, target = (to_string(argument) for argument in arguments)
    table: dict[int, int | None] = {}
    for index, character in enumerate(source):
        table.setdefault(ord(character), ord(target[index]) if index < len(target) else None)
    return text.translate(table)


@_register("regex", 2, 2)
def _regex(arguments: list[Value], context: EvaluationContext) -> Value:
    return regexes.matches(to_string(arguments[0]), to_string(arguments[1]))


@_register("uuid", 0, 0)
def _uuid(arguments: list[Value], context: EvaluationContext) -> Value:
    return str(uuid.uuid4())


# --- select_one / select_multiple ----------------------------------------------------------------


@_register("selected", 2, 2)
def _selected(arguments: list[Value], context: EvaluationContext) -> Value:
    return to_string(arguments[1]).strip() in to_string(arguments[0]).split()


@_register("count-selected", 1, 1)
def _count_selected(arguments: list[Value], context: EvaluationContext) -> Value:
    return float(len(to_string(arguments[0]).split()))


@_register("selected-at", 2, 2)
def _selected_at(arguments: list[Value], context: EvaluationContext) -> Value:
    choices = to_string(arguments[0]).split()
    index = to_number(arguments[1])
    if not math.isfinite(index) or not 0 <= int(index) < len(choices):
        return ""
    return choices[int(index)]


@_register("jr:choice-name", 2, 2, reads_context=True)
def _choice_name(arguments: list[Value], context: EvaluationContext) -> Value:
    path = to_string(arguments[1]).strip()
    field_name = path[2:-1] if path.startswith("${") and path.endswith("}") else path.rsplit("/", 1)[-1]
    return context.choice_label(field_name, to_string(arguments[0]))


# --- dates ---------------------------------------------------------------------------------------


@_register("today", 0, 0, reads_context=True)
def _today(arguments: list[Value], context: EvaluationContext) -> Value:
    return context.today if context.today is not None else context.now.date()


@_register("now", 0, 0, reads_context=True)
def _now(arguments: list[Value], context: EvaluationContext) -> Value:
    return context.now


def _to_moment(value: Value, function: str) -> date | datetime | None:
    """A date from a date, an ISO text or a number of days; None for an empty answer."""
    value = single(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if value.strip() == "":
            return None
        moment = dates.parse_iso(value)
        if moment is not None:
            return moment
        if not _looks_numeric(value):
            raise ExpressionError("type", f"{function}(): {value!r} is not a date (expected YYYY-MM-DD)")
    moment = dates.from_days(to_number(value))
    if moment is None:
        raise ExpressionError("type", f"{function}(): {to_string(value)!r} is not a date")
    return moment


def _looks_numeric(text: str) -> bool:
    return not math.isnan(to_number(text))


@_register("date", 1, 1)
def _date(arguments: list[Value], context: EvaluationContext) -> Value:
    moment = _to_moment(arguments[0], "date")
    return "" if moment is None else moment


@_register("date-time", 1, 1)
def _date_time(arguments: list[Value], context: EvaluationContext) -> Value:
    return _date(arguments, context)


@_register("decimal-date-time", 1, 1)
def _decimal_date_time(arguments: list[Value], context: EvaluationContext) -> Value:
    moment = _to_moment(arguments[0], "decimal-date-time")
    return math.nan if moment is None else dates.days_since_epoch(moment)


@_register("format-date", 2, 2)
def _format_date(arguments: list[Value], context: EvaluationContext) -> Value:
    moment = _to_moment(arguments[0], "format-date")
    return "" if moment is None else dates.format_date(moment, to_string(arguments[1]))


@_register("format-date-time", 2, 2)
def _format_date_time(arguments: list[Value], context: EvaluationContext) -> Value:
    return _format_date(arguments, context)
