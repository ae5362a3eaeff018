"""Post-stratification: weights as R's postStratify, and clear refusals of mismatched cells."""

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import assert_residuals_match_r, CASES, POP_TYPES, RTOL, clus1, r_weights, totals_table

from weighting.errors import WeightingError
from weighting.poststratify import PostStratification, poststratify
from weighting.replicates import make_replicates


@pytest.mark.parametrize("case", [c for c in CASES if "_poststratify_" in c and "calibrate" not in c])
def test_poststratified_weights_match_r(case):
    np.testing.assert_allclose(CASES[case]().weights(), r_weights(case), rtol=RTOL)


def test_poststratified_weights_add_up_to_each_cell_total():
    survey = poststratify(clus1(), totals_table(POP_TYPES, "stype"))
    sums = pd.Series(survey.weights()).groupby(survey.data["stype"].to_numpy()).sum()
    np.testing.assert_allclose(sums[list(POP_TYPES)], list(POP_TYPES.values()), rtol=1e-12)


def test_poststratify_returns_a_new_survey_and_leaves_the_input_alone():
    original = clus1()
    before = original.weights().copy()
    adjusted = poststratify(original, totals_table(POP_TYPES, "stype"))
    np.testing.assert_array_equal(original.weights(), before)
    assert "poststratified_weight" not in original.data.columns
    assert adjusted.design.weight == "poststratified_weight"
    assert isinstance(adjusted.calibration[-1], PostStratification)


def test_sample_cell_missing_from_totals_is_named():
    totals = totals_table({"E": 4421, "H": 755}, "stype")
    with pytest.raises(WeightingError) as error:
        poststratify(clus1(), totals)
    assert error.value.code == "cell_missing_from_totals"
    assert error.value.got == "M"


def test_population_cell_missing_from_sample_is_named_unless_partial():
    totals = totals_table({**POP_TYPES, "X": 10}, "stype")
    with pytest.raises(WeightingError) as error:
        poststratify(clus1(), totals)
    assert error.value.code == "cell_missing_from_sample"
    assert error.value.got == "X"
    partial = poststratify(clus1(), totals, partial=True)
    np.testing.assert_allclose(partial.weights(), r_weights("clus1_poststratify_stype"), rtol=RTOL)


def test_zero_total_for_a_sample_cell_is_refused():
    with pytest.raises(WeightingError) as error:
        poststratify(clus1(), totals_table({**POP_TYPES, "H": 0}, "stype"))
    assert error.value.code == "zero_population_total"


def test_totals_without_total_column_are_refused():
    with pytest.raises(WeightingError) as error:
        poststratify(clus1(), pd.DataFrame({"stype": ["E"], "count": [1]}))
    assert error.value.code == "missing_total_column"


def test_negative_total_is_refused():
    with pytest.raises(WeightingError) as error:
        poststratify(clus1(), totals_table({**POP_TYPES, "E": -1}, "stype"))
    assert error.value.code == "invalid_total"


def test_unknown_cell_column_is_named():
    with pytest.raises(WeightingError) as error:
        poststratify(clus1(), pd.DataFrame({"region": ["N"], "total": [1]}))
    assert (error.value.code, error.value.column) == ("unknown_column", "region")


def test_missing_cell_value_names_the_row():
    data = clus1().data.copy()
    data.loc[4, "stype"] = None
    survey = clus1()
    survey = type(survey)(data, survey.design)
    with pytest.raises(WeightingError) as error:
        poststratify(survey, totals_table(POP_TYPES, "stype"))
    assert (error.value.code, error.value.column, error.value.row) == ("missing_value", "stype", 4)


def test_numeric_cells_match_totals_given_as_text():
    survey = clus1()
    data = survey.data.assign(level=survey.data["stype"].map({"E": 1, "H": 2, "M": 3}))
    numeric = type(survey)(data, survey.design)
    totals = pd.DataFrame({"level": ["1", "2", "3"], "total": list(POP_TYPES.values())})
    np.testing.assert_allclose(
        poststratify(numeric, totals).weights(), r_weights("clus1_poststratify_stype"), rtol=RTOL
    )


@pytest.mark.parametrize("case", [c for c in CASES if "_poststratify_" in c])
def test_poststratification_stage_residuals_match_r(case):
    assert_residuals_match_r(case)


def test_replicate_that_empties_a_cell_is_named():
    survey = make_replicates(clus1(), "jk1")
    lone_district = survey.data["dnum"].iloc[0]
    cells = pd.DataFrame({"district": ["one", "other"], "total": [100, 6094]})
    data = survey.data.assign(district=np.where(survey.data["dnum"] == lone_district, "one", "other"))
    with pytest.raises(WeightingError) as error:
        poststratify(type(survey)(data, survey.design), cells)
    assert (error.value.code, error.value.got) == ("empty_cell_in_replicate", "one")
