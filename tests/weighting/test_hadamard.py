"""Hadamard matrices for BRR are the ones R survey's hadamard(n) picks."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from tests.weighting.adjustment_golden import GOLDEN

from weighting.hadamard import hadamard

R_MATRICES = pd.read_csv(GOLDEN / "hadamard.csv")


@pytest.mark.parametrize("n", R_MATRICES["n"].tolist())
def test_matrix_for_n_strata_is_r_matrix(n):
    expected = R_MATRICES.set_index("n").loc[n]
    matrix = hadamard(n)
    assert matrix.shape == (expected["order"], expected["order"])
    text = ";".join("".join(str(v) for v in row) for row in matrix)
    assert hashlib.md5(text.encode()).hexdigest() == expected["md5"]


@pytest.mark.parametrize("n", [7, 11, 27, 35, 100])
def test_matrix_rows_are_orthogonal(n):
    signed = 2 * hadamard(n).astype(int) - 1
    np.testing.assert_array_equal(signed @ signed.T, len(signed) * np.eye(len(signed), dtype=int))
