"""Reading ODK date, date-time and time text, and converting to and from days since 1970-01-01."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from survey_defs.expressions.dates import days_since_epoch, from_days, iso_text, parse_iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21", date(2026, 11, 21)),
        (" 2026-11-21 ", date(2026, 11, 21)),
        ("2026-11-21T10:30", datetime(2026, 11, 21, 10, 30)),
        ("2026-11-21T10:30:15.250Z", datetime(2026, 11, 21, 10, 30, 15, 250_000, tzinfo=UTC)),
        ("2026-11-21T10:30:15.123456789-05:00", datetime(2026, 11, 21, 10, 30, 15, 123_456, tzinfo=timezone(timedelta(hours=-5)))),
        ("2026-11-21T10:30:15+0530", datetime(2026, 11, 21, 10, 30, 15, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
        ("10:30:15.000+02:00", datetime(1970, 1, 1, 10, 30, 15, tzinfo=timezone(timedelta(hours=2)))),
        ("2026-02-30", None),
        ("2026-13-01T00:00", None),
        ("24:30", None),
        ("21/11/2026", None),
        ("2026-11-21 10:30", None),
        ("２０２６-11-21", None),
        ("", None),
    ],
)
def test_parse_iso(text, expected):
    assert parse_iso(text) == expected


@pytest.mark.parametrize(
    ("value", "days"),
    [
        (date(1970, 1, 1), 0.0),
        (date(1969, 12, 31), -1.0),
        (datetime(1970, 1, 2, 6), 1.25),  # naive date-times are read as UTC
        (datetime(1970, 1, 2, 6, tzinfo=timezone(timedelta(hours=6))), 1.0),
    ],
)
def test_days_since_epoch(value, days):
    assert days_since_epoch(value) == days


def test_from_days_gives_a_date_for_whole_days_and_a_utc_date_time_otherwise():
    assert from_days(1.0) == date(1970, 1, 2)
    assert from_days(1.5) == datetime(1970, 1, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize("days", [float("nan"), float("inf"), 1e12])
def test_from_days_outside_the_calendar_is_none(days):
    assert from_days(days) is None


def test_iso_text_writes_milliseconds_for_date_times():
    assert iso_text(datetime(2026, 1, 2, 3, 4, 5, 6_000, tzinfo=UTC)) == "2026-01-02T03:04:05.006+00:00"
    assert iso_text(date(2026, 1, 2)) == "2026-01-02"
