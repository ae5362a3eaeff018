"""Quality and disclosure flags: named, configurable profiles applied to estimate rows.

A profile is data: an ordered tuple of rules, each a frozen dataclass with its thresholds and the
statistics it applies to. Applying a profile returns new rows whose ``flag`` is a stable code:

- ``"reliable"``: every applicable rule passes;
- ``"<status>:<reason>"``: the most severe failing rule, e.g. ``"caution:cv"``,
  ``"suppressed:min_base"``, ``"review:low_df"``; statuses rank
  ``review < caution < unreliable < suppressed``;
- ``"not_assessed"``: the profile has no rule for this statistic (NCHS only defines proportions).

``describe_flag`` turns a code back into a sentence with the profile's own thresholds. Suppressed
rows of a profile with ``redact_suppressed`` lose their statistics (only ``n`` and the flag stay):
a suppressed cell is not to be published, and a release must not leak it by accident.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeVar

from scipy import stats

from weighting.errors import WeightingError

STATISTICS = frozenset({"mean", "total", "proportion", "ratio", "quantile"})
STATUSES = ("review", "caution", "unreliable", "suppressed")
RELIABLE = "reliable"
NOT_ASSESSED = "not_assessed"
REDACTED_FIELDS = ("estimate", "se", "ci_low", "ci_high", "cv", "deff", "weighted_n")


class AssessableRow(Protocol):
    """The estimate-row fields the rules read (``weighting`` estimators' ``EstimateRow``)."""

    estimate: float | None
    se: float | None
    cv: float | None
    df: float | None
    n: int
    flag: str | None


RowT = TypeVar("RowT", bound=AssessableRow)


@dataclass(frozen=True)
class Finding:
    """One failed rule: how bad (``status``) and which rule (``reason``)."""

    status: str
    reason: str

    @property
    def code(self) -> str:
        return f"{self.status}:{self.reason}"


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)


def _check_status(status: str, field: str) -> None:
    if status not in STATUSES:
        raise WeightingError(
            "invalid_quality_profile", f"{field} must be one of {', '.join(STATUSES)}", expected=STATUSES, got=status
        )


def _check_statistics(applies_to: frozenset[str]) -> None:
    unknown = sorted(set(applies_to) - STATISTICS)
    if unknown or not applies_to:
        raise WeightingError(
            "invalid_quality_profile",
            "applies_to must name at least one statistic, among " + ", ".join(sorted(STATISTICS)),
            expected=sorted(STATISTICS),
            got=unknown or [],
        )


@dataclass(frozen=True)
class MinimumBase:
    """Fewer than ``min_n`` unweighted respondents in the cell."""

    kind: ClassVar[str] = "minimum_base"
    min_n: int = 30
    status: str = "suppressed"
    applies_to: frozenset[str] = STATISTICS

    def __post_init__(self) -> None:
        _check_status(self.status, "minimum_base.status")
        _check_statistics(self.applies_to)

    def assess(self, row: AssessableRow) -> Finding | None:
        return Finding(self.status, "min_base") if row.n < self.min_n else None

    def explanations(self) -> dict[str, str]:
        return {"min_base": f"fewer than {self.min_n} unweighted respondents"}


@dataclass(frozen=True)
class MinimumDf:
    """Fewer than ``min_df`` degrees of freedom (PSUs minus strata) behind the variance."""

    kind: ClassVar[str] = "minimum_df"
    min_df: float = 9
    status: str = "unreliable"
    applies_to: frozenset[str] = STATISTICS

    def __post_init__(self) -> None:
        _check_status(self.status, "minimum_df.status")
        _check_statistics(self.applies_to)

    def assess(self, row: AssessableRow) -> Finding | None:
        return Finding(self.status, "min_df") if _missing(row.df) or row.df < self.min_df else None

    def explanations(self) -> dict[str, str]:
        return {"min_df": f"fewer than {self.min_df:g} degrees of freedom"}


@dataclass(frozen=True)
class CvBands:
    """Coefficient-of-variation bands: reliable, then caution from ``caution_cv``, then ``fail_status``.

    CVs are fractions (0.15 is 15%). ``limits_inclusive`` says whether a CV equal to a limit stays
    in the better band (INE Chile: cv <= 15% is reliable) or falls in the worse one (INEGI: 15% is
    already "moderate"). An undefined CV (zero or missing estimate) counts as failing.
    """

    kind: ClassVar[str] = "cv_bands"
    caution_cv: float = 0.15
    fail_cv: float = 0.30
    limits_inclusive: bool = False
    fail_status: str = "unreliable"
    applies_to: frozenset[str] = STATISTICS

    def __post_init__(self) -> None:
        _check_status(self.fail_status, "cv_bands.fail_status")
        _check_statistics(self.applies_to)
        if not 0 < self.caution_cv <= self.fail_cv:
            raise WeightingError(
                "invalid_quality_profile",
                "cv_bands needs 0 < caution_cv <= fail_cv",
                expected="0 < caution_cv <= fail_cv",
                got=(self.caution_cv, self.fail_cv),
            )

    def _beyond(self, cv: float, limit: float) -> bool:
        return cv > limit if self.limits_inclusive else cv >= limit

    def assess(self, row: AssessableRow) -> Finding | None:
        if _missing(row.cv):
            return Finding(self.fail_status, "cv_undefined")
        if self._beyond(row.cv, self.fail_cv):
            return Finding(self.fail_status, "cv")
        if self._beyond(row.cv, self.caution_cv):
            return Finding("caution", "cv")
        return None

    def explanations(self) -> dict[str, str]:
        over = "above" if self.limits_inclusive else "at or above"
        return {
            "cv": f"coefficient of variation {over} {self.caution_cv:.0%} ({self.fail_status} {over} {self.fail_cv:.0%})",
            "cv_undefined": "coefficient of variation undefined (zero or missing estimate)",
        }


def ine_chile_se_limit(proportion: float) -> float:
    """INE Chile's admissible standard error for a proportion: min(p, 1 - p)^(2/3) / 9."""
    return min(proportion, 1.0 - proportion) ** (2.0 / 3.0) / 9.0


@dataclass(frozen=True)
class ProportionSe:
    """INE Chile (2020) rule for proportions: the SE must not exceed min(p, 1-p)^(2/3) / 9."""

    kind: ClassVar[str] = "proportion_se"
    status: str = "caution"
    applies_to: frozenset[str] = frozenset({"proportion"})

    def __post_init__(self) -> None:
        _check_status(self.status, "proportion_se.status")
        _check_statistics(self.applies_to)

    def assess(self, row: AssessableRow) -> Finding | None:
        if _missing(row.estimate) or _missing(row.se):
            return Finding(self.status, "se")
        return Finding(self.status, "se") if row.se > ine_chile_se_limit(row.estimate) else None

    def explanations(self) -> dict[str, str]:
        return {"se": "standard error above min(p, 1-p)^(2/3)/9"}


def effective_sample_size(proportion: float, se: float, n: int) -> float:
    """NCHS effective sample size n / deff = p(1-p)/SE^2, never above n (deff < 1 counts as 1).

    With no events (p of 0 or 1) the design effect is undefined and NCHS uses n.
    """
    if proportion <= 0 or proportion >= 1 or se <= 0:
        return float(n)
    return min(float(n), proportion * (1 - proportion) / se**2)


def korn_graubard_interval(proportion: float, se: float, n: int, df: float, level: float = 0.95) -> tuple[float, float]:
    """The Korn-Graubard interval of the NCHS standard (Parker et al. 2017).

    R ``svyciprop(method = "beta")`` with the effective sample size adjusted for the design's
    degrees of freedom, (t_{n-1} / t_df)^2, and capped at ``n`` as NCHS does (M. Talih's
    ``svyciprop_adjusted``); without the cap it is R's interval exactly.
    """
    alpha = 1 - level
    if 0 < proportion < 1 and se > 0:
        # No degrees of freedom leaves nothing to estimate with: the interval becomes (0, 1).
        ratio = (stats.t.ppf(alpha / 2, n - 1) / stats.t.ppf(alpha / 2, df)) ** 2 if df > 0 else 0.0
        n_eff = min(float(n), proportion * (1 - proportion) / se**2 * ratio)
    else:
        n_eff = float(n)
    successes, failures = n_eff * proportion, n_eff * (1 - proportion)
    low = 0.0 if successes <= 0 else float(stats.beta.ppf(alpha / 2, successes, failures + 1))
    high = 1.0 if failures <= 0 else float(stats.beta.ppf(1 - alpha / 2, successes + 1, failures))
    return low, high


@dataclass(frozen=True)
class NchsProportion:
    """NCHS Data Presentation Standards for Proportions (Vital Health Stat 2(175), 2017).

    In order: suppress when the effective sample size is below ``min_effective_n``; present when
    the Korn-Graubard CI is at most ``small_width`` wide; suppress when it is ``max_width`` or wider,
    or when its width relative to p exceeds ``max_relative_width``; otherwise present. Presented
    estimates go to statistical review when the CI width relative to 1-p exceeds
    ``max_relative_width``, when there are no events (p of 0 or 1), or with fewer than ``min_df``
    degrees of freedom. Thresholds and order follow CDC's surveytable implementation.
    """

    kind: ClassVar[str] = "nchs_proportion"
    min_effective_n: float = 30
    small_width: float = 0.05
    max_width: float = 0.30
    max_relative_width: float = 1.30
    min_df: float = 8
    level: float = 0.95
    applies_to: frozenset[str] = frozenset({"proportion"})

    def __post_init__(self) -> None:
        _check_statistics(self.applies_to)

    def assess(self, row: AssessableRow) -> Finding | None:
        if _missing(row.estimate) or _missing(row.se):
            return Finding("suppressed", "no_estimate")
        p, se = row.estimate, row.se
        if effective_sample_size(p, se, row.n) < self.min_effective_n:
            return Finding("suppressed", "effective_n")
        if p <= 0 or p >= 1:
            return Finding("review", "no_events")
        df = 0.0 if _missing(row.df) else float(row.df)
        low, high = korn_graubard_interval(p, se, row.n, df, self.level)
        width = high - low
        if width > self.small_width:
            if width >= self.max_width:
                return Finding("suppressed", "ci_width")
            if width / p > self.max_relative_width:
                return Finding("suppressed", "relative_ci_width")
            if width / (1 - p) > self.max_relative_width:
                return Finding("review", "complement_ci_width")
        return Finding("review", "low_df") if df < self.min_df else None

    def explanations(self) -> dict[str, str]:
        return {
            "no_estimate": "no proportion or standard error to assess",
            "effective_n": f"effective sample size below {self.min_effective_n:g}",
            "no_events": "no events (proportion of 0 or 1)",
            "ci_width": f"Korn-Graubard confidence interval {self.max_width:.0%} wide or wider",
            "relative_ci_width": f"Korn-Graubard confidence interval wider than {self.max_relative_width:.0%} of the proportion",
            "complement_ci_width": f"Korn-Graubard confidence interval wider than {self.max_relative_width:.0%} of the complement",
            "low_df": f"fewer than {self.min_df:g} degrees of freedom",
        }


Rule = MinimumBase | MinimumDf | CvBands | ProportionSe | NchsProportion
RULE_TYPES: Mapping[str, type[Rule]] = MappingProxyType(
    {rule.kind: rule for rule in (MinimumBase, MinimumDf, CvBands, ProportionSe, NchsProportion)}
)


@dataclass(frozen=True)
class QualityProfile:
    """A named set of rules; the worst failing rule (earliest among equals) names the flag."""

    name: str
    description: str
    rules: tuple[Rule, ...]
    redact_suppressed: bool = True

    def __post_init__(self) -> None:
        reasons = [reason for rule in self.rules for reason in rule.explanations()]
        if len(reasons) != len(set(reasons)):
            raise WeightingError(
                "invalid_quality_profile",
                f"profile {self.name!r} has two rules with the same reason code",
                got=reasons,
            )

    def flag(self, row: AssessableRow, statistic: str) -> str:
        applicable = [rule for rule in self.rules if statistic in rule.applies_to]
        if not applicable:
            return NOT_ASSESSED
        findings = [finding for rule in applicable if (finding := rule.assess(row)) is not None]
        if not findings:
            return RELIABLE
        worst = max(findings, key=lambda finding: STATUSES.index(finding.status))
        return worst.code


def apply_profile(rows: Sequence[RowT], profile: QualityProfile, *, statistic: str) -> tuple[RowT, ...]:
    """New rows with ``flag`` set by ``profile``; the input rows are left as they are."""
    if statistic not in STATISTICS:
        raise WeightingError("unknown_statistic", "no such statistic", expected=sorted(STATISTICS), got=statistic)
    flagged = []
    for row in rows:
        flag = profile.flag(row, statistic)
        changes: dict[str, Any] = {"flag": flag}
        if profile.redact_suppressed and flag.startswith("suppressed:"):
            changes.update(dict.fromkeys(REDACTED_FIELDS))
        flagged.append(dataclasses.replace(row, **changes))
    return tuple(flagged)


def describe_flag(flag: str, profile: QualityProfile) -> str:
    """A sentence for a flag code, using the thresholds of the profile that set it."""
    if flag == RELIABLE:
        return f"meets every rule of the {profile.name} profile"
    if flag == NOT_ASSESSED:
        return f"the {profile.name} profile has no rule for this statistic"
    status, _, reason = flag.partition(":")
    for rule in profile.rules:
        explanation = rule.explanations().get(reason)
        if explanation is not None and status in STATUSES:
            return f"{status}: {explanation}"
    raise WeightingError("unknown_flag", f"flag {flag!r} is not produced by profile {profile.name!r}", got=flag)


PROFILES: Mapping[str, QualityProfile] = MappingProxyType(
    {
        profile.name: profile
        for profile in (
            QualityProfile(
                "inegi",
                "INEGI precision bands: CV < 15% reliable, 15% to under 30% use with caution, 30% or more unreliable",
                (CvBands(caution_cv=0.15, fail_cv=0.30, limits_inclusive=False),),
                redact_suppressed=False,
            ),
            QualityProfile(
                "ine_chile",
                "INE Chile (2020) household-survey standard: n >= 60 and df >= 9, then CV bands 15%/30% "
                "(reliable up to and including the limit), or for proportions SE <= min(p,1-p)^(2/3)/9",
                (
                    MinimumBase(min_n=60, status="unreliable"),
                    MinimumDf(min_df=9, status="unreliable"),
                    CvBands(
                        caution_cv=0.15,
                        fail_cv=0.30,
                        limits_inclusive=True,
                        applies_to=STATISTICS - {"proportion"},
                    ),
                    ProportionSe(),
                ),
                redact_suppressed=False,
            ),
            QualityProfile(
                "nchs",
                "NCHS Data Presentation Standards for Proportions (2017): effective n, Korn-Graubard CI widths, df",
                (NchsProportion(),),
            ),
            QualityProfile(
                "min_base",
                "Suppress cells with fewer than 30 unweighted respondents",
                (MinimumBase(min_n=30),),
            ),
            QualityProfile(
                "vawg",
                "Sensitive (VAWG) tables: suppress cells under 50 respondents or with CV of 30% or more; "
                "df >= 9; CV from 15% with caution",
                (
                    MinimumBase(min_n=50),
                    MinimumDf(min_df=9),
                    CvBands(caution_cv=0.15, fail_cv=0.30, fail_status="suppressed"),
                ),
            ),
        )
    }
)


def get_profile(name: str) -> QualityProfile:
    """A built-in profile by name."""
    try:
        return PROFILES[name]
    except KeyError:
        raise WeightingError(
            "unknown_quality_profile", f"no quality profile named {name!r}", expected=sorted(PROFILES), got=name
        ) from None


def profile_from_dict(data: Mapping[str, Any]) -> QualityProfile:
    """A user profile from plain data (e.g. parsed JSON)::

        {"name": "survey_x", "description": "...", "redact_suppressed": true,
         "rules": [{"rule": "minimum_base", "min_n": 50},
                   {"rule": "cv_bands", "caution_cv": 0.1, "fail_cv": 0.2, "applies_to": ["mean"]}]}
    """
    known = {"name", "description", "rules", "redact_suppressed"}
    unknown = sorted(set(data) - known)
    if unknown or "name" not in data or not isinstance(data.get("rules"), list):
        raise WeightingError(
            "invalid_quality_profile",
            "a profile needs 'name' and a list of 'rules' (optional: 'description', 'redact_suppressed')",
            expected=sorted(known),
            got=unknown or sorted(data),
        )
    rules = tuple(_rule_from_dict(index, rule) for index, rule in enumerate(data["rules"]))
    return QualityProfile(
        name=str(data["name"]),
        description=str(data.get("description", "")),
        rules=rules,
        redact_suppressed=bool(data.get("redact_suppressed", True)),
    )


def _rule_from_dict(index: int, data: Any) -> Rule:
    where = f"rules[{index}]"
    if not isinstance(data, Mapping) or data.get("rule") not in RULE_TYPES:
        raise WeightingError(
            "invalid_quality_profile",
            f"{where}.rule must be one of {', '.join(RULE_TYPES)}",
            column=where,
            expected=sorted(RULE_TYPES),
            got=data.get("rule") if isinstance(data, Mapping) else data,
        )
    rule_type = RULE_TYPES[data["rule"]]
    fields = {field.name: field for field in dataclasses.fields(rule_type)}
    arguments = {key: value for key, value in data.items() if key != "rule"}
    unknown = sorted(set(arguments) - set(fields))
    if unknown:
        raise WeightingError(
            "invalid_quality_profile",
            f"{where} ({rule_type.kind}) has unknown settings",
            column=where,
            expected=sorted(fields),
            got=unknown,
        )
    for key, value in arguments.items():
        default = fields[key].default
        if key == "applies_to":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise WeightingError(
                    "invalid_quality_profile", f"{where}.applies_to must be a list of statistics", column=where, got=value
                )
            arguments[key] = frozenset(value)
        elif type(default) in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise WeightingError(
                "invalid_quality_profile", f"{where}.{key} must be a number", column=where, expected="number", got=value
            )
        elif type(default) in (bool, str) and not isinstance(value, type(default)):
            raise WeightingError(
                "invalid_quality_profile",
                f"{where}.{key} must be a {type(default).__name__}",
                column=where,
                expected=type(default).__name__,
                got=value,
            )
    return rule_type(**arguments)
