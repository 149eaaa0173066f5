"""Stated figures in returns and reports, recomputed by hand in the comments."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.checks.stated_figures import (
    check_published_change,
    check_return,
    check_stated_change,
    check_stated_total,
    parse_value,
    stated_figures,
)
from conftest import REPO

SEED_TABLES = (REPO / ".." / "shared" / "seed-tables").resolve()


def seed_table(name: str) -> pd.DataFrame:
    path = SEED_TABLES / name
    if not path.is_file():
        pytest.skip(f"seed table {path} is absent (needs ../shared/seed-tables)")
    return pd.read_csv(path)


# ----------------------------------------------------------------------------- the 2017 report


def test_published_12_percent_is_really_14_percent():
    # "23,125" crimes, "12% Increase 2840 additional crimes": earlier year 23,125 - 2,840 =
    # 20,285, and 2,840 / 20,285 = 0.14000 -> 14.0%, two points above the stated 12%
    result = check_published_change(12, 2840, None, 23125)
    assert result["previous"] == 20285 and result["previous_derived"]
    assert result["computed"] == 14.0
    assert result["agrees"] is False
    assert result["message"] == "Stated 12% increase, but 2,840 more on 20,285 is 14.0%."


def test_published_asb_21_percent_decrease_agrees():
    # ASB 7,077, "21% decrease 1901 fewer incidents": 7,077 + 1,901 = 8,978; 1,901 / 8,978 =
    # 21.17% -> stated 21% agrees
    result = check_published_change(-21, -1901, None, 7077)
    assert (result["previous"], result["computed"], result["agrees"]) == (8978, -21.2, True)
    assert result["message"] == "Stated 21% decrease agrees: 1,901 fewer on 8,978 is 21.2%."


def test_published_difference_is_checked_when_the_earlier_level_is_given():
    # 23,125 - 20,000 = 3,125, not the stated 2,840
    result = check_published_change(12, 2840, 20000, 23125)
    assert result["agrees"] is False
    assert result["message"] == "Stated difference 2,840, but 20,000 to 23,125 is 3,125 more."
    # consistent difference, stated percentage within a point: 2,840 / 20,285 = 14.0%
    assert check_published_change(14, 2840, 20285, 23125)["agrees"] is True


# ----------------------------------------------------------------------------- stated changes


@pytest.mark.parametrize(
    ("comment", "previous", "current", "stated", "computed"),
    [
        # street scene 2012/13: (4,136 - 4,491) / 4,491 = -7.905% -> -7.9
        ("8% reduction", 4491, 4136, -8.0, -7.9),
        # (4,443 - 4,772) / 4,772 = -6.894% -> -6.9
        ("7% reduction", 4772, 4443, -7.0, -6.9),
        # (310 - 399) / 399 = -22.306% -> -22.3
        ("22% decrease", 399, 310, -22.0, -22.3),
        # (940 - 813) / 813 = 15.621% -> 15.6
        ("16% increase", 813, 940, 16.0, 15.6),
    ],
)
def test_street_scene_changes_agree_within_rounding(comment, previous, current, stated, computed):
    result = check_stated_change(comment, previous, current)
    assert (result["stated"], result["computed"], result["agrees"]) == (stated, computed, True)
    assert result["message"].startswith(f"Stated {comment} agrees:")


def test_disagreements_are_flagged_with_the_recomputed_figure():
    # (23,125 - 20,285) / 20,285 = 14.0%: 2 points from the stated 12%
    result = check_stated_change("12% increase", 20285, 23125)
    assert result["agrees"] is False and result["computed"] == 14.0
    assert result["message"] == "Stated 12% increase, but 20,285 to 23,125 is a 14.0% increase."
    # wrong direction: 100 -> 90 is a 10.0% decrease
    wrong = check_stated_change("10% increase", 100, 90)
    assert wrong["agrees"] is False
    assert wrong["message"].endswith("the direction is wrong.")
    # tolerance: 15.6% against a stated 17% is 1.4 points out at 1.0, in at 1.5
    assert check_stated_change("17% increase", 813, 940)["agrees"] is False
    assert check_stated_change("17% increase", 813, 940, tolerance_pp=1.5)["agrees"] is True


def test_no_derivable_figure_gives_none():
    for comment in (
        None,
        "",
        "No longer collated by Division.",
        "Legacy target; indicative only",
        "End of year 89% of adult offenders in suitable accommodation",  # a level, not a change
        "Target changed from 70% to fit MOJ reporting",
    ):
        assert check_stated_change(comment, 10, 12) is None


def test_phrasings_and_bases_are_read():
    figs = stated_figures(
        "Q2 a 13.9% reduction on the previous quarter; Q1 down 31% on the same quarter last year"
    )
    assert [(f.kind, f.value, f.basis, f.quarter) for f in figs] == [
        ("change", -13.9, "previous quarter", "Q2"),
        ("change", -31.0, "same quarter last year", "Q1"),
    ]
    figs = stated_figures(
        "The total for the year is 450 – a 16% increase on the total for last year"
    )
    assert [(f.kind, f.value, f.basis) for f in figs] == [
        ("total", 450.0, None),
        ("change", 16.0, "previous year"),
    ]
    assert [f.value for f in stated_figures("Year end total - 228")] == [228.0]
    assert [f.value for f in stated_figures("rose by 1,200.5 per cent")] == [1200.5]


def test_a_change_on_another_comparison_is_not_checked():
    # Q3 -> Q4 values cannot check "24% decrease on same quarter last year"
    result = check_stated_change(
        "Q3 24% decrease on same quarter last year", 498, 602, values_basis="previous quarter"
    )
    assert result["agrees"] is None and result["computed"] is None
    assert "not checked" in result["message"]
    # the quarter named must be the later value's: "Q1 ..." is not about Q1 -> Q2
    q1 = check_stated_change(
        "Q1 13.9% reduction on the previous quarter",
        820,
        706,
        values_basis="previous quarter",
        current_quarter="Q2",
    )
    assert q1["agrees"] is None
    # zero earlier value: no percentage of nothing
    assert check_stated_change("5% increase", 0, 4)["agrees"] is None


def test_parse_value():
    assert parse_value("4,772") == 4772.0 and parse_value(" 940 ") == 940.0
    assert parse_value(4491) == 4491.0
    for text in ("77.8%", "6% (2 out of 31 young people)", "", None, float("nan"), "N/A"):
        assert parse_value(text) is None


def test_year_end_totals():
    # all four quarters: 100 + 120 + 110 + 125 = 455
    ok = check_stated_total("Year end total - 455", {"Q1": 100, "Q2": 120, "Q3": 110, "Q4": 125})
    assert ok["agrees"] is True and ok["computed"] == 455
    bad = check_stated_total("Year end total - 460", {"Q1": 100, "Q2": 120, "Q3": 110, "Q4": 125})
    assert bad["agrees"] is False
    assert bad["message"] == "Stated year-end total 460, but 100 + 120 + 110 + 125 = 455."
    # two quarters only: 48 + 58 = 106, the missing two must total 228 - 106 = 122
    part = check_stated_total("Year end total - 228", {"Q3": 48, "Q4": 58})
    assert part["agrees"] is None
    assert part["message"] == (
        "Stated year-end total 228 not checked: the return has only Q3 and Q4 (48 + 58 = 106), "
        "so the other 2 would have to total 122."
    )
    assert check_stated_total("8% reduction", {"Q1": 1}) is None


# ----------------------------------------------------------------------------- seed returns


def test_street_scene_return():
    table = seed_table("medway_street_scene_2012-13.csv")
    checks = check_return(
        table, "11/12 performance", "12/13 performance", values_basis="previous year"
    )
    got = {r.label: (r.stated, r.computed, r.agrees) for r in checks.itertuples()}
    assert got == {
        "Number of fly tipping incidents": (-8.0, -7.9, True),
        "Numbers of environmental crimes reported": (-7.0, -6.9, True),
        "Increased fixed penalty notices issued": (-22.0, -22.3, True),
        "Increased useage by public of Love Medway app": (16.0, 15.6, True),
    }


def test_action_plan_2015_16_previous_quarter_agrees():
    table = seed_table("medway_action_plan_2015-16_q1q2.csv")
    checks = check_return(table, "Q1", "Q2", label="Indicator", values_basis="previous quarter")
    # fly tipping 820 -> 706: -114 / 820 = -13.90% against "Q2 a 13.9% reduction"
    fly = checks[checks["label"] == "Number of fly tipping incidents"].iloc[0]
    assert (fly["stated"], fly["computed"], fly["agrees"]) == (-13.9, -13.9, True)
    # FPNs "Q1 down 31% on the same quarter last year": not in this return
    fpn = checks[checks["label"].str.startswith("Increase number of Fixed Penalty")].iloc[0]
    assert fpn["agrees"] is None
    assert len(checks) == 2  # the other comments state no derived figure


def test_action_plan_2014_15_nothing_checkable_but_all_reported():
    table = seed_table("medway_action_plan_2014-15_q3q4.csv")
    checks = check_return(table, "Q3", "Q4", label="Indicator", values_basis="previous quarter")
    # env crimes: two same-quarter-last-year changes; FPNs: total 450 and 16% on last year;
    # SDVC: total 228 (48 + 58 = 106 known); training: total 455 (80 + 110 = 190 known)
    assert list(zip(checks["kind"], checks["stated"], strict=True)) == [
        ("change", -24.0),
        ("change", -5.2),
        ("total", 450.0),
        ("change", 16.0),
        ("total", 228.0),
        ("total", 455.0),
    ]
    assert checks["agrees"].isna().all()
    assert "would have to total 122" in checks.iloc[4]["message"]
