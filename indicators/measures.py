"""What an indicator computes, as data: the measure (share, ratio, total, ...) and its universe.

A counting rule is one measure plus one universe; publishing a figure publishes both through
``settings()``, so two figures computed under different rules can never be mistaken for one.
Variables are the standard variable names of the bundled instruments (see ``indicators.binding``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Value = str | int | float


def _plain(values: frozenset[Value]) -> list[Value]:
    return sorted(values, key=str)


@dataclass(frozen=True)
class AnyOf:
    """1 when any of the 0/1 variables is 1, 0 when all are 0, missing otherwise (unknown)."""

    variables: tuple[str, ...]

    def settings(self) -> dict[str, Any]:
        return {"any_of": list(self.variables)}


Operand = str | AnyOf


def operand_variables(operand: Operand | None) -> tuple[str, ...]:
    if operand is None:
        return ()
    return operand.variables if isinstance(operand, AnyOf) else (operand,)


def operand_settings(operand: Operand | None) -> Any:
    return operand.settings() if isinstance(operand, AnyOf) else operand


@dataclass(frozen=True)
class Share:
    """Weighted share of the universe whose answer to ``variable`` is one of ``counted``.

    Answers in ``excluded`` leave the denominator; every other non-missing answer stays in it
    (counted as "no"). ``substitute`` = (answer, other variable): respondents giving that answer
    are counted by their answer to the other variable instead (16.1.4's "would feel" probe).
    Missing answers (not asked, no data) always leave the denominator. Any other answer than
    those in ``answers`` is an error: a binding that forgot a recode must not count as "no".
    """

    variable: Operand
    counted: frozenset[Value] = frozenset({1})
    excluded: frozenset[Value] = frozenset()
    substitute: tuple[Value, str] | None = None
    answers: frozenset[Value] = frozenset({0, 1})
    statistic: Literal["proportion"] = field(default="proportion", init=False)

    def variables(self) -> tuple[str, ...]:
        return operand_variables(self.variable) + ((self.substitute[1],) if self.substitute else ())

    def settings(self) -> dict[str, Any]:
        return {
            "measure": "share",
            "variable": operand_settings(self.variable),
            "answers": _plain(self.answers),
            "counted": _plain(self.counted),
            "excluded_from_denominator": _plain(self.excluded),
            "substitute": None if self.substitute is None
            else {"answer": self.substitute[0], "counted_by": self.substitute[1]},
        }


@dataclass(frozen=True)
class NotReportedOrNotInvestigated:
    """The dark figure as a share of incidents: not reported, or reported with no investigation opened.

    An incident of unknown reporting, or reported with unknown investigation, leaves the
    denominator. Without unknowns the share equals 1 - reporting rate x investigation rate.
    """

    reported: str = "reported_to_authority"
    investigated: str = "investigation_opened"
    statistic: Literal["proportion"] = field(default="proportion", init=False)

    def variables(self) -> tuple[str, ...]:
        return (self.reported, self.investigated)

    def settings(self) -> dict[str, Any]:
        return {"measure": "not_reported_or_not_investigated", "reported": self.reported,
                "investigated": self.investigated}


@dataclass(frozen=True)
class RatioOf:
    """Ratio of weighted totals, times ``scale``; ``denominator`` None counts persons (each row is 1).

    Rows missing either side leave both totals (svyratio, na.rm=TRUE).
    """

    numerator: Operand
    denominator: Operand | None = None
    scale: float = 1.0
    statistic: Literal["ratio"] = field(default="ratio", init=False)

    def variables(self) -> tuple[str, ...]:
        return operand_variables(self.numerator) + operand_variables(self.denominator)

    def settings(self) -> dict[str, Any]:
        return {
            "measure": "ratio",
            "numerator": operand_settings(self.numerator),
            "denominator": "persons" if self.denominator is None else operand_settings(self.denominator),
            "scale": self.scale,
        }


@dataclass(frozen=True)
class TotalOf:
    """Weighted total of a count or 0/1 variable (incidents or victims in the population)."""

    variable: str
    statistic: Literal["total"] = field(default="total", init=False)

    def variables(self) -> tuple[str, ...]:
        return (self.variable,)

    def settings(self) -> dict[str, Any]:
        return {"measure": "total", "variable": self.variable}


@dataclass(frozen=True)
class AdministrativeRate:
    """Recorded victims per 100,000 population, computed by crime_data (homicide or femicide)."""

    kind: Literal["homicide", "femicide"]
    statistic: Literal["rate"] = field(default="rate", init=False)

    def variables(self) -> tuple[str, ...]:
        return ()

    def settings(self) -> dict[str, Any]:
        return {"measure": "administrative_rate", "kind": self.kind, "per": 100_000}


SurveyMeasure = Share | NotReportedOrNotInvestigated | RatioOf | TotalOf
Measure = SurveyMeasure | AdministrativeRate


@dataclass(frozen=True)
class Universe:
    """Who is in the denominator: a sex, an age range (inclusive) and required answers."""

    sex: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    require: tuple[tuple[str, frozenset[Value]], ...] = ()

    def variables(self) -> tuple[str, ...]:
        found = []
        if self.sex is not None:
            found.append("respondent_sex")
        if self.min_age is not None or self.max_age is not None:
            found.append("respondent_age")
        return (*found, *(variable for variable, _ in self.require))

    def settings(self) -> dict[str, Any]:
        return {
            "sex": self.sex,
            "min_age": self.min_age,
            "max_age": self.max_age,
            "require": {variable: _plain(values) for variable, values in self.require},
        }
