"""What every weight adjustment shares: the weights it adjusts, cell labels, the Survey it returns.

An adjustment acts on a weight matrix: column 0 is the full-sample weight, the other columns are
the replicate weights of a replicate design (full weights, R's ``combined.weights=TRUE``). Each
column is adjusted on its own, which is how R's ``postStratify``/``rake``/``calibrate`` treat an
``svyrep.design``: the replicate variance then reflects the adjustment, and no calibration stage is
recorded. A design without replicates records the stage instead, for the Taylor variance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse

from weighting.design import CalibrationStage, Survey
from weighting.errors import WeightingError

CELL_SEPARATOR = "|"


def weight_matrix(survey: Survey) -> np.ndarray:
    """n x (1 + R): the full-sample weight, then each replicate weight.

    Column-major, because every adjustment works one weight column at a time.
    """
    spec = survey.design.replicate
    if spec is not None and spec.jackknife is not None:
        raise WeightingError(
            "psu_jackknife_not_adjustable",
            "this jackknife is kept per PSU (too many replicate weights for columns), and adjusting weights "
            "needs every replicate weight: adjust a design without replicates (Taylor variance accounts "
            "for the adjustment), or make the replicates with storage='columns' on a smaller design",
        )
    replicates = survey.replicate_weights() if survey.design.replicate is not None else None
    matrix = np.empty((len(survey.data), 1 + (0 if replicates is None else replicates.shape[1])), order="F")
    matrix[:, 0] = survey.weights()
    if replicates is not None:
        matrix[:, 1:] = replicates
    return matrix


def adjusted_survey(
    survey: Survey,
    matrix: np.ndarray,
    *,
    column: str,
    stage: CalibrationStage | None,
) -> Survey:
    """The survey with adjusted weights: column 0 becomes ``column``, the rest the replicate columns."""
    spec = survey.design.replicate
    if spec is None:
        return survey.with_weights(matrix[:, 0], column=column, stage=stage)
    # one new frame rather than with_weights on a copy: replicate matrices are large
    replaced = [column, *spec.columns]
    adjusted = pd.DataFrame(matrix, columns=replaced, index=survey.data.index)
    data = pd.concat([survey.data.drop(columns=[c for c in replaced if c in survey.data.columns]), adjusted], axis=1)
    design = dataclasses.replace(survey.design, weight=column, probability=None)
    return Survey(data=data, design=design, calibration=survey.calibration)


def column_list(columns: Sequence[str] | str) -> list[str]:
    """Column names as a list; one name on its own is one column, not its letters."""
    return [columns] if isinstance(columns, str) else list(columns)


def require_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in data.columns:
            raise WeightingError(
                "unknown_column", f"column {column!r} is not in the data",
                column=column, expected="a column of the data", got=column,
            )


def require_complete(data: pd.DataFrame, column: str) -> None:
    missing = data[column].isna().to_numpy()
    if missing.any():
        raise WeightingError(
            "missing_value", f"column {column!r} has a missing value; every row needs one to be adjusted",
            column=column, row=int(np.flatnonzero(missing)[0]),
        )


def value_label(value: object) -> str:
    """A value as the string cells are matched on: 1, 1.0 and "1" are the same level."""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def cells(data: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Per row, the code of its cell in the cross-classification by ``columns``, and each cell's label.

    Labels join the values with "|" ("f|15-29"); codes number the cells in order of appearance.
    """
    require_columns(data, columns)
    combined = np.zeros(len(data), dtype=np.int64)
    level_labels = []
    for column in columns:
        require_complete(data, column)
        codes, uniques = pd.factorize(data[column])
        combined = combined * len(uniques) + codes
        level_labels.append([value_label(v) for v in uniques])
    cell_codes, cell_keys = pd.factorize(combined)
    labels = []
    for key in cell_keys:
        parts = []
        for levels in reversed(level_labels):
            key, position = divmod(int(key), len(levels))
            parts.append(levels[position])
        labels.append(CELL_SEPARATOR.join(reversed(parts)))
    # 1 (integer column) and "1" (text column) may meet in one object column: one cell, one label
    label_codes, unique_labels = pd.factorize(np.array(labels, dtype=object))
    return label_codes[cell_codes].astype(np.intp), [str(label) for label in unique_labels]


def cell_sums(codes: np.ndarray, values: np.ndarray, n_cells: int) -> np.ndarray:
    """Sum of each column of ``values`` (n x k) within each cell: n_cells x k."""
    return np.column_stack([np.bincount(codes, weights=values[:, j], minlength=n_cells)
                            for j in range(values.shape[1])])


def spread(cell: np.ndarray, values: np.ndarray) -> scipy.sparse.csr_array:
    """n x cells sparse matrix: each row's value in its cell's column."""
    rows = np.arange(len(cell))
    return scipy.sparse.csr_array((values, (rows, cell)), shape=(len(cell), int(cell.max()) + 1))
