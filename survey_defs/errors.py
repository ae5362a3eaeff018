"""Errors of survey_defs: every one carries a stable ``code``; form problems also say where."""

from pydantic import BaseModel, ConfigDict


class SurveyDefsError(Exception):
    """Base of every error raised by survey_defs; ``code`` is stable and meant for programs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Problem(BaseModel):
    """One problem found in an XLSForm, located by sheet, row (the spreadsheet row, header = 1) and column."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"sheet {self.sheet!r}" if self.sheet else "",
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column!r}" if self.column else "",
            )
            if part
        )
        return f"[{self.code}] {where + ': ' if where else ''}{self.message}"


class InstrumentInvalid(SurveyDefsError):
    """An XLSForm could not be read or is not a valid instrument; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        summary = "; ".join(str(problem) for problem in self.problems[:5])
        more = f" (and {count - 5} more)" if count > 5 else ""
        super().__init__("instrument_invalid", f"{count} problem(s) in the instrument: {summary}{more}")
