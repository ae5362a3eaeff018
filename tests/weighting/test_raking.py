"""Raking: weights as R's rake, to one- and two-way margins, and non-convergence as an error."""

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import assert_residuals_match_r, CASES, POP_CROSS, POP_SCHWIDE, POP_TYPES, RTOL, clus1, r_weights, strat

from weighting.errors import WeightingError
from weighting.raking import Raking, rake


@pytest.mark.parametrize("case", [c for c in CASES if "_rake_" in c])
def test_raked_weights_match_r(case):
    np.testing.assert_allclose(CASES[case]().weights(), r_weights(case), rtol=RTOL)


def test_two_way_margin_cells_add_up_to_their_totals():
    survey = rake(
        strat(), {"stype*sch.wide": POP_CROSS, "awards": {"No": 2236, "Yes": 3958}}, max_iter=100, epsilon=1e-12
    )
    cells = survey.data["stype"] + "|" + survey.data["sch.wide"]
    sums = pd.Series(survey.weights()).groupby(cells.to_numpy()).sum()
    np.testing.assert_allclose(sums[list(POP_CROSS)], list(POP_CROSS.values()), rtol=1e-9)


def test_raking_records_one_stage_with_every_margin():
    survey = rake(clus1(), {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE})
    assert isinstance(survey.calibration[-1], Raking)
    assert len(survey.calibration[-1].margins) == 2


def test_raking_that_does_not_converge_is_an_error_with_the_discrepancy():
    with pytest.raises(WeightingError) as error:
        rake(clus1(), {"stype": POP_TYPES, "sch.wide": POP_SCHWIDE}, max_iter=2, epsilon=1e-9)
    assert error.value.code == "raking_not_converged"
    assert "2 iterations" in error.value.message
    assert error.value.got > 0


def test_margin_level_missing_from_the_sample_is_named():
    with pytest.raises(WeightingError) as error:
        rake(clus1(), {"stype": {**POP_TYPES, "K": 5}, "sch.wide": POP_SCHWIDE})
    assert (error.value.code, error.value.got, error.value.column) == ("cell_missing_from_sample", "K", "stype")


def test_sample_level_missing_from_a_margin_is_named():
    with pytest.raises(WeightingError) as error:
        rake(clus1(), {"stype": {"E": 4421, "H": 755}})
    assert (error.value.code, error.value.got) == ("cell_missing_from_totals", "M")


def test_unknown_margin_column_is_named():
    with pytest.raises(WeightingError) as error:
        rake(clus1(), {"sex*stype": {"f|E": 1}})
    assert (error.value.code, error.value.column) == ("unknown_column", "sex")


@pytest.mark.parametrize("case", [c for c in CASES if "_rake_" in c])
def test_raking_stage_residuals_match_r(case):
    assert_residuals_match_r(case)
