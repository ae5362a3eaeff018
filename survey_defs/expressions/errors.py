"""The one error type of the expression language."""

from __future__ import annotations


class ExpressionError(Exception):
    """A problem with an XLSForm expression, at parse or evaluation time.

    `code` is stable and meant for programs: syntax, too_long, too_deep, number_too_large,
    unknown_function, wrong_arity, bad_argument, regex_invalid, type, unsupported.
    `position` is the character offset in `expression` where the problem starts, when known.
    """

    def __init__(self, code: str, message: str, *, position: int | None = None, expression: str | None = None):
        self.code = code
        self.message = message
        self.position = position
        self.expression = expression
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f" at character {self.position}" if self.position is not None else ""
        text = f" in {self.expression!r}" if self.expression is not None else ""
        return f"{self.code}: {self.message}{where}{text}"

    def located(self, expression: str) -> ExpressionError:
        """The same error, naming the expression it came from."""
        return ExpressionError(self.code, self.message, position=self.position, expression=expression)
