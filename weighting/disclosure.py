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

Across tables (``protect_tables``): tables of one release that measure the same quantity (the
caller decides which: same indicator, statistic, unit, population) are one set of cells. A cell is
named by its values in the union of the tables' dimensions, a dimension a table lacks being its
total, so the same figure published in two tables is one cell (withheld in both or neither), and a
table by sex and a table by sex and age group add up to each other. Totals no table publishes are
latent cells: unknown to the reader, tied by the same sums, never needing protection themselves, so
a table by sex and one by age group still share their (unpublished) grand total.
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


def exposed_cells(suppressed: Collection[int], relations: Sequence[Relation], n_cells: int,
                  latent: Collection[int] = ()) -> list[int]:
    """Suppressed cells whose value follows from the published cells and the relations (``latent``
    cells are unknown too, and not reported)."""
    return _exposed(_matrix(relations, n_cells), set(suppressed) | set(latent), frozenset(latent))


def _exposed(matrix: np.ndarray, suppressed: Collection[int], latent: frozenset[int] = frozenset()) -> list[int]:
    hidden = sorted(set(suppressed))
    restricted = matrix[:, hidden]
    restricted = restricted[np.abs(restricted).sum(axis=1) > 0]  # relations without a hidden cell say nothing
    if not restricted.size:
        return []
    free = null_space(restricted)
    exposed = np.abs(free).max(axis=1, initial=0.0) <= _TOLERANCE if free.size else np.ones(len(hidden), bool)
    return [cell for cell, is_exposed in zip(hidden, exposed, strict=True) if is_exposed and cell not in latent]


def protect(primary: Collection[int], relations: Sequence[Relation], costs: Sequence[Any],
            latent: Collection[int] = ()) -> frozenset[int]:
    """The primary cells plus the complementary ones that make none of them recoverable.

    ``costs[i]`` is cell i's contribution, any comparable value (smaller is cheaper to withhold;
    a tuple ranks, e.g., interior cells before totals, then by value). ``latent`` cells are never
    published (so never chosen, never reported, and not returned). Raises ``unprotectable_cell``
    when a cell stays exposed with every related cell withheld.
    """
    n_cells = len(costs)
    hidden = frozenset(latent)
    suppressed = set(primary) | hidden
    if any(not 0 <= cell < n_cells for cell in suppressed):
        raise WeightingError("invalid_relation", "a primary cell is outside the table", got=sorted(suppressed))
    matrix = _matrix(relations, n_cells)
    members = [frozenset(relation.cells) for relation in relations]
    while exposed := _exposed(matrix, suppressed, hidden):
        suppressed.add(_secondary(exposed, suppressed, hidden, matrix, members, costs))
    return frozenset(suppressed - hidden)


def _secondary(exposed: list[int], suppressed: set[int], latent: frozenset[int], matrix: np.ndarray,
               members: list[frozenset[int]], costs: Sequence[Any]) -> int:
    """The next complementary cell: from the relations that expose a cell on their own, else from
    any relation of an exposed cell, else from any relation; fewest cells left exposed, then
    smallest cost, then table order."""
    alone = [cells for cells in members if len(suppressed & cells) == 1 and not cells.isdisjoint(exposed)]
    touching = [cells for cells in members if not cells.isdisjoint(exposed)]
    for pool in (alone, touching, members):
        candidates = set().union(*pool) - suppressed
        if candidates:
            return min(candidates,
                       key=lambda cell: (len(_exposed(matrix, suppressed | {cell}, latent)), costs[cell], cell))
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


@dataclass(frozen=True)
class TableCells:
    """One table of a set protected together: each cell's ``keys`` (its ``dimensions`` plus any
    further key, such as a proportion's level, that is never summed over), the label of totals
    in its dimensions, its primary cells and their costs."""

    keys: Sequence[Mapping[str, Hashable]]
    dimensions: Sequence[str]
    total_label: Hashable
    primary: Collection[int]
    costs: Sequence[Any]


class _Total:
    """The total of a dimension, whatever label each table gives it."""

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL = _Total()


def protect_tables(tables: Sequence[TableCells], *, extra: Sequence[str] = (),
                   level_sums: Sequence[str] | None = None) -> list[frozenset[int]]:
    """The withheld cells of each table when all of them measure the same quantity.

    ``extra`` keys (e.g. ``level``) identify cells but are not summed over. With ``level_sums``
    (the key whose values sum to one within a group, for proportions), those relations hold too.
    A cell is primary when it is primary in any table holding it; the cost of a cell is its
    smallest cost in any table.
    """
    dimensions = list(dict.fromkeys(d for table in tables for d in table.dimensions))
    names = [*dimensions, *extra]
    cells: dict[tuple[Any, ...], int] = {}
    placed: list[list[int]] = []
    for table in tables:
        positions = []
        for key in table.keys:
            canonical = tuple(
                TOTAL if d not in table.dimensions or key[d] == table.total_label else key[d] for d in dimensions
            ) + tuple(key[e] for e in extra)
            positions.append(cells.setdefault(canonical, len(cells)))
        if len(set(positions)) != len(positions):
            raise WeightingError("duplicate_cell", "two cells of a table have the same keys", expected=names)
        placed.append(positions)
    published = len(cells)
    for canonical in list(cells):  # every margin of every published cell, latent when nobody publishes it
        for subset in range(1, 2 ** len(dimensions)):
            total = tuple(TOTAL if subset >> i & 1 else value for i, value in enumerate(canonical[:len(dimensions)]))
            cells.setdefault(total + canonical[len(dimensions):], len(cells))
    keys = [dict(zip(names, canonical, strict=True)) for canonical in cells]
    relations = margin_relations(keys, names, TOTAL)
    if level_sums is not None:
        relations += level_relations(keys[:published], [n for n in names if n != level_sums])
    primary: set[int] = set()
    costs: list[Any] = [None] * len(cells)
    for table, positions in zip(tables, placed, strict=True):
        primary.update(positions[i] for i in table.primary)
        for position, cost in zip(positions, table.costs, strict=True):
            costs[position] = cost if costs[position] is None else min(costs[position], cost)
    latent = range(published, len(cells))
    for position in latent:
        costs[position] = costs[0]  # never chosen: any comparable value
    withheld = protect(primary, relations, costs, latent=latent)
    return [frozenset(i for i, position in enumerate(positions) if position in withheld) for positions in placed]
