"""Reading microdata files: every format, its labels, and a clear error for each bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from weighting.errors import WeightingError
from weighting.microdata import coerce_numeric, read_microdata

FRAME = pd.DataFrame(
    {
        "stratum": [1, 1, 2, 2],
        "psu": [10, 11, 20, 21],
        "weight": [1.5, 2.0, 2.5, 3.0],
        "sex": [1, 2, 2, 1],
    }
)
SEX_LABELS = {1: "man", 2: "woman"}


def write(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"survey{suffix}"
    if suffix == ".csv":
        FRAME.to_csv(path, index=False)
    elif suffix == ".parquet":
        FRAME.to_parquet(path, index=False)
    elif suffix == ".dta":
        pyreadstat.write_dta(
            FRAME, str(path), column_labels=["Stratum", "PSU", "Final weight", "Sex"],
            variable_value_labels={"sex": SEX_LABELS},
        )
    else:
        pyreadstat.write_sav(
            FRAME, str(path), column_labels=["Stratum", "PSU", "Final weight", "Sex"],
            variable_value_labels={"sex": SEX_LABELS},
        )
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta", ".sav"])
def test_each_format_reads_the_values_written(tmp_path, suffix):
    microdata = read_microdata(write(tmp_path, suffix))
    assert list(microdata.data.columns) == list(FRAME.columns)
    np.testing.assert_allclose(microdata.data.to_numpy(dtype=float), FRAME.to_numpy(dtype=float))


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_stata_and_spss_keep_codes_and_return_their_labels(tmp_path, suffix):
    microdata = read_microdata(write(tmp_path, suffix))
    assert microdata.data["sex"].tolist() == [1, 2, 2, 1]
    assert microdata.value_labels == {"sex": SEX_LABELS}
    assert microdata.variable_labels["weight"] == "Final weight"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta", ".sav"])
def test_columns_limits_the_read_in_the_order_given(tmp_path, suffix):
    microdata = read_microdata(write(tmp_path, suffix), columns=["weight", "stratum", "weight"])
    assert list(microdata.data.columns) == ["weight", "stratum"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta", ".sav"])
def test_unknown_column_is_named_with_near_spellings(tmp_path, suffix):
    with pytest.raises(WeightingError) as error:
        read_microdata(write(tmp_path, suffix), columns=["weight", "wieght", "weigth"])
    assert error.value.code == "unknown_column"
    assert error.value.column == "wieght"
    assert "'weight'" in error.value.message


def test_unknown_extension_is_rejected_before_reading(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"whatever")
    with pytest.raises(WeightingError) as error:
        read_microdata(path)
    assert error.value.code == "unsupported_format"
    assert error.value.got == ".xlsx"


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(WeightingError) as error:
        read_microdata(tmp_path / "absent.csv")
    assert error.value.code == "file_not_found"


@pytest.mark.parametrize("suffix", [".parquet", ".dta", ".sav"])
def test_corrupt_file_is_unreadable(tmp_path, suffix):
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"\x00\x01 not a real file \xff" * 10)
    with pytest.raises(WeightingError) as error:
        read_microdata(path)
    assert error.value.code == "unreadable_file"
    assert "broken" in error.value.message


def test_coerce_numeric_converts_numbers_stored_as_text_and_keeps_blanks_missing():
    data = pd.DataFrame({"weight": ["1.5", " 2", None], "other": ["a", "b", "c"]})
    converted = coerce_numeric(data, ["weight"])
    assert converted["weight"].tolist()[:2] == [1.5, 2.0]
    assert np.isnan(converted["weight"].iloc[2])
    assert data["weight"].iloc[0] == "1.5"


def test_coerce_numeric_names_column_and_first_bad_row():
    data = pd.DataFrame({"weight": ["1.5", "2", "n/a", "x"]})
    with pytest.raises(WeightingError) as error:
        coerce_numeric(data, ["weight"])
    assert (error.value.code, error.value.column, error.value.row, error.value.got) == (
        "non_numeric_column", "weight", 2, "n/a",
    )


def test_coerce_numeric_rejects_booleans():
    with pytest.raises(WeightingError) as error:
        coerce_numeric(pd.DataFrame({"weight": [True, False]}), ["weight"])
    assert (error.value.code, error.value.row) == ("non_numeric_column", 0)
