"""Dates in expressions: ISO text in answers, days since 1970-01-01 as numbers, format-date()."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

EPOCH_DATE = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECONDS_PER_DAY = 86_400

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_CLOCK = r"\d{2}:\d{2}(:\d{2}(?P<fraction>\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?"
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T" + _CLOCK, re.ASCII)
_ISO_TIME = re.compile(_CLOCK, re.ASCII)


def parse_iso(text: str) -> date | datetime | None:
    """A date or date-time written as ODK writes them, else None.

    A time of day ("HH:MM[:SS[.fff]][offset]", the answer of a time question) is a date-time on
    1970-01-01, as in JavaRosa, so that times compare with < and >.
    """
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        return _or_none(date.fromisoformat, text)
    for pattern, prefix in ((_ISO_DATETIME, ""), (_ISO_TIME, "1970-01-01T")):
        match = pattern.fullmatch(text)
        if match:
            fraction = match.group("fraction")
            if fraction:  # fromisoformat takes at most microseconds; ODK writes milliseconds, others more
                text = text.replace(fraction, "." + fraction[1:7].ljust(6, "0"), 1)
            return _or_none(datetime.fromisoformat, prefix + text)
    return None


def _or_none(convert: Callable[[str], date], text: str) -> date | None:
    try:
        return convert(text)
    except ValueError:  # well-formed but impossible, e.g. 2023-02-30 or 25:00
        return None


def days_since_epoch(value: date | datetime) -> float:
    """Whole days for a date, fractional days for a date-time (naive date-times are taken as UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return (aware - EPOCH).total_seconds() / SECONDS_PER_DAY
    return float((value - EPOCH_DATE).days)


def from_days(days: float) -> date | datetime | None:
    """The inverse of days_since_epoch: a date for whole days, a UTC date-time otherwise."""
    if not math.isfinite(days):
        return None
    try:
        if days == int(days):
            return EPOCH_DATE + timedelta(days=int(days))
        return EPOCH + timedelta(days=days)
    except OverflowError:
        return None


def iso_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds")
    return value.isoformat()


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_date(value: date | datetime, pattern: str) -> str:
    """ODK's format-date(): %Y %y %m %n %b %d %e %a %H %h %M %S %3; other text is kept."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    fields = {
        "Y": f"{moment.year:04d}",
        "y": f"{moment.year % 100:02d}",
        "m": f"{moment.month:02d}",
        "n": str(moment.month),
        "b": _MONTHS[moment.month - 1],
        "d": f"{moment.day:02d}",
        "e": str(moment.day),
        "a": _WEEKDAYS[moment.weekday()],
        "H": f"{moment.hour:02d}",
        "h": str(moment.hour),
        "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}",
        "3": f"{moment.microsecond // 1000:03d}",
    }
    return re.sub(r"%(.)", lambda match: fields.get(match.group(1), match.group(0)), pattern)
