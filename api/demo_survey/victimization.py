"""Answers to the victimization instrument: screeners for eight crimes over 12 months and one
report per incident (up to five).

Intended levels (national, among adults): robbery 8-15%, assault 3-6%, threats about 7%, fraud
about 9%, extortion about 3%, sexual offences about 2% (mostly women); victims of robbery and assault
are more often young and urban, assault victims more often men. About a quarter of incidents reach
the police (vehicle theft most, sexual offences least), as ENVIPE-style surveys find.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from api.demo_survey.respondents import Respondent, chance, pick, pick_some
from survey_defs.instruments.victimization import MAX_INCIDENT_REPORTS

NOT_REPORTED_REASONS = {
    "waste_of_time": 0.35, "distrust_authority": 0.25, "fear_of_reprisal": 0.08, "minor_offence": 0.15,
    "no_evidence": 0.12, "lengthy_procedure": 0.10, "hostile_authority": 0.04, "did_not_know_how": 0.05,
    "solved_otherwise": 0.03, "other": 0.04,
}
CONTACT_PLACES = {"near_home": 0.3, "street": 0.35, "public_transport": 0.18, "work_or_school": 0.05,
                  "shop_or_market": 0.08, "other": 0.03, "dont_know": 0.01}


@dataclass(frozen=True)
class CrimeModel:
    prevalence: float  # 12-month prevalence at crime level 1 for a reference adult
    male_ratio: float  # risk of men relative to women
    urban_sensitive: bool  # scales with the stratum's crime level and youth
    reporting: float  # share of incidents reported to an authority
    places: dict[str, float]
    weapons: dict[str, float] | None  # asked of contact crimes
    injured: float | None  # asked of crimes that may hurt
    mean_loss: float | None  # typical loss in local currency; None: no cost asked


CRIMES: dict[str, CrimeModel] = {
    "burglary": CrimeModel(0.045, 1.0, True, 0.32, {"home": 1.0}, {"none": 0.86, "firearm": 0.04, "knife": 0.03,
                           "other_weapon": 0.02, "dont_know": 0.05}, 0.02, 6_000),
    "vehicle_theft": CrimeModel(0.05, 1.0, True, 0.78, {"near_home": 0.45, "street": 0.4, "work_or_school": 0.1,
                                "other": 0.05}, None, None, 45_000),
    "robbery": CrimeModel(0.10, 1.2, True, 0.27, CONTACT_PLACES, {"none": 0.38, "firearm": 0.27, "knife": 0.26,
                          "other_weapon": 0.06, "dont_know": 0.02, "refused": 0.01}, 0.11, 3_500),
    "assault": CrimeModel(0.036, 1.6, True, 0.30, CONTACT_PLACES, {"none": 0.72, "firearm": 0.06, "knife": 0.08,
                          "other_weapon": 0.12, "dont_know": 0.01, "refused": 0.01}, 0.42, 1_500),
    "threats": CrimeModel(0.065, 1.1, True, 0.16, {**CONTACT_PLACES, "home": 0.15, "phone_or_online": 0.2},
                          {"none": 0.7, "firearm": 0.12, "knife": 0.1, "other_weapon": 0.05, "dont_know": 0.03}, None, None),
    "sexual_offence": CrimeModel(0.02, 0.3, True, 0.09, {**CONTACT_PLACES, "home": 0.1},
                                 {"none": 0.85, "firearm": 0.03, "knife": 0.04, "other_weapon": 0.03, "refused": 0.05},
                                 0.12, None),
    "fraud": CrimeModel(0.09, 1.0, False, 0.19, {"phone_or_online": 0.6, "shop_or_market": 0.25, "other": 0.15},
                        None, None, 2_000),
    "extortion": CrimeModel(0.03, 1.1, True, 0.12, {"phone_or_online": 0.65, "home": 0.15, "work_or_school": 0.2},
                            None, None, 5_000),
}
PERSONAL_SENSITIVE = ("sexual_offence", "extortion")  # refused more often


def victim_probability(crime: str, respondent: Respondent) -> float:
    model = CRIMES[crime]
    # Men's and women's risks average to the reference prevalence and stand in the model's ratio.
    sex_factor = (2 * model.male_ratio if respondent.sex == "male" else 2) / (1 + model.male_ratio)
    risk = model.prevalence * sex_factor
    if model.urban_sensitive:
        risk *= respondent.stratum.crime_level * respondent.youth
    return risk


def victimization_answers(respondent: Respondent, rng: np.random.Generator) -> dict[str, Any]:
    answers: dict[str, Any] = {"respondent_status": "agrees"}
    owns_vehicle = chance(rng, 0.42 if respondent.urban else 0.28)
    answers["owns_vehicle"] = "yes" if owns_vehicle else "no"
    experienced: list[str] = []
    for crime in CRIMES:
        if crime == "vehicle_theft" and not owns_vehicle:
            continue
        unanswered = 0.012 if crime in PERSONAL_SENSITIVE else 0.004
        victim = victim_probability(crime, respondent)
        answer = pick(rng, {
            "yes": victim, "no": 1 - victim - unanswered, "dont_know": unanswered / 2, "refused": unanswered / 2,
        })
        answers[f"{crime}_12m"] = answer
        if answer == "yes":
            times = int(rng.geometric(0.62))  # most victims suffer a crime once, a few again and again
            answers[f"{crime}_times"] = times
            experienced.extend([crime] * times)
    if experienced:
        rng.shuffle(experienced)  # reports start with the most recent incident, whatever its type
        answers["incidents"] = [_incident(crime, rng) for crime in experienced[:MAX_INCIDENT_REPORTS]]
    return answers


def _incident(crime: str, rng: np.random.Generator) -> dict[str, Any]:
    model = CRIMES[crime]
    incident: dict[str, Any] = {
        "incident_crime_type": crime,
        "incident_month": pick(rng, {**{str(month): 1.0 for month in range(1, 13)}, "dont_know": 0.3}),
        "incident_place": pick(rng, model.places),
    }
    if model.weapons is not None:
        incident["incident_weapon"] = pick(rng, model.weapons)
    if model.injured is not None:
        incident["incident_injured"] = pick(rng, {"yes": model.injured, "no": 1 - model.injured, "refused": 0.005})
    reported = pick(rng, {"yes": model.reporting, "no": 1 - model.reporting, "dont_know": 0.01, "refused": 0.005})
    incident["incident_reported"] = reported
    if reported == "yes":
        incident["incident_reported_to"] = pick_some(
            rng, {"police": 0.85, "prosecutor": 0.25, "other_authority": 0.08}, at_least_one="police"
        )
        incident["incident_investigation"] = pick(rng, {"yes": 0.45, "no": 0.45, "dont_know": 0.1})
    elif reported == "no":
        incident["incident_not_reported_reasons"] = (
            ["refused"] if chance(rng, 0.02) else pick_some(rng, NOT_REPORTED_REASONS, at_least_one="other")
        )
    if model.mean_loss is not None and not chance(rng, 0.1):  # 1 in 10 does not know the amount
        incident["incident_cost"] = float(round(rng.lognormal(np.log(model.mean_loss), 0.9), -1))
    return incident
