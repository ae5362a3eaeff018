"""Interval helpers: the edge cases the R reference cases cannot pin down."""

import numpy as np
import pytest
from scipy import stats

from weighting import WeightingError
from weighting.intervals import beta_interval, critical_value, logit_interval, require_method


def test_beta_interval_with_zero_variance_is_the_point():
    low, high = beta_interval(np.array([0.3]), np.array([0.0]), np.array([10.0]), np.array([50.0]), 0.95)
    assert (low[0], high[0]) == (0.3, 0.3)


def test_logit_interval_of_a_zero_share_is_zero():
    low, high = logit_interval(np.array([0.0]), np.array([np.inf]), np.array([10.0]), 0.95)
    assert (low[0], high[0]) == (0.0, 0.0)


def test_critical_value_without_degrees_of_freedom_is_undefined():
    assert np.isnan(critical_value(np.array([0.0]), 0.95)[0])


def test_critical_value_with_infinite_df_is_normal():
    assert critical_value(np.array([np.inf]), 0.9)[0] == pytest.approx(stats.norm.ppf(0.95), rel=1e-12)


def test_unknown_interval_method_is_refused():
    with pytest.raises(WeightingError) as caught:
        require_method("wilson", ("logit", "beta", "wald"))
    assert caught.value.code == "unknown_interval_method"
