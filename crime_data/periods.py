"""Reference periods of administrative figures: a calendar year or one month of it."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from crime_data.tables import CellError

_PERIOD = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    month: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1 to 12")

    def __str__(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def is_month(self) -> bool:
        return self.month is not None

    @property
    def days(self) -> int:
        if self.month is None:
            return 366 if calendar.isleap(self.year) else 365
        return calendar.monthrange(self.year, self.month)[1]

    def contains(self, other: Period) -> bool:
        """A year contains itself and its months; a month contains only itself."""
        return other.year == self.year and (self.month is None or other.month == self.month)

    @classmethod
    def of_date(cls, day: date) -> Period:
        return cls(day.year, day.month)


def parse_period(value: object) -> Period:
    """'2024' (a year), '2024-03' (a month), a year typed as a number, or a date cell (its month)."""
    if value is None:
        raise CellError("missing_value", "period is missing")
    if isinstance(value, datetime | date):
        return Period.of_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    match = _PERIOD.match(str(value))
    if match is None:
        raise CellError("bad_period", f"{value!r} is not a period of the form YYYY or YYYY-MM")
    month = int(match.group(2)) if match.group(2) is not None else None
    if month is not None and not 1 <= month <= 12:
        raise CellError("bad_period", f"{value!r} has no month {month}")
    return Period(int(match.group(1)), month)
