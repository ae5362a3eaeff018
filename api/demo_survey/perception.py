"""Answers to the perception instrument (SDG 16.1.4, perceived insecurity, trust, habits).

Intended levels: about half feel safe walking alone after dark (less in cities, less for women, a
few never go out alone, more so the elderly); insecurity grows from neighbourhood to country; trust
in the police is low, as in LAPOP and Latinobarómetro.
"""

from typing import Any

import numpy as np

from api.demo_survey.respondents import Respondent, chance, pick, pick_some

HABITS = {
    "going_out_at_night": 0.38, "children_going_out": 0.22, "carrying_cash": 0.30, "carrying_valuables": 0.33,
    "using_public_transport": 0.10, "walking_in_area": 0.14, "visiting_relatives": 0.12,
}
TRUST = {
    "police": {"a_lot": 0.10, "some": 0.30, "little": 0.34, "none": 0.23},
    "prosecutors": {"a_lot": 0.07, "some": 0.27, "little": 0.35, "none": 0.24},
    "judges": {"a_lot": 0.07, "some": 0.25, "little": 0.36, "none": 0.25},
}
UNSAFE_SHARE = {"neighbourhood": 0.40, "municipality": 0.58, "country": 0.74}


def feels_safe_share(respondent: Respondent) -> float:
    """Probability of answering very safe or safe."""
    share = 0.66 - 0.15 * (respondent.sex == "female") - 0.09 * respondent.urban
    return share - 0.12 * (respondent.stratum.crime_level - 1)


def perception_answers(respondent: Respondent, rng: np.random.Generator) -> dict[str, Any]:
    never_alone = 0.03 + 0.03 * (respondent.sex == "female") + 0.07 * (respondent.age >= 65)
    safe = feels_safe_share(respondent) * (1 - never_alone - 0.015)
    unsafe = 1 - never_alone - 0.015 - safe
    feel_safe_dark = pick(rng, {
        "very_safe": 0.3 * safe, "safe": 0.7 * safe, "unsafe": 0.62 * unsafe, "very_unsafe": 0.38 * unsafe,
        "never_alone_after_dark": never_alone, "dont_know": 0.01, "refused": 0.005,
    })
    feels_unsafe = feel_safe_dark in ("unsafe", "very_unsafe", "never_alone_after_dark")
    answers: dict[str, Any] = {"respondent_status": "agrees", "feel_safe_dark": feel_safe_dark}
    if feel_safe_dark == "never_alone_after_dark":
        answers["feel_safe_dark_probe"] = pick(rng, {
            "very_safe": 0.05, "safe": 0.2, "unsafe": 0.4, "very_unsafe": 0.3, "dont_know": 0.04, "refused": 0.01,
        })
    for territory, share in UNSAFE_SHARE.items():
        unsafe_share = share + (0.15 if feels_unsafe else -0.08) + 0.05 * respondent.urban
        answers[f"insecurity_{territory}"] = pick(rng, {
            "safe": 0.98 - unsafe_share, "unsafe": unsafe_share, "dont_know": 0.015, "refused": 0.005,
        })
    for institution, shares in TRUST.items():
        answers[f"trust_{institution}"] = pick(rng, {**shares, "dont_know": 0.02, "refused": 0.01})
    if chance(rng, 0.01):
        answers["habits_changed"] = ["refused"]
    else:
        fear = 1.3 if feels_unsafe else 0.7
        answers["habits_changed"] = pick_some(
            rng, {habit: share * fear for habit, share in HABITS.items()}, at_least_one="none"
        )
    return answers
