"""Complementary cell suppression: no suppressed cell may be recovered from what is published.

A table is a list of cells tied by linear relations whose right-hand side a reader knows: a total
row or column (members minus the total is zero), or the levels of a proportion within one group
(they sum to one). Suppressing a cell is not enough when one relation leaves it the only unknown,
or when several relations together pin it down (a bridge in a 2-D table).

The test is exact linear disclosure: with the suppressed cells as unknowns, a cell is exposed when
its unit vector lies in the row space of the relations restricted to the suppressed cells, that is,
when every solution of the homogeneous system has zero in that cell. Interval disclosure from
non-negativity bounds is not addressed (published sums of non-negative counts bound each unknown
by its relation's total; that is a width, not a value).

Choice of secondary cells (the rule published with each release), one cell at a time while any
suppressed cell is exposed: the candidates are the published cells of the relations in which an
exposed cell is the only suppressed one (else of any relation holding an exposed cell); the one
chosen leaves the fewest cells exposed, then has the smallest cost (the caller's measure of its
contribution: the estimate, so the least information is withheld), then comes first in the table.
Greedy, not optimal: it never leaves a cell exposed, and may withhold more than the minimum.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.linalg import null_space

from weighting.errors import WeightingError

# Null-space components below this are zero: tables have at most a few hundred cells and
# coefficients of +-1, so genuine components are far larger.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell) = constant`` with a constant the reader knows (zero or one)."""

    cells: tuple[int, ...]
    coefficients: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.cells) != len(self.coefficients) or len(set(self.cells)) != len(self.cells):
            raise WeightingError("invalid_relation", "a relation needs one coefficient per distinct cell",
                                 got=(self.cells, self.coefficients))


def _matrix(relations: Sequence[Relation], n_cells: int) -> np.ndarray:
    matrix = np.zeros((len(relations), n_cells))
    for row, relation in enumerate(relations):
        for cell, coefficient in zip(relation.cells, relation.coefficients, strict=True):
            if not 0 <= cell < n_cells:
                raise WeightingError("invalid_relation", f"relation {row} names cell {cell} of {n_cells}",
                                     expected=f"0..{n_cells - 1}", got=cell)
            matrix[row, cell] = coefficient
    return matrix


def exposed_cells(suppressed: Collection[int], relations: Sequence[Relation], n_cells: int) -> list[int]:
    """Suppressed cells whose value follows from the published cells and the relations."""
    return _exposed(_matrix(relations, n_cells), suppressed)


def _exposed(matrix: np.ndarray, suppressed: Collection[int]) -> list[int]:
    hidden = sorted(set(suppressed))
    restricted = matrix[:, hidden]
    restricted = restricted[np.abs(restricted).sum(axis=1) > 0]  # relations without a hidden cell say nothing
    if not restricted.size:
        return []
    free = null_space(restricted)
    exposed = np.abs(free).max(axis=1, initial=0.0) <= _TOLERANCE if free.size else np.ones(len(hidden), bool)
    return [cell for cell, is_exposed in zip(hidden, exposed, strict=True) if is_exposed]


def protect(primary: Collection[int], relations: Sequence[Relation], costs: Sequence[Any]) -> frozenset[int]:
    """The primary cells plus the complementary ones that make none of them recoverable.

    ``costs[i]`` is cell i's contribution, any comparable value (smaller is cheaper to withhold;
    a tuple ranks, e.g., interior cells before totals, then by value). Raises
    ``unprotectable_cell`` when a cell stays exposed with every related cell withheld.
    """
    n_cells = len(costs)
    suppressed = set(primary)
    if any(not 0 <= cell < n_cells for cell in suppressed):
        raise WeightingError("invalid_relation", "a primary cell is outside the table", got=sorted(suppressed))
    matrix = _matrix(relations, n_cells)
    members = [frozenset(relation.cells) for relation in relations]
    while exposed := _exposed(matrix, suppressed):
        suppressed.add(_secondary(exposed, suppressed, matrix, members, costs))
    return frozenset(suppressed)


def _secondary(exposed: list[int], suppressed: set[int], matrix: np.ndarray, members: list[frozenset[int]],
               costs: Sequence[Any]) -> int:
    """The next complementary cell: from the relations that expose a cell on their own, else from
    any relation of an exposed cell, else from any relation; fewest cells left exposed, then
    smallest cost, then table order."""
    alone = [cells for cells in members if len(suppressed & cells) == 1 and not cells.isdisjoint(exposed)]
    touching = [cells for cells in members if not cells.isdisjoint(exposed)]
    for pool in (alone, touching, members):
        candidates = set().union(*pool) - suppressed
        if candidates:
            return min(candidates, key=lambda cell: (len(_exposed(matrix, suppressed | {cell})), costs[cell], cell))
    raise WeightingError("unprotectable_cell", f"cells {exposed} are determined by the relations alone", got=exposed)


def margin_relations(
    keys: Sequence[Mapping[str, Hashable]], dimensions: Sequence[str], total_label: Hashable
) -> list[Relation]:
    """Relations of a table with total rows or columns: along each dimension, the cells that share
    every other key add up to the cell labelled ``total_label`` in that dimension, when it exists."""
    index = {_key(cell, dimensions): position for position, cell in enumerate(keys)}
    if len(index) != len(keys):
        raise WeightingError("duplicate_cell", "two cells of the table have the same keys", expected=list(dimensions))
    relations = []
    for dimension in dimensions:
        groups: dict[tuple[Any, ...], list[int]] = {}
        for position, cell in enumerate(keys):
            if cell[dimension] != total_label:
                groups.setdefault(_key(cell, dimensions, without=dimension), []).append(position)
        for rest, members in groups.items():
            total = index.get(_with(rest, dimensions, dimension, total_label))
            if total is not None and members:
                relations.append(Relation((*members, total), (*([1.0] * len(members)), -1.0)))
    return relations


def level_relations(keys: Sequence[Mapping[str, Hashable]], groups: Sequence[str]) -> list[Relation]:
    """Proportions by level within each group sum to one; a group with a single level is not a
    relation (its value is fixed without being published)."""
    members: dict[tuple[Any, ...], list[int]] = {}
    for position, cell in enumerate(keys):
        members.setdefault(_key(cell, groups), []).append(position)
    return [Relation(tuple(cells), (1.0,) * len(cells)) for cells in members.values() if len(cells) > 1]


def _key(cell: Mapping[str, Hashable], dimensions: Sequence[str], without: str | None = None) -> tuple[Any, ...]:
    return tuple(cell[d] for d in dimensions if d != without)


def _with(rest: tuple[Any, ...], dimensions: Sequence[str], dimension: str, value: Hashable) -> tuple[Any, ...]:
    values = iter(rest)
    return tuple(value if d == dimension else next(values) for d in dimensions)
