"""Complementary suppression: after it, no suppressed cell follows from published cells and sums."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weighting.disclosure import Relation, exposed_cells, level_relations, margin_relations, protect
from weighting.errors import WeightingError


def recoverable(suppressed, relations, n_cells) -> set[int]:
    """Independent check: a hidden cell is recoverable when dropping its column lowers the rank of
    the relations restricted to the hidden cells (no other hidden cell can stand in for it)."""
    matrix = np.zeros((len(relations), n_cells))
    for row, relation in enumerate(relations):
        matrix[row, list(relation.cells)] = relation.coefficients
    hidden = sorted(suppressed)
    restricted = matrix[:, hidden]
    rank = np.linalg.matrix_rank(restricted) if restricted.size else 0
    found = set()
    for position, cell in enumerate(hidden):
        rest = np.delete(restricted, position, axis=1)
        if (np.linalg.matrix_rank(rest) if rest.size else 0) < rank:
            found.add(cell)
    return found


def one_way(values):
    """Cells a..k plus their total, last."""
    keys = [{"group": str(i)} for i in range(len(values))] + [{"group": "total"}]
    return keys, [*values, sum(values)]


def two_way(matrix):
    rows, columns = len(matrix), len(matrix[0])
    keys, values = [], []
    for r in [*map(str, range(rows)), "total"]:
        for c in [*map(str, range(columns)), "total"]:
            keys.append({"row": r, "column": c})
            if r == "total" and c == "total":
                values.append(sum(map(sum, matrix)))
            elif r == "total":
                values.append(sum(row[int(c)] for row in matrix))
            elif c == "total":
                values.append(sum(matrix[int(r)]))
            else:
                values.append(matrix[int(r)][int(c)])
    return keys, values


def test_one_suppressed_member_of_a_total_takes_the_smallest_other_member():
    keys, values = one_way([40, 7, 25, 12])
    relations = margin_relations(keys, ["group"], "total")
    assert protect({1}, relations, values) == {1, 3}


def test_a_total_row_alone_suppressed_needs_no_partner_when_its_members_are_published():
    keys, values = one_way([40, 7, 25])
    relations = margin_relations(keys, ["group"], "total")
    # The total itself is recoverable from its published members, so a member goes too.
    assert protect({3}, relations, values) == {1, 3}


def test_proportion_levels_in_a_group_need_a_second_suppressed_level():
    keys = [{"sex": s, "level": lv} for s in ("f", "m") for lv in ("safe", "unsafe", "never_out")]
    shares = [0.5, 0.3, 0.2, 0.6, 0.35, 0.05]
    relations = level_relations(keys, ["sex"])
    assert protect({0}, relations, shares) == {0, 2}
    assert protect({3}, relations, shares) == {3, 5}


def test_single_level_group_is_not_a_relation():
    keys = [{"sex": "f", "level": "safe"}, {"sex": "m", "level": "safe"}]
    assert level_relations(keys, ["sex"]) == []
    assert protect({0}, [], [0.4, 0.5]) == {0}


def test_two_way_table_suppresses_a_rectangle():
    keys, values = two_way([[50, 3, 40], [60, 30, 45], [70, 35, 80]])
    relations = margin_relations(keys, ["row", "column"], "total")
    primary = {keys.index({"row": "0", "column": "1"})}
    chosen = protect(primary, relations, values)
    assert exposed_cells(chosen, relations, len(values)) == []
    assert recoverable(chosen, relations, len(values)) == set()
    # Row 0's cheapest partner is column 2 (40) and column 1's is row 1 (30); row 1, column 2 closes the cycle.
    assert {tuple(keys[c].values()) for c in chosen} == {("0", "1"), ("0", "2"), ("1", "1"), ("1", "2")}


def test_bridge_between_two_safe_cycles_is_detected():
    keys, values = two_way([[5, 5, 9, 9], [5, 5, 9, 9], [9, 9, 5, 5], [9, 9, 5, 5]])
    relations = margin_relations(keys, ["row", "column"], "total")
    at = {tuple(k.values()): i for i, k in enumerate(keys)}
    cycles = {at[("0", "0")], at[("0", "1")], at[("1", "0")], at[("1", "1")],
              at[("2", "2")], at[("2", "3")], at[("3", "2")], at[("3", "3")]}
    assert exposed_cells(cycles, relations, len(values)) == []
    # Row 1 and column 2 each hold three suppressed cells, yet the cell joining the cycles is recoverable.
    bridge = cycles | {at[("1", "2")]}
    assert exposed_cells(bridge, relations, len(values)) == [at[("1", "2")]]


def test_cell_keys_must_be_unique():
    with pytest.raises(WeightingError) as caught:
        margin_relations([{"g": "a"}, {"g": "a"}], ["g"], "total")
    assert caught.value.code == "duplicate_cell"


def test_relation_outside_the_table_is_refused():
    with pytest.raises(WeightingError) as caught:
        exposed_cells({0}, [Relation((0, 5), (1.0, 1.0))], 3)
    assert caught.value.code == "invalid_relation"


counts = st.integers(min_value=0, max_value=500)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(counts, min_size=2, max_size=8), data=st.data())
def test_one_way_totals_leave_nothing_recoverable(values, data):
    keys, cells = one_way(values)
    relations = margin_relations(keys, ["group"], "total")
    primary = data.draw(st.sets(st.integers(0, len(cells) - 1), min_size=1))
    chosen = protect(primary, relations, cells)
    assert primary <= chosen
    assert recoverable(chosen, relations, len(cells)) == set()


@settings(max_examples=60, deadline=None)
@given(shape=st.tuples(st.integers(2, 4), st.integers(2, 4)), data=st.data())
def test_two_way_margins_leave_nothing_recoverable(shape, data):
    matrix = [[data.draw(counts) for _ in range(shape[1])] for _ in range(shape[0])]
    keys, cells = two_way(matrix)
    relations = margin_relations(keys, ["row", "column"], "total")
    primary = data.draw(st.sets(st.integers(0, len(cells) - 1), min_size=1, max_size=4))
    chosen = protect(primary, relations, cells)
    assert primary <= chosen
    assert recoverable(chosen, relations, len(cells)) == set()


@settings(max_examples=60, deadline=None)
@given(groups=st.integers(1, 4), levels=st.integers(2, 5), data=st.data())
def test_proportions_by_level_leave_nothing_recoverable(groups, levels, data):
    keys = [{"group": g, "level": lv} for g, lv in itertools.product(range(groups), range(levels))]
    shares = [data.draw(st.floats(0, 1)) for _ in keys]
    relations = level_relations(keys, ["group"])
    primary = data.draw(st.sets(st.integers(0, len(keys) - 1), min_size=1))
    chosen = protect(primary, relations, shares)
    assert primary <= chosen
    assert recoverable(chosen, relations, len(keys)) == set()
