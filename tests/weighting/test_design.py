"""Design and Survey validation: every bad input names its column and row with a stable code."""

import numpy as np
import pandas as pd
import pytest

from weighting import Design, ReplicateSpec, Survey, WeightingError


def small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "w": [1.0, 2.0, 3.0, 4.0],
            "stratum": ["a", "a", "b", "b"],
            "psu": [1, 2, 1, 2],
            "popsize": [10, 10, 20, 20],
            "y": [1.0, 2.0, 3.0, 4.0],
        }
    )


def test_design_requires_a_weight_or_a_probability():
    with pytest.raises(WeightingError) as caught:
        Design(strata="stratum")
    assert caught.value.code == "weight_required"


def test_unknown_design_column_is_named():
    with pytest.raises(WeightingError) as caught:
        Survey(small_frame(), Design(weight="weight_final"))
    assert (caught.value.code, caught.value.column) == ("unknown_column", "weight_final")


def test_non_positive_weight_names_row():
    data = small_frame().assign(w=[1.0, 2.0, 0.0, 4.0])
    with pytest.raises(WeightingError) as caught:
        Survey(data, Design(weight="w"))
    assert (caught.value.code, caught.value.column, caught.value.row) == ("invalid_weight", "w", 2)


def test_non_numeric_weight_is_refused():
    data = small_frame().assign(w=["1", "2", "3", "4"])
    with pytest.raises(WeightingError) as caught:
        Survey(data, Design(weight="w"))
    assert caught.value.code == "non_numeric_column"


def test_psu_ids_repeated_across_strata_need_nest():
    with pytest.raises(WeightingError) as caught:
        Survey(small_frame(), Design(weight="w", strata="stratum", clusters=("psu",)))
    assert (caught.value.code, caught.value.row) == ("clusters_not_nested", 2)


def test_nest_makes_psu_ids_unique_within_strata():
    survey = Survey(small_frame(), Design(weight="w", strata="stratum", clusters=("psu",), nest=True))
    assert survey.layout.stages[0].n_units == 4


def test_probability_gives_inverse_weights():
    data = small_frame().assign(prob=[0.5, 0.25, 0.5, 0.1])
    survey = Survey(data, Design(probability="prob"))
    np.testing.assert_allclose(survey.weights(), [2.0, 4.0, 2.0, 10.0])


def test_fpc_fractions_become_population_sizes():
    data = small_frame().assign(fraction=[0.2, 0.2, 0.5, 0.5])
    survey = Survey(data, Design(weight="w", strata="stratum", clusters=("psu",), nest=True, fpc=("fraction",)))
    np.testing.assert_allclose(survey.layout.stages[0].stratum_popsize, [10.0, 4.0])


def test_fpc_smaller_than_sample_is_refused():
    data = small_frame().assign(popsize=[1, 1, 20, 20])
    with pytest.raises(WeightingError) as caught:
        Survey(data, Design(weight="w", strata="stratum", clusters=("psu",), nest=True, fpc=("popsize",)))
    assert (caught.value.code, caught.value.column) == ("fpc_below_sample", "popsize")


def test_with_weights_returns_a_new_survey_and_keeps_the_old_one():
    survey = Survey(small_frame(), Design(weight="w"))
    adjusted = survey.with_weights(np.array([2.0, 2.0, 2.0, 2.0]), column="w_adj")
    np.testing.assert_allclose(adjusted.weights(), 2.0)
    np.testing.assert_allclose(survey.weights(), [1.0, 2.0, 3.0, 4.0])
    assert "w_adj" not in survey.data.columns


def test_with_weights_on_replicate_design_needs_new_replicates():
    data = small_frame().assign(r1=[2.0, 0.0, 3.0, 4.0], r2=[0.0, 2.0, 3.0, 4.0])
    spec = ReplicateSpec(columns=("r1", "r2"), method="jk1", scale=0.5)
    survey = Survey(data, Design(weight="w", replicate=spec))
    with pytest.raises(WeightingError) as caught:
        survey.with_weights(np.ones(4), column="w2")
    assert caught.value.code == "stale_replicates"


def test_negative_replicate_weight_is_refused_on_construction():
    data = small_frame().assign(r1=[2.0, -1.0, 3.0, 4.0], r2=[0.0, 2.0, 3.0, 4.0])
    spec = ReplicateSpec(columns=("r1", "r2"), method="jk1", scale=0.5)
    with pytest.raises(WeightingError) as caught:
        Survey(data, Design(weight="w", replicate=spec))
    assert (caught.value.code, caught.value.column, caught.value.row) == ("invalid_weight", "r1", 1)


def test_lonely_psu_rule_must_be_one_of_r_rules():
    with pytest.raises(WeightingError) as caught:
        Design(weight="w", lonely_psu="center")  # type: ignore[arg-type]
    assert caught.value.code == "unknown_lonely_psu_rule"
