"""Writing microdata files: labels kept within each format's limits, names a format can hold, and
the files read back by the readers analysts use."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from weighting.errors import WeightingError
from weighting.microdata import Microdata, file_names, read_microdata, write_microdata

LONG = "ipv_sexual_intercourse_out_of_fear_ever"
FRAME = pd.DataFrame({
    LONG: [1.0, 2.0, np.nan],
    LONG.replace("ever", "12m"): [2.0, 1.0, 1.0],
    "comment": pd.Series(["línea uno", None, "dos\r\ntres"], dtype="string"),
    "weight": [1.5, 2.5, 3.0],
})
MICRODATA = Microdata(
    FRAME,
    value_labels={LONG: {1: "Sí", 2: "No"}},
    variable_labels={LONG: "¿Alguna vez? " + "é" * 200, "weight": "Peso final"},
)


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_stata_and_spss_files_keep_labels_and_values(tmp_path: Path, suffix: str):
    path = tmp_path / f"data{suffix}"

    names = write_microdata(MICRODATA, path)
    back = read_microdata(path)

    name = names[LONG]
    assert list(back.data.columns) == [names[c] for c in FRAME.columns]
    assert back.value_labels[name] == {1: "Sí", 2: "No"}
    assert back.variable_labels[names["weight"]] == "Peso final"
    assert back.variable_labels[name].startswith("¿Alguna vez? éé") and back.variable_labels[name].endswith("…")
    assert back.data[name].fillna(-1).tolist() == [1.0, 2.0, -1]
    assert back.data["comment"].tolist() == ["línea uno", "", "dos\r\ntres"]  # ReadStat reads missing text as ""


def test_label_limits_are_the_formats(tmp_path: Path):
    write_microdata(MICRODATA, tmp_path / "data.dta")
    write_microdata(MICRODATA, tmp_path / "data.sav")

    stata = read_microdata(tmp_path / "data.dta").variable_labels
    spss = read_microdata(tmp_path / "data.sav").variable_labels

    assert max(len(label) for label in stata.values()) == 80  # characters
    assert max(len(label.encode()) for label in spss.values()) <= 256  # bytes


def test_names_are_made_valid_short_and_unique_per_format():
    columns = [LONG, LONG.replace("ever", "12m"), "2nd-visit", "Weight", "weight"]

    stata, spss, csv = (file_names(columns, suffix) for suffix in (".dta", ".sav", ".csv"))

    assert stata == {LONG: LONG[:28], LONG.replace("ever", "12m"): LONG[:26] + "_1", "2nd-visit": "v2nd_visit",
                     "Weight": "Weight", "weight": "weight_1"}
    assert spss[LONG] == LONG and spss["2nd-visit"] == "v2nd_visit" and spss["weight"] == "weight_1"
    assert csv == {column: column for column in columns}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_csv_and_parquet_read_back_unchanged(tmp_path: Path, suffix: str):
    path = tmp_path / f"data{suffix}"

    write_microdata(MICRODATA, path)
    back = read_microdata(path).data

    assert list(back.columns) == list(FRAME.columns)
    assert back["comment"].fillna("").tolist() == ["línea uno", "", "dos\r\ntres"]  # a CR LF in a cell stays in it
    assert back["weight"].tolist() == FRAME["weight"].tolist()


def test_parquet_keeps_variable_labels_in_its_schema(tmp_path: Path):
    path = tmp_path / "data.parquet"

    write_microdata(MICRODATA, path)

    assert read_microdata(path).variable_labels == MICRODATA.variable_labels  # whole: Parquet has no limit
    assert read_microdata(path, columns=["weight"]).variable_labels == {"weight": "Peso final"}


def test_an_unknown_format_is_named(tmp_path: Path):
    with pytest.raises(WeightingError) as caught:
        write_microdata(MICRODATA, tmp_path / "data.xlsx")

    assert caught.value.code == "unsupported_format"
