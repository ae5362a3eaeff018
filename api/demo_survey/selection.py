"""Systematic selection: with probability proportional to size (PSUs) and with equal probability
(households within a PSU's listing), each returning what was selected and with what probability."""

import numpy as np


class SelectionError(ValueError):
    """A selection the design cannot make (a size of zero, more units than the list holds...)."""


def pps_systematic(sizes: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indexes of ``n`` units drawn systematically with probability proportional to ``sizes``, and the
    inclusion probability of each: ``n * size / total``.

    A unit with ``n * size / total >= 1`` would be hit more than once; the design has no certainty
    stratum, so that is refused rather than silently selected twice.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if n < 1 or n > len(sizes):
        raise SelectionError(f"cannot select {n} units from a list of {len(sizes)}")
    if (sizes <= 0).any():
        raise SelectionError(f"measure of size must be positive; unit {int(np.argmin(sizes))} has {int(sizes.min())}")
    total = int(sizes.sum())
    probabilities = n * sizes / total
    if probabilities.max() >= 1:
        raise SelectionError(
            f"unit {int(np.argmax(probabilities))} has size {int(sizes.max())} >= the sampling interval {total / n:g}: "
            "it would be a certainty unit"
        )
    interval = total / n
    points = rng.uniform(0, interval) + interval * np.arange(n)
    # Unit i covers [cumulative size before it, cumulative size through it).
    selected = np.searchsorted(np.cumsum(sizes), points, side="right")
    return selected, probabilities[selected]


def systematic(population: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """0-based positions of ``n`` of ``population`` listed units by equal-probability systematic
    selection with a fractional interval, and their common probability ``n / population``."""
    if n < 1 or n > population:
        raise SelectionError(f"cannot select {n} households from a listing of {population}")
    interval = population / n
    positions = np.floor(rng.uniform(0, interval) + interval * np.arange(n)).astype(np.int64)
    return positions, n / population
