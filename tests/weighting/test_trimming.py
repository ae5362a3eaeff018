"""Trimming: weights as R's trimWeights, with the cut weight shared among the others."""

import numpy as np
import pytest
from adjustment_golden import assert_residuals_match_r, CASES, RTOL, clus1, r_weights

from weighting.errors import WeightingError
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
