"""XPath 1.0 values and their conversions, with the ODK deviations JavaRosa implements.

A value is a str, float, bool, date, datetime, or a NodeSet (the answers of a field repeated
across repeat instances). Numbers are always floats; an empty answer is ''. Strings that look like
ISO dates convert to numbers as days since 1970-01-01, so dates compare with < and >.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from survey_defs.expressions.dates import days_since_epoch, iso_text, parse_iso
from survey_defs.expressions.errors import ExpressionError

Scalar = str | float | bool | date | datetime


@dataclass(frozen=True, slots=True)
class NodeSet:
    """The values of a field in every repeat instance in scope (`${member_age}` from outside the repeat)."""

    values: tuple[Scalar, ...]


Value = Scalar | NodeSet

# XPath numbers are digits with an optional point: no exponent, no sign but a leading minus, no '_'
_NUMBER_TEXT = re.compile(r"\s*-?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*")


_NUMERIC = (float, date)  # compared as numbers


def single(value: Value) -> Scalar:
    """The one value a node-set stands for where a single value is needed (JavaRosa's rule)."""
    if not isinstance(value, NodeSet):
        return value
    if not value.values:
        return ""
    if len(value.values) > 1:
        raise ExpressionError(
            "type",
            f"a field repeated {len(value.values)} times is used as one value; "
            "use count(), sum(), indexed-repeat() or refer to it from inside the repeat",
        )
    return value.values[0]


def to_string(value: Value) -> str:
    if value.__class__ is str:  # the commonest case, first
        return value  # type: ignore[return-value]
    value = single(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, date):
        return iso_text(value)
    return value


def format_number(number: float) -> str:
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == int(number):
        return str(int(number))
    text = repr(number)
    return format(Decimal(text), "f") if "e" in text else text


def to_number(value: Value) -> float:
    if value.__class__ is float:  # the commonest case, first
        return value  # type: ignore[return-value]
    value = single(value)
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, date):
        return days_since_epoch(value)
    if _NUMBER_TEXT.fullmatch(value):
        return float(value)
    moment = parse_iso(value)
    return days_since_epoch(moment) if moment is not None else math.nan


def to_boolean(value: Value) -> bool:
    if value.__class__ is bool:  # the commonest case, first
        return value  # type: ignore[return-value]
    value = single(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, date):
        return True
    return value != ""


def equals(left: Value, right: Value) -> bool:
    """XPath `=`: as booleans if either is one, else as numbers if either is a number or date, else as text."""
    left, right = single(left), single(right)
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, _NUMERIC) or isinstance(right, _NUMERIC):
        return to_number(left) == to_number(right)
    return left == right
