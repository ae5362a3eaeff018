"""What an answer of each question type looks like (the JSON shapes in survey_defs.answers).

``TYPE_CHECKS[type](value)`` is None for a well-formed value, else the message saying why not.
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from survey_defs.expressions import NodeSet, to_string
from survey_defs.model import RangeParameters

MAX_INTEGER = 2**31 - 1  # JavaRosa stores integer answers as Java ints
_PLAIN_ANSWERS = frozenset({str, float, bool})  # values an expression gives that are stored as they are
CALCULATED_TYPES = frozenset({str, int, float, bool})  # the classes of a calculate's value (a device's too)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")
_FRACTION = re.compile(r"\.(\d{1,6})\d*")  # fromisoformat takes at most microseconds
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?")


def is_empty(value: Any) -> bool:
    """null, "" and [] are an unanswered question."""
    return value is None or value == "" or value == []


def as_answer(value: Any) -> Any:
    """An expression's value as stored among the answers."""
    if value.__class__ in _PLAIN_ANSWERS:
        return value
    if isinstance(value, NodeSet):
        return to_string(value) if len(value.values) <= 1 else [to_string(item) for item in value.values]
    if isinstance(value, datetime | date):
        return to_string(value)
    return value


def in_range(bounds: RangeParameters, value: float) -> bool:
    """A range answer: within start..end and on a step."""
    low, high = sorted((bounds.start, bounds.end))
    steps = (value - bounds.start) / bounds.step
    return low <= value <= high and math.isclose(steps, round(steps), abs_tol=1e-9)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_integer(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return f"{value!r} is not an integer"
    if not -MAX_INTEGER <= value <= MAX_INTEGER:
        return f"{value} is beyond the integers ODK stores (32-bit, at most {MAX_INTEGER} in size)"
    return None


def _check_number(value: Any) -> str | None:
    return None if _is_number(value) else f"{value!r} is not a number"


def _check_text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"{value!r} is not text"


def _check_select_multiple(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"{value!r} is not a list of choice names"
    if len(set(value)) != len(value):
        return "a choice is chosen twice"
    return None


def offered_once(chosen: list[Any], offered: frozenset[str]) -> bool:
    """A select_multiple answer of distinct names (str) of offered choices: what its checks pass."""
    for name in chosen:
        if name.__class__ is not str or name not in offered:
            return False
    return len(set(chosen)) == len(chosen)


def _check_date(value: Any) -> str | None:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not a date (YYYY-MM-DD)"


def _check_datetime(value: Any) -> str | None:
    if isinstance(value, str) and _DATETIME.fullmatch(value):
        try:
            datetime.fromisoformat((_FRACTION.sub(r".\1", value) if "." in value else value).replace("Z", "+00:00"))
            return None
        except ValueError:
            pass
    return f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM:SS with an offset)"


def _check_time(value: Any) -> str | None:
    return None if isinstance(value, str) and _TIME.fullmatch(value) else f"{value!r} is not a time (HH:MM:SS)"


def _check_geopoint(value: Any) -> str | None:
    parts = value.split() if isinstance(value, str) else []
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if 2 <= len(numbers) <= 4 and all(map(math.isfinite, numbers)):
        if -90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180:
            return None
    return f"{value!r} is not a geopoint ('latitude longitude [altitude [accuracy]]')"


def _check_acknowledge(value: Any) -> str | None:
    return None if value == "OK" else "an acknowledge is answered \"OK\""


TYPE_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "integer": _check_integer,
    "decimal": _check_number,
    "range": _check_number,
    "text": _check_text,
    "select_one": _check_text,
    "select_multiple": _check_select_multiple,
    "date": _check_date,
    "today": _check_date,
    "datetime": _check_datetime,
    "start": _check_datetime,
    "end": _check_datetime,
    "time": _check_time,
    "geopoint": _check_geopoint,
    "acknowledge": _check_acknowledge,
    "deviceid": _check_text,
    "username": _check_text,
}

# The class of a value that passes the type's check whatever it holds: the check need not run.
PLAIN_TYPES: dict[str, type] = {
    question_type: str for question_type, check in TYPE_CHECKS.items() if check is _check_text
}
