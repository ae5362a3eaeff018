"""Trimming: weights as R's trimWeights, with the cut weight shared among the others."""

import numpy as np
import pytest
from tests.weighting.adjustment_golden import CASES, POP_TOTALS, RTOL, assert_residuals_match_r, calibrate, clus1, r_weights

from weighting.errors import WeightingError
from weighting.replicates import make_replicates
from weighting.trimming import trim


@pytest.mark.parametrize("case", ["clus1_trim", "clus1_trim_strict"])
def test_trimmed_weights_match_r(case):
    np.testing.assert_allclose(CASES[case]().weights(), r_weights(case), rtol=RTOL)


def test_trimming_keeps_the_total_weight():
    calibrated = CASES["clus1_calibrate_linear"]()
    np.testing.assert_allclose(trim(calibrated, lower=20, upper=45).weights().sum(), calibrated.weights().sum())


def test_strict_trimming_leaves_no_weight_outside_the_bounds():
    weights = CASES["clus1_trim_strict"]().weights()
    assert weights.min() >= 20 and weights.max() <= 45 + 1e-9


def test_trimming_keeps_recorded_calibration_stages():
    calibrated = CASES["clus1_calibrate_linear"]()
    assert trim(calibrated, lower=20, upper=45).calibration == calibrated.calibration


def test_bounds_the_mean_weight_cannot_meet_are_an_error():
    with pytest.raises(WeightingError) as error:
        trim(clus1(), lower=40, upper=45, strict=True)
    assert error.value.code == "trimming_impossible"


@pytest.mark.parametrize("case", ["clus1_trim", "clus1_trim_strict"])
def test_trimmed_survey_residualizes_with_the_stages_recorded_before_trimming(case):
    assert_residuals_match_r(case)


def test_each_replicate_is_trimmed_keeping_its_total_and_its_deleted_psus():
    replicated = calibrate(make_replicates(clus1(), "jk1"), ["stype", "api99"], POP_TOTALS)
    trimmed = trim(replicated, lower=20, upper=45, strict=True)
    before, after = replicated.replicate_weights(), trimmed.replicate_weights()
    assert not np.allclose(after, before)
    np.testing.assert_allclose(after.sum(axis=0), before.sum(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(after == 0, before == 0)
    assert after[after > 0].min() >= 20 - 1e-9 and after.max() <= 45 + 1e-9
