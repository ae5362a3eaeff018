"""Replicate variance rules R applies that the golden cases do not isolate."""

import numpy as np
import pandas as pd
import pytest

from weighting import Design, ReplicateSpec, Survey
from weighting.estimators import mean
from weighting.replicate_variance import replicate_variance


def jackknife_survey(df: float | None = None) -> Survey:
    data = pd.DataFrame({"w": [1.0, 1.0, 1.0, 1.0], "y": [1.0, 2.0, 4.0, 8.0]})
    for k in range(4):
        data[f"r{k}"] = np.where(np.arange(4) == k, 0.0, 4 / 3)
    spec = ReplicateSpec(columns=tuple(f"r{k}" for k in range(4)), method="jk1", scale=0.75, df=df)
    return Survey(data, Design(weight="w", replicate=spec))


def test_jackknife_of_a_mean_is_the_textbook_srs_variance():
    row = mean(jackknife_survey(), "y").rows[0]
    values = np.array([1.0, 2.0, 4.0, 8.0])
    assert row.se == pytest.approx(np.sqrt(values.var(ddof=1) / 4), rel=1e-12)
    assert row.df == 3  # rank of the replicate weights - 1


def test_replicate_df_given_in_the_spec_wins():
    assert mean(jackknife_survey(df=12.0), "y").rows[0].df == 12.0


def test_replicates_without_an_estimate_are_dropped_as_r_does():
    spec = ReplicateSpec(columns=("a", "b", "c"), method="other", scale=1.0)
    variance = replicate_variance(np.array([1.0]), np.array([[1.0, 3.0, np.nan]]), spec)
    assert variance[0] == pytest.approx(2.0)  # centre 2: (1-2)^2 + (3-2)^2


def test_mse_centres_on_the_full_sample_estimate():
    spec = ReplicateSpec(columns=("a", "b"), method="other", scale=1.0, mse=True)
    variance = replicate_variance(np.array([0.0]), np.array([[1.0, 3.0]]), spec)
    assert variance[0] == pytest.approx(10.0)
