"""Estimates and standard errors after each adjustment match R's svymean/svytotal.

These run the calibration stages and replicate weights made here through the package's
estimators, so they check the whole chain: adjusted weights, residualized Taylor variance, and
replicate variance from created or imported replicate weights.
"""

import numpy as np
import pytest
from tests.weighting.adjustment_golden import CASES, RTOL, api, clus1, imported_replicate_survey, r_estimates, r_replicate_info
from tests.weighting.test_replicates import ADJUSTED_CASES, R_CASES

from weighting.design import Survey
from weighting.estimators import mean, total
from weighting.replicates import make_replicates

ESTIMATORS = {"mean": mean, "total": total}
VARIABLES = ("api00", "enroll")
REPLICATE_DATA = {
    "jk1_clus1": ("apiclus1", "jk1"),
    "jk1_clus2": ("apiclus2", "jk1"),
    "jkn_strat": ("apistrat", "jkn"),
    "jkn_strat_nofpc": ("apistrat", "jkn"),
    "jkn_lonely_adjust": ("apistrat_lonely", "jkn"),
    "jkn_lonely_average": ("apistrat_lonely", "jkn"),
    "brr_paired": ("apiclus1_paired", "brr"),
    "brr_paired20": ("apiclus2_paired", "brr"),
    "brr_split": ("apiclus1_paired", "brr"),
    "fay_paired": ("apiclus1_paired", "fay"),
    "bootstrap_strat": ("apistrat", "bootstrap"),
    **{name: ("apiclus1", "jk1") for name in ADJUSTED_CASES},
}


def _assert_matches_r(survey: Survey, case: str) -> None:
    reference = r_estimates()
    for statistic, estimator in ESTIMATORS.items():
        for variable in VARIABLES:
            row = reference[(reference.case == case) & (reference.statistic == statistic)
                            & (reference.variable == variable)].iloc[0]
            result = estimator(survey, variable).to_frame().iloc[0]
            np.testing.assert_allclose(
                [result["estimate"], result["se"]], [row["estimate"], row["se"]], rtol=RTOL,
                err_msg=f"{case} {statistic}({variable})",
            )


@pytest.mark.parametrize("case", list(CASES))
def test_taylor_estimates_after_adjustment_match_r(case):
    _assert_matches_r(CASES[case](), case)


@pytest.mark.parametrize("name", list(REPLICATE_DATA))
def test_estimates_from_imported_r_replicate_weights_match_r(name):
    data, method = REPLICATE_DATA[name]
    _assert_matches_r(imported_replicate_survey(api(data), name, method), f"rep_{name}")


@pytest.mark.parametrize("name", list(R_CASES))
def test_estimates_from_created_replicate_weights_match_r(name):
    _assert_matches_r(R_CASES[name](), f"rep_{name}")


@pytest.mark.parametrize("name", list(ADJUSTED_CASES))
def test_estimates_from_adjusted_created_replicates_match_r(name):
    _assert_matches_r(ADJUSTED_CASES[name](make_replicates(clus1(), "jk1")), f"rep_{name}")


@pytest.mark.parametrize("name", list(R_CASES))
def test_replicate_degrees_of_freedom_match_r(name):
    assert mean(R_CASES[name](), "api00").to_frame().iloc[0]["df"] == r_replicate_info(name)["degf"]
