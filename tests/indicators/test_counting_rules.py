"""Each counting rule gives its documented answer on small frames whose shares can be counted by hand."""

import numpy as np
import pandas as pd
import pytest

from indicators import compute, with_victim_reporting
from weighting import Design, Survey

EQUAL = Design(weight="w")


def frame(**columns) -> Survey:
    rows = len(next(iter(columns.values())))
    return Survey(pd.DataFrame({"w": np.full(rows, 10.0), **columns}), EQUAL)


FEEL_SAFE = frame(
    feel_safe_dark=["very_safe", "safe", "unsafe", "never_alone_after_dark", "never_alone_after_dark", "dont_know",
                    "refused", "safe", "very_unsafe", None],
    feel_safe_dark_probe=[None, None, None, "safe", "unsafe", None, None, None, None, None],
)


@pytest.mark.parametrize(
    ("rule", "share"),
    [
        ("un_default", 3 / 9),  # never-alone, don't know and refused stay in the denominator
        ("exclude_dont_know", 3 / 7),  # don't know and refused leave it
        ("use_would_feel_probe", 4 / 9),  # the never-alone respondent who would feel safe counts
    ],
)
def test_sdg_16_1_4_rule_counts_as_documented(rule, share):
    result = compute("sdg_16_1_4", FEEL_SAFE, rule=rule)
    assert result.rows[0].estimate == pytest.approx(share, rel=1e-12)
    assert result.rows[0].n == (7 if rule == "exclude_dont_know" else 9)


def test_sdg_5_2_1_15_49_leaves_out_older_women_and_the_never_partnered():
    survey = frame(
        respondent_sex=["female", "female", "female", "female", "male"],
        respondent_age=[20, 40, 60, 30, 30],
        ever_partnered=[1, 1, 1, 0, None],
        ipv_physical_sexual_12m=[1, 0, 1, None, None],
    )
    # The default VAWG profile would suppress cells this small; "inegi" only flags them.
    plus = compute("sdg_5_2_1_physical_sexual", survey, quality_profile="inegi")
    young = compute("sdg_5_2_1_physical_sexual", survey, rule="women_15_49", quality_profile="inegi")
    assert plus.rows[0].estimate == pytest.approx(2 / 3)
    assert young.rows[0].estimate == pytest.approx(1 / 2)


def test_sdg_16_3_1_victim_based_counts_victims_and_incident_based_counts_incidents():
    # Respondent a: two assaults, one reported; b: one assault not reported; c: no assault.
    incidents = pd.DataFrame({
        "respondent_id": ["a", "a", "b"], "incident_crime_type": ["assault"] * 3,
        "reported_to_authority": [1, 0, 0], "w": [10.0] * 3,
    })
    respondents = with_victim_reporting(
        pd.DataFrame({"respondent_id": ["a", "b", "c"], "victim_assault_12m": [1, 1, 0], "w": [10.0] * 3}), incidents)
    victim_based = compute("sdg_16_3_1_physical", Survey(respondents, EQUAL))
    incident_based = compute("sdg_16_3_1_physical", Survey(incidents, EQUAL), rule="incident_based")
    assert victim_based.rows[0].estimate == pytest.approx(1 / 2)
    assert incident_based.rows[0].estimate == pytest.approx(1 / 3)


def test_reporting_rate_to_police_counts_only_reports_to_the_police():
    survey = frame(reported_to_authority=[1, 1, 0, 0], reported_to_police=[1, 0, 0, 0])
    assert compute("reporting_rate", survey).rows[0].estimate == pytest.approx(1 / 2)
    assert compute("reporting_rate", survey, rule="to_police").rows[0].estimate == pytest.approx(1 / 4)


def test_trust_exclude_dont_know_drops_dont_know_and_refused_from_the_denominator():
    survey = frame(trust_police=["a_lot", "some", "little", "none", "dont_know", "refused"])
    assert compute("trust_police", survey).rows[0].estimate == pytest.approx(2 / 6)
    assert compute("trust_police", survey, rule="exclude_dont_know").rows[0].estimate == pytest.approx(2 / 4)


def test_crime_concentration_is_incidents_per_victim():
    survey = frame(incidents_robbery_12m=[3, 1, 0, 0, None], victim_robbery_12m=[1, 1, 0, 0, None])
    assert compute("crime_concentration_robbery", survey).rows[0].estimate == pytest.approx(2.0)


def test_incidence_is_incidents_per_100000_persons():
    survey = frame(incidents_fraud_12m=[2, 0, 0, 1, 0, 0, 0, 0])
    row = compute("victimization_incidence_fraud", survey).rows[0]
    assert row.estimate == pytest.approx(3 / 8 * 100_000)
    assert row.cv == pytest.approx(row.se / row.estimate)


def test_prevalence_of_any_crime_is_unknown_only_when_no_type_is_yes_and_some_is_unknown():
    victims = {f"victim_{crime}_12m": [0, 0, 0] for crime in (
        "burglary", "vehicle_theft", "robbery", "assault", "threats", "sexual_offence", "fraud", "extortion")}
    victims["victim_fraud_12m"] = [1, 0, None]
    victims["victim_robbery_12m"] = [None, 0, 0]
    result = compute("victimization_prevalence_any", frame(**victims))
    assert (result.rows[0].estimate, result.rows[0].n) == (pytest.approx(1 / 2), 2)


def test_a_share_nobody_has_is_zero_with_a_zero_interval():
    row = compute("sdg_16_1_3c", frame(sexual_violence_12m=[0, 0, 0, 0])).rows[0]
    assert (row.estimate, row.ci_low, row.ci_high) == (0.0, 0.0, 0.0)
