"""Delete-one jackknife replicates kept per PSU, never as an n x R matrix of weights.

A jackknife has one replicate per PSU, so its replicate weights grow as rows x PSUs (1,000,000
rows and 4,000 PSUs: 32 GB). Every replicate weight is the full weight times a multiplier that
depends only on the row's PSU, and those multipliers have a fixed shape: replicate r multiplies
the PSUs of stratum ``block[r]`` by ``inside[r]`` (n_h / (n_h - 1)), the PSU ``dropped[r]`` by 0
and every other PSU by ``outside[r]`` (1). The replicate of a lonely stratum under R's "adjust"
drops the whole stratum: ``inside`` 0, no ``dropped`` PSU (-1), ``outside`` H / (H - 1).

So the replicate total of anything linear is formed from PSU totals t_k, their stratum totals
t_h and the grand total T:  T_r = outside_r T + (inside_r - outside_r) t_h(r) - inside_r t_dropped(r).
Means, proportions, ratios and their domain versions are functions of such totals, which is all
the replicate variance needs (see replicate_variance.replicate_totals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class PsuJackknife:
    """The replicate multipliers of a JK1/JKn jackknife, per PSU (see the module docstring).

    Built by ``weighting.replicates.make_replicates``: every stratum with ordinary replicates
    has one replicate per PSU (``dropped`` runs over all of its PSUs).
    """

    psu: np.ndarray  # per row, PSU code
    psu_stratum: np.ndarray  # per PSU, stratum code
    block: np.ndarray  # per replicate, stratum code
    dropped: np.ndarray  # per replicate, PSU code, or -1 when the whole block is dropped
    inside: np.ndarray  # per replicate, multiplier of the block's other PSUs
    outside: np.ndarray  # per replicate, multiplier of the PSUs outside the block

    @property
    def n_replicates(self) -> int:
        return len(self.block)

    @property
    def n_psu(self) -> int:
        return len(self.psu_stratum)

    @property
    def n_strata(self) -> int:
        return int(self.psu_stratum.max()) + 1

    def multipliers(self) -> np.ndarray:
        """n_PSU x R: the explicit multiplier of each PSU in each replicate."""
        in_block = self.psu_stratum[:, None] == self.block[None, :]
        matrix = np.where(in_block, self.inside[None, :], self.outside[None, :])
        regular = np.flatnonzero(self.dropped >= 0)
        matrix[self.dropped[regular], regular] = 0.0
        return matrix

    def totals(self, psu_totals: np.ndarray) -> np.ndarray:
        """Replicate totals (k x R) from the totals (n_PSU x k) of k weighted columns per PSU."""
        stratum_totals = np.zeros((self.n_strata, psu_totals.shape[1]))
        np.add.at(stratum_totals, self.psu_stratum, psu_totals)
        grand = psu_totals.sum(axis=0)
        # gather per replicate (R x k), then one transpose: k x R
        dropped = np.where(self.dropped[:, None] >= 0, psu_totals[np.maximum(self.dropped, 0)], 0.0)
        replicates = (
            self.outside[:, None] * grand[None, :]
            + (self.inside - self.outside)[:, None] * stratum_totals[self.block]
            - self.inside[:, None] * dropped
        )
        return replicates.T

    def rank(self, psu_has_rows: np.ndarray) -> int:
        """Rank of the replicate weights restricted to the rows of the PSUs flagged in ``psu_has_rows``.

        Positive weights do not change a rank, so this is the rank of the multiplier matrix on the
        flagged PSUs, counted from its shape rather than by a QR of a PSUs x R matrix: it is the
        number of flagged PSUs minus the dimension of the vectors x over them with x'M = 0.
        Writing X for the sum of x, a stratum with ordinary replicates forces X = 0, and x = 0 on
        its PSUs if one of them is not flagged, or else x constant (c_h) on them; an "adjust"
        replicate of lonely stratum s forces X = x_s (X = 0 if s is not flagged); PSUs of strata
        without replicates (census, lonely) are otherwise free. What is left is a handful of
        linear constraints on the free values, whose rank is taken numerically.
        """
        flagged = np.asarray(psu_has_rows, dtype=bool)
        n_strata = self.n_strata
        regular = np.zeros(n_strata, dtype=bool)
        regular[self.block[self.dropped >= 0]] = True
        adjust = self.block[self.dropped < 0]
        sizes = np.bincount(self.psu_stratum, minlength=n_strata)
        flagged_sizes = np.bincount(self.psu_stratum[flagged], minlength=n_strata)
        full = regular & (flagged_sizes == sizes)
        # free values: c_h of each full stratum (weight n_h in X), then x of each flagged PSU of a
        # stratum without ordinary replicates (weight 1 in X)
        loose = np.flatnonzero(flagged & ~regular[self.psu_stratum])
        coefficients = np.concatenate([sizes[full], np.ones(len(loose))]).astype(float)
        if not len(coefficients):
            return int(flagged.sum())
        constraints = []
        if regular.any():
            constraints.append(coefficients)
        position = {int(psu): len(coefficients) - len(loose) + i for i, psu in enumerate(loose)}
        for stratum in adjust:
            row = coefficients.copy()
            members = np.flatnonzero((self.psu_stratum == stratum) & flagged)
            for psu in members:  # a lonely stratum: at most one PSU
                row[position[int(psu)]] -= 1.0
            constraints.append(row)
        rank = np.linalg.matrix_rank(np.array(constraints)) if constraints else 0
        return int(flagged.sum()) - (len(coefficients) - rank)
