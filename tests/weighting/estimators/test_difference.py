"""Differences between two domains (one design) and two waves (independent designs) against R."""

import numpy as np
import pandas as pd
import pytest
from tests.weighting.estimators.r_golden_estimators import RTOL, golden, survey_for

from weighting import Design, Survey, WeightingError
from weighting.estimators import difference, mean, proportion

DOMAIN_CASES = [c for c in golden()["differences"] if c["id"].endswith("/domains")]
WAVE_CASES = [c for c in golden()["differences"] if c["id"].endswith("/waves")]


@pytest.mark.parametrize("case", DOMAIN_CASES, ids=[c["id"] for c in DOMAIN_CASES])
def test_difference_between_domains_matches_svycontrast(case):
    survey = survey_for(case["design"])
    table = difference(
        survey, survey, case["variable"],
        first_domain={case["by"]: case["first"]}, second_domain={case["by"]: case["second"]},
    )
    row = table.rows[0]
    np.testing.assert_allclose([row.estimate, row.se, row.df], [case["estimate"], case["se"], case["df"]], rtol=RTOL)


@pytest.mark.parametrize("case", WAVE_CASES, ids=[c["id"] for c in WAVE_CASES])
def test_difference_between_waves_adds_variances(case):
    first, second = survey_for(case["first_design"]), survey_for(case["second_design"])
    row = difference(first, second, case["variable"]).rows[0]
    np.testing.assert_allclose([row.estimate, row.se, row.df], [case["estimate"], case["se"], case["df"]], rtol=RTOL)


def test_difference_of_proportions_is_difference_of_shares():
    data = pd.DataFrame({"w": [1.0, 2.0, 1.0, 2.0, 3.0, 1.0], "sex": list("ffmmfm"), "hit": list("yynyny")})
    survey = Survey(data, Design(weight="w"))
    row = difference(survey, survey, "hit", statistic="proportion", category="y",
                     first_domain={"sex": "f"}, second_domain={"sex": "m"}).rows[0]
    shares = proportion(survey, "hit", by="sex").to_frame().query("level == 'y'").set_index("sex")["estimate"]
    assert row.estimate == pytest.approx(shares["m"] - shares["f"], rel=1e-12)


def test_difference_of_a_domain_with_itself_is_zero_with_zero_se():
    data = pd.DataFrame({"w": [1.0, 2.0, 1.0, 2.0], "y": [1.0, 5.0, 2.0, 7.0]})
    survey = Survey(data, Design(weight="w"))
    row = difference(survey, survey, "y").rows[0]
    assert (row.estimate, row.se) == (0.0, 0.0)
    assert row.n == mean(survey, "y").rows[0].n


def test_difference_of_proportions_needs_a_category():
    data = pd.DataFrame({"w": [1.0, 2.0], "hit": ["y", "n"]})
    survey = Survey(data, Design(weight="w"))
    with pytest.raises(WeightingError) as caught:
        difference(survey, survey, "hit", statistic="proportion")
    assert caught.value.code == "category_required"
