"""Disclosure control: every small count hidden, and none recoverable from the totals shown.

The checkers here work only from what a reader sees (the displayed table with "[c]" and its
totals), independently of ``analysis.measures.disclosure``'s own algorithm:

- ``line_rule_violations``: the rule in the issue — each hidden entry's row and column has at
  least two hidden entries (a total counts as an entry of its line).
- ``attacker_ranges``: the real test. For every hidden entry, the least and greatest whole,
  non-negative value consistent with everything published (integer programming). An entry is
  recovered when the two are equal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis.measures.disclosure import (
    SUPPRESSED,
    analyst_view,
    is_sensitive,
    sensitive_topic,
    suppress_series,
    suppress_table,
    suppression_mask,
)

T = "Total"

# ----------------------------------------------------------------------------- checkers


def _grid(display: pd.Series | pd.DataFrame) -> tuple[np.ndarray, bool]:
    """The display as an object grid with totals in the last row/column; True if 2-D."""
    if isinstance(display, pd.Series):
        return display.to_numpy(dtype=object).reshape(-1, 1), False
    return display.to_numpy(dtype=object), True


def _lines(grid: np.ndarray, two_d: bool) -> list[list[tuple[int, int]]]:
    """Additive lines as the reader sees them; the last entry of each is its total."""
    n, m = grid.shape
    if not two_d:
        return [[(i, 0) for i in range(n)]]
    return [[(i, j) for j in range(m)] for i in range(n)] + [
        [(i, j) for i in range(n)] for j in range(m)
    ]


def line_rule_violations(display: pd.Series | pd.DataFrame) -> list[tuple[int, int]]:
    grid, two_d = _grid(display)
    bad = []
    for line in _lines(grid, two_d):
        hidden = [ij for ij in line if grid[ij] == SUPPRESSED]
        if len(hidden) == 1:
            bad.append(hidden[0])
    return bad


def attacker_ranges(display: pd.Series | pd.DataFrame) -> dict[tuple[int, int], tuple]:
    """Whole-number (min, max) of each hidden entry given the published numbers."""
    grid, two_d = _grid(display)
    unknown = [tuple(ij) for ij in np.argwhere(grid == SUPPRESSED)]
    if not unknown:
        return {}
    pos = {ij: k for k, ij in enumerate(unknown)}
    rows, rhs = [], []
    for line in _lines(grid, two_d):
        coef, b = np.zeros(len(unknown)), 0.0
        for ij in line:
            sign = -1.0 if ij == line[-1] else 1.0
            if ij in pos:
                coef[pos[ij]] += sign
            else:
                b -= sign * float(grid[ij])
        rows.append(coef)
        rhs.append(b)
    a, b = np.array(rows), np.array(rhs)
    known = sum(float(v) for v in grid.ravel() if v != SUPPRESSED)
    cap = 10 * known + 1000  # a reader's "no upper limit"; reaching it means unbounded
    out = {}
    for ij in unknown:
        c = np.zeros(len(unknown))
        c[pos[ij]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = milp(
                sign * c,
                constraints=LinearConstraint(a, b, b),
                integrality=np.ones(len(unknown)),
                bounds=Bounds(0, cap),
            )
            assert res.status == 0, f"published table is inconsistent: {res.message}"
            ends.append(round(sign * res.fun))
        out[ij] = tuple(ends)
    return out


def recovered(display: pd.Series | pd.DataFrame) -> list[tuple[int, int]]:
    return [ij for ij, (lo, hi) in attacker_ranges(display).items() if lo == hi]


# ----------------------------------------------------------------------------- sensitivity


@pytest.mark.parametrize(
    ("category", "topic"),
    [
        ("Violence and sexual offences", None),  # police.uk group: mostly violence
        ("violence  and sexual offences", None),
        ("Sexual offences", "sexual offences"),
        ("Other sexual offences", "sexual offences"),
        ("Rape", "sexual offences"),
        ("Domestic abuse related incidents", "domestic abuse"),
        ("Number of high risk clients referred for IDVA support DA06", "domestic abuse"),
        ("Percentage of non-Police MARAC referrals", "domestic abuse"),
        ("Percentage of YOT Cohort that re-offend within 6 months", "youth justice"),
        ("Youth justice: first time entrants", "youth justice"),
        ("Burglary", None),
        ("Anti-social behaviour", None),
        ("Violence against the person", None),
        ("Number of fly tipping incidents NI196a", None),
        ("Placement", None),  # "LAC" only as a whole word
    ],
)
def test_sensitive_categories(category, topic):
    assert sensitive_topic(category) == topic
    assert is_sensitive(category) is (topic is not None)


# ----------------------------------------------------------------------------- worked examples


def test_series_secondary_suppression_by_hand():
    wards = pd.Series({"Alpha": 3, "Beta": 25, "Gamma": 40, "Delta": 12, "Epsilon": 0})
    shown = suppress_series(wards)
    # 3 < 10 hidden; with the total 80 shown, 3 = 80 - 77, so the next-smallest non-zero cell
    # (Delta 12, not Epsilon's zero) is hidden too; zero stays shown
    assert shown.to_dict() == {
        "Alpha": "[c]",
        "Beta": 25,
        "Gamma": 40,
        "Delta": "[c]",
        "Epsilon": 0,
        "Total": 80,
    }
    assert shown.dtype == object
    assert attacker_ranges(shown) == {(0, 0): (0, 15), (3, 0): (0, 15)}


def test_series_without_total_needs_no_secondary():
    shown = suppress_series(pd.Series({"a": 3, "b": 25}), total_shown=False)
    assert shown.to_dict() == {"a": "[c]", "b": 25}


def test_one_row_and_small_totals():
    # a single ward: its total is the cell, so the total goes too
    assert suppress_series(pd.Series({"Alpha": 4})).to_dict() == {"Alpha": "[c]", "Total": "[c]"}
    # total 7 < 10 is itself small
    assert suppress_series(pd.Series({"a": 0, "b": 7, "c": 0})).to_dict() == {
        "a": 0,
        "b": "[c]",
        "c": 0,
        "Total": "[c]",
    }
    # nothing small: nothing hidden
    assert suppress_series(pd.Series({"a": 10, "b": 11})).to_dict() == {
        "a": 10,
        "b": 11,
        "Total": 21,
    }


def test_public_total_that_gives_the_cell_away_is_an_error():
    with pytest.raises(ValueError, match="cannot be protected"):
        suppress_series(pd.Series({"Alpha": 4}), public_totals=True)
    # all zeros around it: hiding them cannot help, as counts cannot be negative
    with pytest.raises(ValueError, match="cannot be protected"):
        suppress_table(pd.DataFrame([[3, 0], [0, 0]]), public_totals=True)
    # with two wards the other ward is hidden instead, and the total stays
    shown = suppress_series(pd.Series({"Alpha": 4, "Beta": 30}), public_totals=True)
    assert shown.to_dict() == {"Alpha": "[c]", "Beta": "[c]", "Total": 34}


def test_table_secondary_suppression_by_hand():
    table = pd.DataFrame(
        [[3, 20, 30], [15, 4, 22], [40, 50, 60]],
        index=["w1", "w2", "w3"],
        columns=["x", "y", "z"],
    )
    shown = suppress_table(table)
    # w1: 3 hidden, next-smallest in the row 20 (w1,y); w2: 4 hidden, next-smallest 15 (w2,x);
    # then columns x and y each have two hidden: a 2x2 cycle, any value can move around it
    expected = pd.DataFrame(
        [
            ["[c]", "[c]", 30, 53],
            ["[c]", "[c]", 22, 41],
            [40, 50, 60, 150],
            [58, 74, 112, 244],
        ],
        index=["w1", "w2", "w3", T],
        columns=["x", "y", "z", T],
        dtype=object,
    )
    pd.testing.assert_frame_equal(shown, expected)
    # 3 + 20 = 23 = 58 - 15 - 40 ...: each hidden cell ranges over 0..18 or more
    assert recovered(shown) == []
    view = analyst_view(table)
    assert view.loc["w1", "x"] == "3 [c: restricted]" and view.loc["w3", "x"] == 40


def test_zeros_are_shown_unless_asked():
    table = pd.DataFrame([[0, 30], [25, 0]], columns=["a", "b"])
    assert not suppression_mask(table).to_numpy().any()
    mask = suppression_mask(table, suppress_zeros=True)
    assert mask.loc[0, "a"] and mask.loc[1, "b"]
    assert recovered(suppress_table(table, suppress_zeros=True)) == []


def test_the_two_per_line_rule_alone_leaves_a_bridge():
    # Two 2x2 blocks of small cells joined by one small cell (w2, c): every row and column has
    # two or more hidden cells, yet (w2, c) = (w1 + w2 row totals) - (a + b column totals) - the
    # known cells in those lines. The checker must see it, and suppression must fix it.
    big = 50
    cells = np.full((5, 5), big)
    for ij in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]:
        cells[ij] = 2 + sum(ij)
    table = pd.DataFrame(cells, index=[f"w{i}" for i in range(1, 6)], columns=list("abcde"))
    naive = table.astype(object).where(table >= 10, SUPPRESSED)
    naive[T] = table.sum(axis=1)
    naive.loc[T] = [*table.sum(axis=0), table.to_numpy().sum()]
    assert line_rule_violations(naive) == []
    assert recovered(naive) == [(1, 2)]  # 5, found exactly
    shown = suppress_table(table)
    assert line_rule_violations(shown) == [] and recovered(shown) == []
    assert (shown.to_numpy()[:5, :5] == SUPPRESSED).sum() == 10  # one secondary was enough


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="missing"):
        suppress_series(pd.Series([1.0, np.nan]))
    with pytest.raises(ValueError, match="negative"):
        suppress_series(pd.Series([-1, 20]))
    with pytest.raises(ValueError, match="whole"):
        suppress_series(pd.Series([2.5, 20]))
    with pytest.raises(ValueError, match="Total"):
        suppress_series(pd.Series({"a": 3, "Total": 3}))


# ----------------------------------------------------------------------------- properties


def random_counts(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Ward-like counts: many zeros and small counts among larger ones."""
    kind = rng.choice(3, size=shape, p=[0.2, 0.4, 0.4])
    small = rng.integers(1, 10, size=shape)
    large = rng.integers(10, 80, size=shape)
    return np.where(kind == 0, 0, np.where(kind == 1, small, large))


def check_display(
    display: pd.Series | pd.DataFrame, values: np.ndarray, threshold: int, public: bool
) -> None:
    grid, _ = _grid(display)
    hidden = grid == SUPPRESSED
    # shown numbers are the true ones
    assert (grid[~hidden].astype(np.int64) == values[~hidden]).all()
    # every small non-zero count is hidden, totals too unless they are public
    small = (values > 0) & (values < threshold)
    if public:
        small[-1, :] = False
        small[:, -1] = False
        assert not hidden[-1, :].any() and not hidden[:, -1].any()
    assert (hidden | ~small).all()
    assert line_rule_violations(display) == []
    assert recovered(display) == []


def with_margins(cells: np.ndarray) -> np.ndarray:
    n, m = cells.shape
    out = np.zeros((n + 1, m + 1), dtype=np.int64)
    out[:n, :m] = cells
    out[:n, m] = cells.sum(axis=1)
    out[n, :] = out[:n, :].sum(axis=0)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_hide_small_cells_and_cannot_be_undone(seed):
    rng = np.random.default_rng(seed)
    cells = random_counts(rng, (int(rng.integers(1, 7)), int(rng.integers(1, 6))))
    table = pd.DataFrame(cells)
    values = with_margins(cells)
    for threshold in (5, 10):
        check_display(suppress_table(table, threshold), values, threshold, public=False)
        try:
            display = suppress_table(table, threshold, public_totals=True)
        except ValueError:
            # only when a small count really is given away by the public totals: even with
            # every inner cell hidden, one is recovered
            everything = pd.DataFrame(values, dtype=object)
            everything.iloc[:-1, :-1] = SUPPRESSED
            assert recovered(everything)
            continue
        check_display(display, values, threshold, public=True)


@pytest.mark.parametrize("seed", range(40))
def test_random_series_hide_small_cells_and_cannot_be_undone(seed):
    rng = np.random.default_rng(1000 + seed)
    cells = random_counts(rng, (int(rng.integers(1, 12)),))
    series = pd.Series(cells, index=[f"ward {i}" for i in range(len(cells))])
    values = np.append(cells, cells.sum()).reshape(-1, 1)
    display = suppress_series(series)
    check_display(display, values, 10, public=False)
    assert list(display.index) == [*series.index, T]
    # the mask is the display's "[c]" cells
    assert (suppression_mask(series).to_numpy() == (display == SUPPRESSED).to_numpy()).all()


def test_ward_by_offence_table_of_realistic_size_is_fast_and_safe():
    import time

    rng = np.random.default_rng(7)
    cells = rng.poisson([[2.0, 5.0, 30.0, 60.0]] * 24)  # 24 wards x 4 groups, sparse columns
    table = pd.DataFrame(cells, columns=["Rape", "Other sexual", "Domestic abuse", "Other"])
    start = time.perf_counter()
    display = suppress_table(table)
    assert time.perf_counter() - start < 5
    check_display(display, with_margins(cells), 10, public=False)
