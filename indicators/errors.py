"""The one error type of the indicators package: a stable code plus which indicator and variable."""

from __future__ import annotations

from typing import Any


class IndicatorError(Exception):
    """Bad input or an impossible request, with a stable ``code`` the web and CLI layers map.

    ``indicator`` and ``variable`` say where (a catalogue id, a standard variable or a column),
    ``expected`` and ``got`` say why when a value is at fault.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        indicator: str | None = None,
        variable: str | None = None,
        expected: Any = None,
        got: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.indicator = indicator
        self.variable = variable
        self.expected = expected
        self.got = got

    def __str__(self) -> str:
        where = []
        if self.indicator is not None:
            where.append(f"indicator {self.indicator!r}")
        if self.variable is not None:
            where.append(f"variable {self.variable!r}")
        detail = f" ({', '.join(where)})" if where else ""
        return f"[{self.code}] {self.message}{detail}"
