"""The design as an analyst would rebuild it: base weights from the recorded selection probabilities
(PSU x household x 1/k, and the VAWG subsample of PSUs) and one row per interview with its design
columns, for tests, notebooks and comparison with the estimates the platform computes."""

import pandas as pd

from api.demo_survey.sample import SampledHousehold, SampledPSU
from api.demo_survey.survey import DemoSurvey


def household_weight(psu: SampledPSU, household: SampledHousehold, *, vawg: bool = False) -> float:
    """1 / P(household selected): PSU probability x within-PSU probability (x the VAWG subsample's)."""
    probability = psu.probability * household.probability
    if vawg:
        probability *= psu.vawg_probability
    return 1 / probability


def interview_frame(survey: DemoSurvey, instrument: str) -> pd.DataFrame:
    """One row per interview of ``instrument``: stratum, PSU, household, base weights, and the answers'
    top-level scalar fields (repeats left out). ``person_weight`` is the household weight times k, empty
    where nobody was eligible."""
    psus = {psu.code: psu for psu in survey.psus}
    households = {household.code: household for household in survey.households}
    rows = []
    for interview in survey.interviews:
        if interview.instrument != instrument:
            continue
        psu, household = psus[interview.psu], households[interview.household]
        weight = household_weight(psu, household, vawg=instrument == "vawg")
        probability = interview.answers.get("selection_probability")
        scalars = {key: value for key, value in interview.answers.items() if not isinstance(value, list | dict)}
        rows.append({
            "stratum": psu.stratum,
            "psu": psu.code,
            "territory": psu.territory,
            "household": household.code,
            "household_weight": weight,
            "person_weight": weight / probability if probability not in (None, "") else None,
            **scalars,
        })
    return pd.DataFrame(rows)
