"""Replicate weights as R's as.svrepdesign, and adjustments of replicate designs as R's svrep methods."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import (
    POP_SCHWIDE,
    POP_STYPE_TOTALS,
    POP_TOTALS,
    POP_TYPES,
    RTOL,
    api,
    calibrate,
    clus1,
    poststratify,
    r_replicate_info,
    r_replicates,
    rake,
    strat,
    totals_table,
)

from weighting.design import Design, Survey
from weighting.errors import WeightingError
from weighting.replicates import make_replicates


def _paired() -> Survey:
    return Survey(api("apiclus1_paired"), Design(weight="pw", strata="pair", clusters=("dnum",)))


def _lonely(rule: str) -> Survey:
    return Survey(api("apistrat_lonely"), Design(weight="pw", strata="stype", lonely_psu=rule))


R_CASES = {
    "jk1_clus1": lambda: make_replicates(clus1(), "jk1"),
    "jk1_clus2": lambda: make_replicates(
        Survey(api("apiclus2"), Design(weight="pw", clusters=("dnum", "snum"))), "jk1"
    ),
    "jkn_strat": lambda: make_replicates(strat(), "jkn"),
    "jkn_strat_nofpc": lambda: make_replicates(Survey(api("apistrat"), Design(weight="pw", strata="stype")), "jkn"),
    "jkn_lonely_adjust": lambda: make_replicates(_lonely("adjust"), "jkn"),
    "jkn_lonely_average": lambda: make_replicates(_lonely("average"), "jkn"),
    "brr_paired": lambda: make_replicates(_paired(), "brr"),
    "brr_split": lambda: make_replicates(
        Survey(api("apiclus1_paired"), Design(weight="pw", strata="quad", clusters=("dnum",))), "brr"
    ),
    "brr_paired20": lambda: make_replicates(
        Survey(api("apiclus2_paired"), Design(weight="pw", strata="pair", clusters=("dnum",))), "brr"
    ),
    "fay_paired": lambda: make_replicates(_paired(), "fay", fay_rho=0.3),
}

ADJUSTED_CASES = {
    "jk1_clus1_poststratify": lambda s: poststratify(s, totals_table(POP_TYPES, "stype")),
    "jk1_clus1_rake": lambda s: rake(s, {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}),
    "jk1_clus1_calibrate_linear": lambda s: calibrate(s, ["stype", "api99"], POP_TOTALS),
    "jk1_clus1_calibrate_aggregate": lambda s: calibrate(s, ["stype"], POP_STYPE_TOTALS, aggregate="dnum"),
    "jk1_clus1_calibrate_raking": lambda s: calibrate(s, ["stype", "api99"], POP_TOTALS, calfun="raking"),
}


def _r_matrix(name: str) -> np.ndarray:
    return r_replicates(name).drop(columns="weight").to_numpy(dtype=float)


def _assert_weights_close(actual: np.ndarray, expected: np.ndarray) -> None:
    # deleted PSUs have weight 0 in both: compare each column on the scale of its weights
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=1e-12 * np.abs(expected).max())


@pytest.mark.parametrize("name", list(R_CASES))
def test_replicate_weights_match_r(name):
    _assert_weights_close(R_CASES[name]().replicate_weights(), _r_matrix(name))


@pytest.mark.parametrize("name", list(R_CASES))
def test_replicate_scale_and_rscales_match_r(name):
    spec = R_CASES[name]().design.replicate
    info = r_replicate_info(name)
    np.testing.assert_allclose(spec.scale, info["scale"], rtol=1e-12)
    np.testing.assert_allclose(spec.rscale_array(), info["rscales"], rtol=1e-12)
    assert spec.mse is info["mse"]


@pytest.mark.parametrize("name", list(ADJUSTED_CASES))
def test_adjusting_a_replicate_design_adjusts_every_replicate_as_r(name):
    adjusted = ADJUSTED_CASES[name](make_replicates(clus1(), "jk1"))
    reference = r_replicates(name)
    np.testing.assert_allclose(adjusted.weights(), reference["weight"], rtol=RTOL)
    _assert_weights_close(adjusted.replicate_weights(), _r_matrix(name))
    assert adjusted.calibration == ()


def test_bootstrap_resamples_each_stratum_and_uses_r_scale():
    survey = make_replicates(strat(), "bootstrap", replicates=50, seed=1)
    multipliers = survey.replicate_weights() / survey.weights()[:, None]
    np.testing.assert_allclose(multipliers, np.round(multipliers), atol=1e-9)
    per_stratum = pd.DataFrame(multipliers).groupby(survey.data["stype"].to_numpy()).sum()
    sizes = survey.data["stype"].value_counts()
    np.testing.assert_allclose(per_stratum.to_numpy(), np.repeat(sizes[per_stratum.index].to_numpy()[:, None], 50, 1))
    np.testing.assert_allclose(survey.design.replicate.scale, r_replicate_info("bootstrap_strat")["scale"], rtol=1e-12)


def test_bootstrap_with_fpc_draws_each_psu_at_most_as_often_as_it_stands_in_the_population():
    # N_h = 2 n_h: the population repeats every sampled PSU twice, so no PSU is drawn 3 times
    data = strat().data
    data = data.assign(population=2 * data["stype"].map(data["stype"].value_counts()))
    survey = make_replicates(
        Survey(data, Design(weight="pw", strata="stype", fpc=("population",))), "bootstrap", replicates=200, seed=3
    )
    multipliers = survey.replicate_weights() / survey.weights()[:, None]
    assert multipliers.max() == pytest.approx(2)
    per_stratum = pd.DataFrame(multipliers).groupby(data["stype"].to_numpy()).sum()
    sizes = data["stype"].value_counts()[per_stratum.index].to_numpy()
    np.testing.assert_allclose(per_stratum.to_numpy(), np.repeat(sizes[:, None], 200, axis=1))


def test_bootstrap_is_reproducible_with_a_seed():
    first = make_replicates(strat(), "bootstrap", seed=7).replicate_weights()
    np.testing.assert_array_equal(first, make_replicates(strat(), "bootstrap", seed=7).replicate_weights())
    assert not np.array_equal(first, make_replicates(strat(), "bootstrap", seed=8).replicate_weights())


def test_jackknife_too_large_for_columns_is_kept_per_psu():
    survey = make_replicates(strat(), "jkn", max_cells=200 * 199)
    assert survey.design.replicate.columns == () and survey.design.replicate.jackknife is not None
    assert list(survey.data.columns) == list(strat().data.columns)
    with pytest.raises(WeightingError) as error:
        survey.replicate_weights()
    assert error.value.code == "replicate_matrix_too_large"
    assert "Taylor" in error.value.message


def test_replicate_columns_too_large_for_memory_are_refused_with_a_suggestion():
    for method, options in (("jkn", {"storage": "columns"}), ("bootstrap", {"replicates": 200})):
        with pytest.raises(WeightingError) as error:
            make_replicates(strat(), method, max_cells=200 * 199, **options)
        assert error.value.code == "replicate_matrix_too_large"
        assert "Taylor" in error.value.message


def test_jk1_refuses_a_stratified_design():
    with pytest.raises(WeightingError) as error:
        make_replicates(strat(), "jk1")
    assert error.value.code == "jk1_stratified"


def test_brr_refuses_a_stratum_with_an_odd_number_of_psus():
    data = api("apistrat")
    odd = data.drop(index=data.index[data["stype"] == "H"][0])
    with pytest.raises(WeightingError) as error:
        make_replicates(Survey(odd, Design(weight="pw", strata="stype")), "brr")
    assert (error.value.code, error.value.got) == ("brr_needs_pairs", 49)


def test_lonely_psu_under_fail_is_named():
    with pytest.raises(WeightingError) as error:
        make_replicates(_lonely("fail"), "jkn")
    assert (error.value.code, error.value.got) == ("lonely_psu", "H")


def test_replicates_come_before_calibration():
    calibrated = calibrate(clus1(), ["stype", "api99"], POP_TOTALS)
    with pytest.raises(WeightingError) as error:
        make_replicates(calibrated, "jk1")
    assert error.value.code == "calibrated_before_replicates"


def test_replicate_columns_that_already_exist_are_refused():
    survey = clus1()
    clashing = dataclasses.replace(survey, data=survey.data.assign(replicate_1=1.0))
    with pytest.raises(WeightingError) as error:
        make_replicates(clashing, "jk1")
    assert (error.value.code, error.value.column) == ("column_exists", "replicate_1")


def test_later_stage_fpc_is_dropped_with_a_warning_as_r_does():
    two_stage = Survey(api("apiclus2"), Design(weight="pw", clusters=("dnum", "snum"), fpc=("fpc1", "fpc2")))
    with pytest.warns(UserWarning, match="first-stage fpc only"):
        replicated = make_replicates(two_stage, "jk1")
    np.testing.assert_allclose(replicated.design.replicate.scale, (757 - 40) / 757 * 39 / 40, rtol=1e-12)
