"""Quantiles with Woodruff intervals against R's svyquantile (qrule="math", interval.type="mean")."""

import pytest
from tests.weighting.estimators.r_golden_estimators import assert_matches_r, case_ids, cases, survey_for

from weighting import WeightingError
from weighting.estimators import quantile

QUANTILE_CASES = cases("quantile")


@pytest.mark.parametrize("case", QUANTILE_CASES, ids=case_ids(QUANTILE_CASES))
def test_quantile_matches_r(case):
    args = case["args"]
    table = quantile(
        survey_for(case["design"]), args["variable"], tuple(args["quantiles"]),
        by=tuple(args["by"] or ()), domain=args["domain"],
    )
    for row in case["rows"]:
        row["level"] = format(float(row["level"]), "g")
    assert_matches_r(table, case)


def test_quantile_outside_zero_one_is_refused():
    survey = survey_for(QUANTILE_CASES[0]["design"])
    with pytest.raises(WeightingError) as caught:
        quantile(survey, "api00", (1.5,))
    assert caught.value.code == "invalid_quantile"
