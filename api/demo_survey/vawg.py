"""Answers to the women's health and life experiences instrument (VAWG, SDG 5.2.1 and 5.2.2).

Intended levels among ever-partnered women: psychological partner violence in the last 12 months
about 20%, physical about 8%, sexual about 3% (more among younger women); lifetime levels about
twice as high. Non-partner sexual violence: about 10% since age 15 and 3% in the last 12 months.
Some visits end early as the WHO protocol requires: no privacy (rescheduled), refusal, or an
interruption that switches to the innocuous health questions.
"""

from typing import Any

import numpy as np

from api.demo_survey.respondents import Respondent, chance, pick
from survey_defs.instruments.vawg import NON_PARTNER_ACTS, PHYSICAL_ACTS, PSYCHOLOGICAL_ACTS, SEXUAL_ACTS

# kind -> (lifetime prevalence, share of lifetime victims also victimised in the last 12 months)
PARTNER_VIOLENCE = {"psychological": (0.38, 0.58), "physical": (0.22, 0.36), "sexual": (0.08, 0.38)}
PARTNER_ACTS = {"psychological": PSYCHOLOGICAL_ACTS, "physical": PHYSICAL_ACTS, "sexual": SEXUAL_ACTS}
NON_PARTNER_SINCE_15 = (0.10, 0.28)
NOT_PRIVATE, REFUSES, INTERRUPTED = 0.05, 0.04, 0.012


def partner_status(respondent: Respondent, rng: np.random.Generator) -> str:
    if respondent.age < 20:
        return pick(rng, {"never_partnered": 0.7, "partner_not_cohabiting": 0.18, "cohabiting": 0.1, "married": 0.02})
    return pick(rng, {"married": 0.36, "cohabiting": 0.25, "partner_not_cohabiting": 0.07,
                      "formerly_partnered": 0.19 if respondent.age < 60 else 0.42, "never_partnered": 0.13})


def vawg_answers(respondent: Respondent, rng: np.random.Generator) -> dict[str, Any]:
    """The answers after the roster; shorter when privacy, consent or an interruption ends the visit."""
    if chance(rng, NOT_PRIVATE):
        return {"privacy_check": "not_private"}
    answers: dict[str, Any] = {"privacy_check": "private"}
    if chance(rng, REFUSES):
        return {**answers, "consent": "refuses"}
    answers |= {
        "consent": "agrees",
        "self_rated_health": pick(rng, {"excellent": 0.12, "good": 0.45, "fair": 0.33, "poor": 0.08, "very_poor": 0.02}),
        "health_visit_12m": "yes" if chance(rng, 0.62) else "no",
        "partner_status": partner_status(respondent, rng),
    }
    if answers["partner_status"] != "never_partnered":
        if chance(rng, INTERRUPTED):
            return answers | {"partner_still_private": "interrupted"} | _safe_exit(rng)
        answers["partner_still_private"] = "continue"
        youth = 1.3 if respondent.age < 30 else (1.0 if respondent.age < 50 else 0.7)
        # One draw for all kinds nests them (sexual within physical within psychological), as the forms
        # of partner violence co-occur; one more draw decides how recent it is.
        severity, recency = rng.random(), rng.random()
        for kind, (lifetime, recent) in PARTNER_VIOLENCE.items():
            answers |= _partner_acts(kind, severity < lifetime, recency < recent * youth, rng)
    if chance(rng, INTERRUPTED / 2):
        return answers | {"nonpartner_still_private": "interrupted"} | _safe_exit(rng)
    answers["nonpartner_still_private"] = "continue"
    ever = chance(rng, NON_PARTNER_SINCE_15[0])
    recent = ever and chance(rng, NON_PARTNER_SINCE_15[1])
    answers |= _non_partner_acts(ever, recent, rng)
    return answers


def _partner_acts(kind: str, ever: bool, recent: bool, rng: np.random.Generator) -> dict[str, Any]:
    """Answers to one kind's acts: none, or at least one act ever (and one in the last 12 months if recent)."""
    acts = [act.name for act in PARTNER_ACTS[kind]]
    answers: dict[str, Any] = {}
    happened = set()
    if ever:
        happened = {acts[0 if kind != "physical" else int(rng.integers(2))]}  # the commonest acts come first
        happened |= {act for act in acts[1:] if chance(rng, 0.35)}
    in_12m = {sorted(happened)[int(rng.integers(len(happened)))]} if recent and happened else set()
    for act in acts:
        ever_name = f"ipv_{kind}_{act}_ever"
        if act in happened:
            answers[ever_name] = "yes"
            if act in in_12m:
                answers[f"ipv_{kind}_{act}_12m"] = "often" if chance(rng, 0.3) else "sometimes"
            elif recent and chance(rng, 0.4):
                answers[f"ipv_{kind}_{act}_12m"] = "sometimes"
            else:
                answers[f"ipv_{kind}_{act}_12m"] = "not_in_12m"
        else:
            answers[ever_name] = "refused" if chance(rng, 0.004) else "no"
    return answers


def _non_partner_acts(ever: bool, recent: bool, rng: np.random.Generator) -> dict[str, Any]:
    acts = [act.name for act in NON_PARTNER_ACTS]
    happened = {acts[int(rng.integers(len(acts)))]} if ever else set()
    answers: dict[str, Any] = {}
    for act in acts:
        if act in happened:
            answers[f"np_{act}_since15"] = "yes"
            answers[f"np_{act}_12m"] = "yes" if recent else "no"
        else:
            answers[f"np_{act}_since15"] = "refused" if chance(rng, 0.004) else "no"
    return answers


def _safe_exit(rng: np.random.Generator) -> dict[str, Any]:
    return {"sleep_hours": int(rng.integers(5, 10)), "weekly_exercise": "yes" if chance(rng, 0.4) else "no"}
