"""Domains, by cells and missing values: rows leave a cell, never the design."""

import numpy as np
import pandas as pd
import pytest

from weighting import Design, Survey, WeightingError
from weighting.estimators import mean, proportion
from weighting.estimators.cells import resolve_cells


def survey() -> Survey:
    data = pd.DataFrame(
        {
            "w": [1.0, 2.0, 1.0, 3.0, 2.0, 1.0],
            "region": ["n", "n", "s", "s", "n", None],
            "sex": ["f", "m", "f", "m", "f", "f"],
            "y": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0],
        }
    )
    return Survey(data, Design(weight="w"))


def test_missing_by_value_and_missing_variable_leave_the_cell():
    cells = resolve_cells(survey(), ("region",), None, ("y",))
    assert cells.keys == (("n",), ("s",))
    assert cells.group.tolist() == [0, -1, 1, 1, 0, -1]


def test_by_cells_are_sorted_by_the_first_column_first():
    cells = resolve_cells(survey(), ("sex", "region"), None, ())
    assert cells.keys == (("f", "n"), ("f", "s"), ("m", "n"), ("m", "s"))


def test_domain_mapping_and_boolean_mask_select_the_same_rows():
    by_mapping = mean(survey(), "y", domain={"sex": "f"})
    by_mask = mean(survey(), "y", domain=survey().data["sex"] == "f")
    assert by_mapping.rows[0].estimate == by_mask.rows[0].estimate
    assert by_mapping.rows[0].n == 4


def test_unknown_by_column_is_named():
    with pytest.raises(WeightingError) as caught:
        mean(survey(), "y", by="province")
    assert (caught.value.code, caught.value.column) == ("unknown_column", "province")


def test_mean_of_text_column_is_refused():
    with pytest.raises(WeightingError) as caught:
        mean(survey(), "sex")
    assert (caught.value.code, caught.value.column) == ("non_numeric_column", "sex")


def test_empty_domain_is_refused():
    with pytest.raises(WeightingError) as caught:
        mean(survey(), "y", domain={"sex": "x"})
    assert caught.value.code == "empty_domain"


def test_proportion_lists_every_level_in_every_cell():
    table = proportion(survey(), "sex", by="region", ci="wald")
    assert [(dict(r.by)["region"], r.level) for r in table.rows] == [("n", "f"), ("n", "m"), ("s", "f"), ("s", "m")]
    frame = table.to_frame()
    assert list(frame.columns[:3]) == ["region", "level", "estimate"]


def test_estimate_rows_carry_the_agreed_fields_and_deft():
    row = mean(survey(), "y", by="sex").rows[0]
    frame = mean(survey(), "y", by="sex").to_frame()
    assert list(frame.columns) == [
        "sex", "level", "estimate", "se", "ci_low", "ci_high", "cv", "deff", "df", "n", "weighted_n", "flag",
    ]
    assert row.flag is None
    assert row.deft == pytest.approx(np.sqrt(row.deff))


def test_domain_series_with_another_index_is_refused():
    mask = (survey().data["sex"] == "f").reset_index(drop=True)
    mask.index = mask.index + 10
    with pytest.raises(WeightingError) as caught:
        mean(survey(), "y", domain=mask)
    assert caught.value.code == "invalid_domain"


def test_numeric_category_codes_with_missing_values_keep_integer_labels():
    data = survey().data.assign(code=[1.0, 2.0, np.nan, 2.0, 1.0, 1.0])
    table = proportion(Survey(data, Design(weight="w")), "code", ci="wald")
    assert [row.level for row in table.rows] == ["1", "2"]
