"""The one error type of crime_data, and the report of row problems found while reading a file.

Every problem a user can cause carries a stable `code` (the web layer maps codes to HTTP) and says
where: the file, and the line as a person sees it (CSV line number counting the header as line 1,
or the sheet name and row number of a workbook).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """Where a row sits in its file, as a person opening the file would find it."""

    file: str
    line: int
    sheet: str | None = None

    def __str__(self) -> str:
        if self.sheet is None:
            return f"{self.file}, line {self.line}"
        return f"{self.file}, sheet {self.sheet!r}, row {self.line}"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One row that failed validation: where, which column, and why (with a stable code)."""

    location: Location
    code: str
    message: str
    column: str | None = None

    def __str__(self) -> str:
        column = f", column {self.column!r}" if self.column else ""
        return f"{self.location}{column}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class ValidationReport:
    """All row problems found in one file, in file order."""

    file: str
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems

    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    def __str__(self) -> str:
        if self.ok:
            return f"{self.file}: no problems"
        lines = [f"{self.file}: {len(self.problems)} row(s) failed validation"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)


class CrimeDataError(Exception):
    """Bad input or an impossible request; `code` is stable and safe to branch on.

    `file` and `line` say where when the error belongs to one place in one file; `report` lists every
    failing row when a whole file was refused.
    """

    def __init__(
        self,
        code: str,
        message: str,
        file: str | None = None,
        line: int | None = None,
        report: ValidationReport | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.report = report
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}, line {self.line}: " if self.line is not None else f"{self.file}: "
        text = f"{where}{self.message} [{self.code}]"
        if self.report is not None and not self.report.ok:
            text += "\n" + "\n".join(f"  {problem}" for problem in self.report.problems)
        return text
