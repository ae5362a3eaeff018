"""The one error type of the weighting package: a stable code plus where and why."""

from __future__ import annotations

from typing import Any


class WeightingError(Exception):
    """Bad input or an impossible request, with a stable ``code`` the web and CLI layers map.

    ``column`` and ``row`` say where (row is the 0-based position in the data frame),
    ``expected`` and ``got`` say why when a value is at fault.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        column: str | None = None,
        row: int | None = None,
        expected: Any = None,
        got: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.column = column
        self.row = row
        self.expected = expected
        self.got = got

    def __str__(self) -> str:
        where = []
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        detail = f" ({', '.join(where)})" if where else ""
        return f"[{self.code}] {self.message}{detail}"
