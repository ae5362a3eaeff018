"""Calibration: weights as R's calibrate (linear, bounded, raking, logit) and its refusals."""

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import assert_residuals_match_r, CASES, POP_TOTALS, RTOL, clus1, r_weights

from weighting.calibrate import GregCalibration, calibrate, model_matrix
from weighting.errors import WeightingError


@pytest.mark.parametrize("case", [c for c in CASES if "_calibrate_" in c])
def test_calibrated_weights_match_r(case):
    np.testing.assert_allclose(CASES[case]().weights(), r_weights(case), rtol=RTOL)


def test_calibrated_weights_reproduce_the_population_totals():
    survey = calibrate(clus1(), ["stype", "api99"], POP_TOTALS, calfun="logit", bounds=(0.6, 1.6))
    matrix, names = model_matrix(survey.data, ["stype", "api99"])
    np.testing.assert_allclose(matrix.T @ survey.weights(), [POP_TOTALS[n] for n in names], rtol=1e-6)


def test_bounded_calibration_keeps_g_within_bounds():
    original = clus1()
    g = calibrate(original, ["stype", "api99"], POP_TOTALS, bounds=(0.6, 1.6)).weights() / original.weights()
    assert g.min() >= 0.6 - 1e-12 and g.max() <= 1.6 + 1e-12


def test_model_matrix_names_follow_r():
    _, names = model_matrix(clus1().data, ["stype", "sch.wide", "api99"])
    assert names == ["(Intercept)", "stypeH", "stypeM", "sch.wideYes", "api99"]


def test_calibration_records_a_greg_stage():
    assert isinstance(calibrate(clus1(), ["stype", "api99"], POP_TOTALS).calibration[-1], GregCalibration)


def test_calibration_that_cannot_meet_bounds_is_an_error():
    with pytest.raises(WeightingError) as error:
        calibrate(clus1(), ["stype", "api99"], POP_TOTALS, bounds=(0.95, 1.05))
    assert error.value.code == "calibration_not_converged"


def test_missing_population_total_is_named():
    totals = {k: v for k, v in POP_TOTALS.items() if k != "stypeM"}
    with pytest.raises(WeightingError) as error:
        calibrate(clus1(), ["stype", "api99"], totals)
    assert (error.value.code, error.value.column) == ("missing_total", "stypeM")


def test_total_for_an_unknown_variable_is_named():
    with pytest.raises(WeightingError) as error:
        calibrate(clus1(), ["stype", "api99"], {**POP_TOTALS, "enroll": 1.0})
    assert (error.value.code, error.value.column) == ("unknown_total", "enroll")


def test_logit_calibration_needs_finite_bounds_around_one():
    with pytest.raises(WeightingError) as error:
        calibrate(clus1(), ["stype", "api99"], POP_TOTALS, calfun="logit")
    assert error.value.code == "invalid_bounds"


def test_collinear_variables_are_refused():
    data = clus1().data.assign(api99_copy=clus1().data["api99"])
    survey = type(clus1())(data, clus1().design)
    with pytest.raises(WeightingError) as error:
        calibrate(survey, ["api99", "api99_copy"], {"(Intercept)": 6194, "api99": 1.0, "api99_copy": 1.0})
    assert error.value.code == "calibration_singular"


@pytest.mark.parametrize("case", [c for c in CASES if "_calibrate_" in c])
def test_calibration_stage_residuals_match_r(case):
    assert_residuals_match_r(case)


def test_calibration_that_makes_a_weight_negative_names_the_row():
    totals = {**POP_TOTALS, "stypeH": 3000}
    with pytest.raises(WeightingError) as error:
        calibrate(clus1(), ["stype", "api99"], totals)
    assert error.value.code == "nonpositive_calibrated_weight"
    assert error.value.row is not None


def test_a_single_variable_name_is_one_variable():
    survey = calibrate(clus1(), "api99", {"(Intercept)": 6194, "api99": 3914069})
    np.testing.assert_allclose(survey.weights().sum(), 6194, rtol=1e-12)


def test_aggregated_calibration_gives_every_member_of_a_cluster_the_same_g():
    original = clus1()
    g = calibrate(original, ["stype", "api99"], POP_TOTALS, calfun="raking", aggregate="dnum").weights()
    g = g / original.weights()
    spread = pd.Series(g).groupby(original.data["dnum"].to_numpy()).agg(lambda x: x.max() - x.min())
    assert spread.max() < 1e-12
