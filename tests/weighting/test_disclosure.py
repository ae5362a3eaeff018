"""Complementary suppression: after it, no suppressed cell follows from published cells and sums."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weighting.disclosure import (
    Relation,
    TableCells,
    exposed_cells,
    level_relations,
    margin_relations,
    protect,
    protect_tables,
)
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


# ---- across tables --------------------------------------------------------------------------

def by_sex_and_age(primary_b=(), primary_a=()):
    """Table A: female, male, total. Table B: sex x age group (three groups), no totals of its own."""
    a = TableCells([{"sex": s} for s in ("female", "male", "total")], ["sex"], "total", set(primary_a),
                   [(s == "total", v) for s, v in (("female", 300), ("male", 280), ("total", 580))])
    b_keys = [{"sex": s, "age": g} for s in ("female", "male") for g in ("15-29", "30-49", "50+")]
    b_values = [90, 120, 90, 80, 110, 90]
    b = TableCells(b_keys, ["sex", "age"], "total", set(primary_b), [(False, v) for v in b_values])
    # The combined cells: A's three, then B's six; the sums a reader knows.
    relations = [Relation((3, 4, 5, 0), (1, 1, 1, -1)), Relation((6, 7, 8, 1), (1, 1, 1, -1)),
                 Relation((0, 1, 2), (1, 1, -1))]
    return a, b, relations


def test_within_table_suppression_alone_leaks_through_another_tables_total():
    a, b, relations = by_sex_and_age(primary_b={1})  # female 30-49
    alone = protect(b.primary, margin_relations(b.keys, b.dimensions, "total"), b.costs)
    assert alone == {1}  # B has no totals of its own: nothing else is withheld in it
    assert recoverable({3 + 1}, relations, 9) == {4}  # ... yet A's female total gives it away


def test_tables_sharing_a_margin_are_protected_together():
    a, b, relations = by_sex_and_age(primary_b={1})
    withheld_a, withheld_b = protect_tables([a, b])
    hidden = set(withheld_a) | {3 + i for i in withheld_b}
    assert 4 in hidden and len(hidden) > 1
    assert recoverable(hidden, relations, 9) == set()
    assert withheld_a == set()  # a second age group of the same sex is cheaper than a published total


def test_a_figure_published_in_two_tables_is_withheld_in_both():
    a, b, _ = by_sex_and_age(primary_a={0})  # female total under the base in A
    total_only = TableCells([{"sex": "female"}], ["sex"], "total", set(), [(False, 300)])
    withheld_a, _, withheld_c = protect_tables([a, b, total_only])
    assert 0 in withheld_a and withheld_c == {0}


def test_total_published_only_in_another_table_is_a_relation():
    # Territories without a total row, and the national figure in a table of its own.
    by_territory = TableCells([{"territory": t} for t in ("Norte", "Centro", "Sur")], ["territory"], "total",
                              {0}, [(False, v) for v in (40, 70, 55)])
    national = TableCells([{}], [], "total", set(), [(True, 165)])
    withheld_territory, withheld_national = protect_tables([by_territory, national])
    relations = [Relation((0, 1, 2, 3), (1, 1, 1, -1))]
    hidden = set(withheld_territory) | {3 + i for i in withheld_national}
    assert recoverable({0}, relations, 4) == {0}
    assert len(hidden) >= 2 and recoverable(hidden, relations, 4) == set()


def test_unpublished_grand_total_still_ties_two_one_way_tables():
    # By sex and by age group, no total anywhere: female + male = the sum of the age groups.
    by_sex = TableCells([{"sex": s} for s in ("female", "male")], ["sex"], "total", set(), [(False, 300), (False, 280)])
    by_age = TableCells([{"age": g} for g in ("15-29", "30-49", "50+")], ["age"], "total", {2},
                        [(False, v) for v in (170, 230, 180)])
    withheld_sex, withheld_age = protect_tables([by_sex, by_age])
    relations = [Relation((0, 1, 2, 3, 4), (1, 1, -1, -1, -1))]
    hidden = set(withheld_sex) | {2 + i for i in withheld_age}
    assert recoverable({4}, relations, 5) == {4}
    assert recoverable(hidden, relations, 5) == set() and 4 in hidden


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_one_way_and_two_way_tables_together_leave_nothing_recoverable(rows, columns, data):
    two_way_keys = [{"row": str(r), "column": str(c)} for r in range(rows) for c in range(columns)]
    one_way_keys = [{"row": str(r)} for r in range(rows)] + [{"row": "total"}]
    primary = data.draw(st.sets(st.integers(0, rows * columns - 1), min_size=1, max_size=2))
    tables = [TableCells(one_way_keys, ["row"], "total", set(), [(k["row"] == "total", 1) for k in one_way_keys]),
              TableCells(two_way_keys, ["row", "column"], "total", primary, [(False, i) for i in range(len(two_way_keys))])]
    withheld_one, withheld_two = protect_tables(tables)
    # Combined: one-way cells first, then the interior; rows add up to the one-way cells, which add up to the total.
    n_one = len(one_way_keys)
    relations = [Relation((*(n_one + r * columns + c for c in range(columns)), r), (*([1.0] * columns), -1.0))
                 for r in range(rows)]
    relations.append(Relation((*range(rows), rows), (*([1.0] * rows), -1.0)))
    hidden = set(withheld_one) | {n_one + i for i in withheld_two}
    assert {n_one + i for i in primary} <= hidden
    assert recoverable(hidden, relations, n_one + len(two_way_keys)) == set()
