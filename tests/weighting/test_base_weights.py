"""Base weights from stage selection probabilities, with the 1/k of selecting one person of k."""

import numpy as np
import pandas as pd
import pytest

from weighting.base_weights import base_weights
from weighting.design import Design
from weighting.errors import WeightingError

DESIGN = Design(weight="base_weight", strata="region", clusters=("psu",))


def _sample(**overrides) -> pd.DataFrame:
    data = {
        "region": ["N", "N", "N", "S", "S", "S"],
        "psu": [1, 1, 2, 3, 4, 4],
        "p_psu": [0.1, 0.1, 0.2, 0.05, 0.5, 0.5],
        "p_household": [0.25, 0.25, 0.5, 1.0, 0.2, 0.2],
        "eligible_women": [1, 3, 2, 1, 4, 2],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def test_weight_is_the_inverse_of_the_stage_probabilities_times_eligible_persons():
    data = _sample()
    survey = base_weights(data, DESIGN, probabilities=["p_psu", "p_household"], eligible="eligible_women")
    expected = data["eligible_women"] / (data["p_psu"] * data["p_household"])
    np.testing.assert_allclose(survey.weights(), expected, rtol=1e-15)
    assert survey.design.weight == "base_weight"
    assert "base_weight" not in data.columns


def test_without_person_selection_the_weight_is_the_household_weight():
    survey = base_weights(_sample(), DESIGN, probabilities=["p_psu", "p_household"])
    np.testing.assert_allclose(survey.weights(), 1 / (_sample()["p_psu"] * _sample()["p_household"]))


@pytest.mark.parametrize("bad", [0.0, 1.5, -0.2])
def test_probability_outside_zero_one_names_column_and_row(bad):
    data = _sample(p_household=[0.25, 0.25, bad, 1.0, 0.2, 0.2])
    with pytest.raises(WeightingError) as error:
        base_weights(data, DESIGN, probabilities=["p_psu", "p_household"])
    assert (error.value.code, error.value.column, error.value.row) == ("invalid_probability", "p_household", 2)


def test_missing_probability_names_column_and_row():
    data = _sample(p_psu=[0.1, None, 0.2, 0.05, 0.5, 0.5])
    with pytest.raises(WeightingError) as error:
        base_weights(data, DESIGN, probabilities=["p_psu"])
    assert (error.value.code, error.value.column, error.value.row) == ("missing_value", "p_psu", 1)


@pytest.mark.parametrize("bad", [0, 1.5])
def test_eligible_count_below_one_or_fractional_names_the_row(bad):
    data = _sample(eligible_women=[1, 3, 2, bad, 4, 2])
    with pytest.raises(WeightingError) as error:
        base_weights(data, DESIGN, probabilities=["p_psu"], eligible="eligible_women")
    assert (error.value.code, error.value.column, error.value.row) == ("invalid_eligible_count", "eligible_women", 3)


def test_design_must_name_the_weight_column_to_write():
    with pytest.raises(WeightingError) as error:
        base_weights(_sample(), Design(probability="p_psu"), probabilities=["p_psu"])
    assert error.value.code == "weight_column_required"
