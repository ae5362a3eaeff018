"""Column types shared by every domain's tables, and the values a request may bring for them."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The largest value of an integer column (PostgreSQL's `integer`: every id, the counts; SQLite's hold more).
INTEGER_MAX = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on both databases.

    SQLite has no time zones and returns naive values; this type stores UTC and
    always hands back aware datetimes, so comparisons never mix the two kinds.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- what a request may bring for these columns -------------------------------------------------------
# PostgreSQL refuses text with a NUL character and SQLite does not; a time whose UTC form falls outside the
# years 1-9999 cannot be written at all. Refused where a request is read, they get an error naming their
# field on both databases, and in a batch only their own interview is refused.

def is_storable_text(value: str) -> bool:
    return "\x00" not in value


NUL_REFUSED = "must not contain the NUL character (\\u0000): the database cannot store it"


def storable_text(value: str) -> str:
    if not is_storable_text(value):
        raise ValueError(NUL_REFUSED)
    return value


def storable_time(value: datetime) -> datetime:
    if value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError("is outside the years 1 to 9999 once converted to UTC") from None
    return value


StorableText = Annotated[str, AfterValidator(storable_text)]
StorableTime = Annotated[datetime, AfterValidator(storable_time)]
