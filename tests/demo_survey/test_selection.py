import numpy as np
import pytest

from api.demo_survey.selection import SelectionError, pps_systematic, systematic


def test_pps_systematic_selects_n_distinct_units_with_probability_n_size_over_total():
    sizes = np.array([50, 120, 80, 200, 60, 90, 150, 40])
    selected, probabilities = pps_systematic(sizes, 3, np.random.default_rng(1))

    assert len(set(selected.tolist())) == 3
    np.testing.assert_allclose(probabilities, 3 * sizes[selected] / sizes.sum(), rtol=1e-15)


def test_pps_systematic_hits_each_unit_as_often_as_its_probability_says():
    sizes = np.array([10, 30, 60, 100, 45, 55])
    rng = np.random.default_rng(3)
    draws = 20_000
    hits = np.zeros(len(sizes))
    for _ in range(draws):
        selected, _ = pps_systematic(sizes, 2, rng)
        hits[selected] += 1

    np.testing.assert_allclose(hits / draws, 2 * sizes / sizes.sum(), atol=0.015)


def test_pps_systematic_refuses_a_unit_that_would_be_a_certainty():
    with pytest.raises(SelectionError, match="certainty"):
        pps_systematic(np.array([10, 10, 500]), 2, np.random.default_rng(0))


def test_pps_systematic_refuses_a_size_of_zero():
    with pytest.raises(SelectionError, match="unit 1 has 0"):
        pps_systematic(np.array([10, 0, 30]), 1, np.random.default_rng(0))


def test_systematic_takes_n_distinct_positions_of_the_listing_with_probability_n_over_listed():
    positions, probability = systematic(37, 12, np.random.default_rng(5))

    assert len(set(positions.tolist())) == 12
    assert positions.min() >= 0 and positions.max() < 37
    assert probability == 12 / 37


def test_systematic_refuses_more_households_than_listed():
    with pytest.raises(SelectionError, match="12 households from a listing of 10"):
        systematic(10, 12, np.random.default_rng(0))
