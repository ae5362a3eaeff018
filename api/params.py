"""Path and query parameters shared by routers.

Record ids are bounded to what both databases store (PostgreSQL's INTEGER): an id beyond
that names no record, and unbounded it overflows SQLite's binding (a 500) before the query runs.
"""

from typing import Annotated

from fastapi import Path, Query

MAX_RECORD_ID = 2**31 - 1

RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID)]
RecordIdQuery = Annotated[int | None, Query(ge=1, le=MAX_RECORD_ID)]
