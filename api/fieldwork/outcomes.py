"""AAPOR final disposition codes (Standard Definitions, in-person household surveys) and the
outcome rates computed from them.

Rates follow AAPOR's definitions with I complete, P partial, R refusal and break-off, NC
non-contact, O other eligible non-interview, UH unknown whether a housing unit, UO other unknown
eligibility (unknown whether an eligible respondent lives there), NE not eligible:

    RR1  = I / ((I + P) + (R + NC + O) + (UH + UO))
    RR2  = (I + P) / ((I + P) + (R + NC + O) + (UH + UO))
    RR3  = I / ((I + P) + (R + NC + O) + e (UH + UO))
    RR4  = (I + P) / ((I + P) + (R + NC + O) + e (UH + UO))
    COOP1 = I / ((I + P) + R + O)        COOP2 = (I + P) / ((I + P) + R + O)
    REF1 = R / ((I + P) + (R + NC + O) + (UH + UO))
    CON1 = ((I + P) + R + O) / ((I + P) + (R + NC + O) + (UH + UO))

e, the share of unknown-eligibility cases taken as eligible, is estimated by proportional
allocation (the CASRO method): the eligible share among cases whose eligibility is known,
e = (I + P + R + NC + O) / (I + P + R + NC + O + NE) — the same e weighting/nonresponse uses.
A rate whose denominator is zero (or that needs an undefined e) is None.
"""

from collections.abc import Iterable
from dataclasses import dataclass

CODES: dict[str, str] = {
    "1.1": "complete interview",
    "1.2": "partial interview",
    "2.10": "refusal and break-off",
    "2.11": "refusal",
    "2.111": "household-level refusal",
    "2.112": "known-respondent refusal",
    "2.12": "break-off",
    "2.20": "non-contact",
    "2.23": "unable to enter building or reach housing unit",
    "2.24": "no one at residence",
    "2.25": "respondent away or unavailable",
    "2.30": "other eligible non-interview",
    "2.31": "dead",
    "2.32": "physically or mentally unable",
    "2.33": "language problem",
    "2.36": "other (miscellaneous)",
    "3.10": "unknown if housing unit",
    "3.11": "not attempted or worked",
    "3.17": "unable to reach or unsafe area",
    "3.18": "unable to locate address",
    "3.20": "housing unit, unknown if eligible respondent",
    "3.21": "no screener completed",
    "3.90": "other unknown eligibility",
    "4.10": "out of sample",
    "4.50": "not a housing unit",
    "4.51": "business, government office or other organisation",
    "4.52": "institution",
    "4.53": "group quarters",
    "4.60": "vacant housing unit",
    "4.61": "regular vacant residence",
    "4.62": "seasonal, vacation or temporary residence",
    "4.63": "other vacant",
    "4.70": "no eligible respondent",
    "4.90": "other not eligible",
}

# What weighting.nonresponse calls each outcome group (1.x, 2.x, 3.x, 4.x).
NONRESPONSE_CATEGORY = {"1": "respondent", "2": "nonrespondent", "3": "unknown", "4": "ineligible"}
# A case with no recorded disposition was never worked: AAPOR's 3.11.
NOT_WORKED = "unknown"


def rate_group(code: str) -> str:
    """I, P, R, NC, O, UH, UO or NE."""
    if code == "1.1":
        return "I"
    if code == "1.2":
        return "P"
    if code.startswith("2.1"):
        return "R"
    if code.startswith("2.2"):
        return "NC"
    if code.startswith("2.3"):
        return "O"
    if code.startswith("3.1"):
        return "UH"
    if code.startswith("3."):
        return "UO"
    return "NE"


def nonresponse_category(code: str | None) -> str:
    return NOT_WORKED if code is None else NONRESPONSE_CATEGORY[code[0]]


@dataclass(frozen=True)
class OutcomeRates:
    counts: dict[str, int]  # by rate group
    e: float | None
    rr1: float | None
    rr2: float | None
    rr3: float | None
    rr4: float | None
    coop1: float | None
    coop2: float | None
    ref1: float | None
    con1: float | None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def outcome_rates(codes: Iterable[str]) -> OutcomeRates:
    counts = dict.fromkeys(("I", "P", "R", "NC", "O", "UH", "UO", "NE"), 0)
    for code in codes:
        counts[rate_group(code)] += 1
    interviews = counts["I"] + counts["P"]
    eligible_non_interviews = counts["R"] + counts["NC"] + counts["O"]
    unknown = counts["UH"] + counts["UO"]
    e = _ratio(interviews + eligible_non_interviews, interviews + eligible_non_interviews + counts["NE"])
    all_cases = interviews + eligible_non_interviews + unknown
    if unknown == 0:
        estimated = float(interviews + eligible_non_interviews)
    else:
        estimated = None if e is None else interviews + eligible_non_interviews + e * unknown
    cooperating = interviews + counts["R"] + counts["O"]
    return OutcomeRates(
        counts=counts,
        e=e,
        rr1=_ratio(counts["I"], all_cases),
        rr2=_ratio(interviews, all_cases),
        rr3=None if estimated is None else _ratio(counts["I"], estimated),
        rr4=None if estimated is None else _ratio(interviews, estimated),
        coop1=_ratio(counts["I"], cooperating),
        coop2=_ratio(interviews, cooperating),
        ref1=_ratio(counts["R"], all_cases),
        con1=_ratio(cooperating, all_cases),
    )
