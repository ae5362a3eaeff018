"""Means, totals, proportions and ratios against R survey 4.1.1 (tests/golden/estimators)."""

import pytest
from tests.weighting.estimators.r_golden_estimators import assert_matches_r, case_ids, cases, survey_for

from weighting import WeightingError
from weighting.estimators import mean, proportion, ratio, total


def run(case):
    args = case["args"]
    survey = survey_for(case["design"])
    common = {"by": tuple(args["by"] or ()), "domain": args["domain"]}
    if case["estimator"] == "mean":
        return mean(survey, args["variable"], **common)
    if case["estimator"] == "total":
        return total(survey, args["variable"], **common)
    if case["estimator"] == "proportion":
        return proportion(survey, args["variable"], ci=args["ci"], **common)
    return ratio(survey, args["variable"], args["denominator"], **common)


@pytest.mark.parametrize("case", cases("mean"), ids=case_ids(cases("mean")))
def test_mean_matches_r(case):
    assert_matches_r(run(case), case)


@pytest.mark.parametrize("case", cases("total"), ids=case_ids(cases("total")))
def test_total_matches_r(case):
    assert_matches_r(run(case), case)


@pytest.mark.parametrize("case", cases("proportion"), ids=case_ids(cases("proportion")))
def test_proportion_and_its_intervals_match_r(case):
    assert_matches_r(run(case), case)


@pytest.mark.parametrize("case", cases("ratio"), ids=case_ids(cases("ratio")))
def test_ratio_matches_r(case):
    assert_matches_r(run(case), case)


FAILING = [c for e in ("mean", "total", "proportion", "ratio") for c in cases(e, errors=True)]


@pytest.mark.parametrize("case", FAILING, ids=case_ids(FAILING))
def test_lonely_psu_fail_refuses_where_r_stops(case):
    assert "only one PSU" in case["error"]
    with pytest.raises(WeightingError) as caught:
        run(case)
    assert caught.value.code == "lonely_psu"
