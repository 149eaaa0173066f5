"""Change, arrows and RAG, with expected values worked out by hand and written out here.

The acceptance test: with the defaults, the nine RAG statuses published in the 2012/13
street-scene table (``medway_street_scene_2012-13.csv``) are reproduced.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.measures import rag
from analysis.measures.partners import build_table
from analysis.sources import targets as tg
from conftest import REPO

SEED_TABLES = REPO.parent / "shared" / "seed-tables"
needs_seeds = pytest.mark.skipif(
    not SEED_TABLES.is_dir(), reason=f"seed tables {SEED_TABLES} are absent"
)
STREET = "medway_street_scene_2012-13.csv"
Q3Q4 = "medway_action_plan_2014-15_q3q4.csv"
Q1Q2 = "medway_action_plan_2015-16_q1q2.csv"


# ------------------------------------------------------------------ change and arrows


def test_change_between():
    assert rag.change_between(4136, 4491, "count") == (pytest.approx(-7.9047, abs=1e-4), "%")
    assert rag.change_between(71, 76, "percent") == (-5, "pp")
    assert rag.change_between(5, 0, "count") == (None, "%")


@pytest.mark.parametrize(
    ("change", "unit", "text"),
    [
        (3.6, "%", "\u25b2 3.6%"),
        (-2.0, "pp", "\u25bc 2.0"),
        (0.04, "%", "\u25c6 0.0%"),
        (-0.049, "pp", "\u25c6 0.0"),
        (0.05, "pp", "\u25b2 0.1"),  # halves round away from zero
        (-0.15, "pp", "\u25bc 0.2"),
        (-6.25, "%", "\u25bc 6.3%"),
        (-22.3058, "%", "\u25bc 22.3%"),
    ],
)
def test_format_change(change, unit, text):
    assert rag.format_change(change, unit) == text


def test_change_from_zero_keeps_the_direction():
    assert rag.arrow(None, 5.0) == rag.UP
    assert rag.format_change(None, "%", 5.0) == "\u25b2 (from 0)"
    assert rag.arrow(None) is None


@pytest.mark.parametrize(
    ("change", "polarity", "verdict"),
    [
        (-7.9, tg.LOWER_IS_BETTER, "better"),
        (-7.9, tg.HIGHER_IS_BETTER, "worse"),
        (15.6, tg.HIGHER_IS_BETTER, "better"),
        (0.01, tg.HIGHER_IS_BETTER, "no change"),
        (37.9, None, "neutral (polarity unknown)"),
    ],
)
def test_judge_change(change, polarity, verdict):
    assert rag.judge_change(change, polarity) == verdict


# ------------------------------------------------------------------ the RAG rule


def status(value, unit, target, **kw):
    t = tg.parse_target(target)
    direction = t.direction or kw.pop("direction", tg.AT_LEAST)
    return rag.rag_status(
        value,
        unit,
        target_kind=t.kind,
        target_value=t.value,
        target_direction=direction,
        target_strict=t.strict,
        target_unit=t.unit if t.kind == tg.LEVEL else None,
        **kw,
    )


@pytest.mark.parametrize(
    ("value", "unit", "target", "kw", "expected", "level", "shortfall"),
    [
        # street scene 2012/13, by hand
        (4136, "count", "5% reduction", {"reference_value": 4491}, "GREEN", 4266.45, 0.0),
        (
            310,
            "count",
            "10% increase",
            {"reference_value": 399},
            "RED",
            438.9,
            (438.9 - 310) / 438.9 * 100,
        ),
        (60, "percent", "70%", {}, "RED", 70.0, 10.0),
        (71, "percent", "73%", {}, "AMBER", 73.0, 2.0),
        (940, "count", "10% increase", {"reference_value": 813}, "GREEN", 894.3, 0.0),
        (100, "percent", "95% where notified a fortnight in advance", {}, "GREEN", 95.0, 0.0),
        # edges of the band
        (68, "percent", "73%", {}, "AMBER", 73.0, 5.0),
        (67.9, "percent", "73%", {}, "RED", 73.0, 5.1),
        (
            28.0,
            "percent",
            "Below 28% CAADA benchmark",
            {},
            "AMBER",
            28.0,
            0.0,
        ),  # strict: 28 is not below 28
        (27.7, "percent", "Below 28% CAADA benchmark", {}, "GREEN", 28.0, 0.0),
        (21, "percent", "< 20%", {}, "AMBER", 20.0, 1.0),
        # a count target for the year, on a quarter: spread evenly
        (80, "count", "100 practitioners", {"period_type": "quarter"}, "GREEN", 25.0, 0.0),
        (36, "count", "150", {"period_type": "quarter"}, "AMBER", 37.5, 4.0),
        (
            36,
            "count",
            "150",
            {"period_type": "quarter", "target_period": "quarter"},
            "RED",
            150.0,
            76.0,
        ),
        # tolerance as an argument
        (71, "percent", "73%", {"tolerance": 1.0}, "RED", 73.0, 2.0),
        (60, "percent", "70%", {"tolerance": 10.0}, "AMBER", 70.0, 10.0),
    ],
)
def test_rag_status(value, unit, target, kw, expected, level, shortfall):
    got, got_level, got_shortfall, reason = status(value, unit, target, **kw)
    assert got == expected, reason
    assert got_level == pytest.approx(level)
    assert got_shortfall == pytest.approx(shortfall)
    assert reason


@pytest.mark.parametrize(
    ("value", "target", "kw", "reason"),
    [
        (40, "N/A", {}, "no target"),
        (139, "Awaiting figure from OASIS", {}, "target not machine-readable"),
        (None, "85%", {}, "no figure for this period"),
        (9, "5% reduction", {}, "no figure for the previous period to measure the change against"),
        (50, "70%", {"period_type": "baseline"}, "baseline figure: not assessed"),
    ],
)
def test_rag_not_applicable(value, target, kw, reason):
    got, level, shortfall, why = status(
        value, "count" if "%" not in target else "percent", target, **kw
    )
    assert (got, level, shortfall, why) == ("N/A", None, None, reason)


def test_reason_sentences():
    assert status(71, "percent", "73%")[3] == (
        "missed by 2.0 points, within the 5-point amber band: 71% against target at least 73%"
    )
    assert status(310, "count", "10% increase", reference_value=399, reference_label="2011/12")[
        3
    ] == (
        "missed by 29.4% of the target level 439, beyond the 5% amber band: 310 against "
        "target 10% increase on 399 (2011/12)"
    )


# ------------------------------------------------------------------ the acceptance test


@needs_seeds
@pytest.mark.parametrize("area", [None, "medway"])
def test_street_scene_published_rags_are_reproduced(area):
    df = build_table([SEED_TABLES / STREET], area=area)
    published = df.dropna(subset=["published_rag"])
    assert len(published) == 9
    assert published["period"].unique().tolist() == ["2012/13"]
    assert (published["rag"] == published["published_rag"]).all(), published[
        ["indicator", "rag", "published_rag", "rag_reason"]
    ].to_string()
    assert published["rag_matches_published"].all()
    assert published["rag"].tolist() == [
        "GREEN",
        "N/A",
        "GREEN",
        "N/A",
        "RED",
        "RED",
        "AMBER",
        "GREEN",
        "GREEN",
    ]


@needs_seeds
def test_street_scene_tolerance_range():
    """The nine published statuses pin the amber band to [2, 10) points for percentages."""
    for tol in (2.0, 5.0, 9.9):
        df = build_table([SEED_TABLES / STREET], tolerance=tol).dropna(subset=["published_rag"])
        assert df["rag_matches_published"].all(), tol
    for tol in (1.9, 10.0):
        df = build_table([SEED_TABLES / STREET], tolerance=tol).dropna(subset=["published_rag"])
        assert not df["rag_matches_published"].all(), tol


# ------------------------------------------------------------------ change on every seed row, by hand

# (file, indicator start, period) -> (change, change_unit, text); counts: % of the earlier value
HAND_CHANGES = {
    # street scene: 12/13 against 11/12
    (STREET, "Number of fly tipping incidents", "2012/13"): (
        (4136 - 4491) / 4491 * 100,
        "%",
        "\u25bc 7.9%",
    ),
    (STREET, "Number of prosecutions", "2012/13"): ((40 - 29) / 29 * 100, "%", "\u25b2 37.9%"),
    (STREET, "Numbers of environmental crimes", "2012/13"): (
        (4443 - 4772) / 4772 * 100,
        "%",
        "\u25bc 6.9%",
    ),
    (STREET, "Enforcement action", "2012/13"): ((394 - 575) / 575 * 100, "%", "\u25bc 31.5%"),
    (STREET, "Increased fixed penalty", "2012/13"): ((310 - 399) / 399 * 100, "%", "\u25bc 22.3%"),
    (STREET, "Satisfaction with keeping land", "2012/13"): (-10.0, "pp", "\u25bc 10.0"),
    (STREET, "Satisfaction with how the Council", "2012/13"): (-5.0, "pp", "\u25bc 5.0"),
    (STREET, "Increased useage", "2012/13"): ((940 - 813) / 813 * 100, "%", "\u25b2 15.6%"),
    (STREET, "Council attendance", "2012/13"): (0.0, "pp", "\u25c6 0.0"),
    # 2014/15: Q4 against Q3
    (Q3Q4, "Satisfaction of victims", "2014/15 Q4"): (75 - 77.8, "pp", "\u25bc 2.8"),
    (Q3Q4, "Reduction on the number of repeat", "2014/15 Q4"): (
        (4 - 9) / 9 * 100,
        "%",
        "\u25bc 55.6%",
    ),
    (Q3Q4, "Community Safety Unit", "2014/15 Q4"): (0.0, "pp", "\u25c6 0.0"),
    (Q3Q4, "Number of fly tipping", "2014/15 Q4"): ((667 - 504) / 504 * 100, "%", "\u25b2 32.3%"),
    (Q3Q4, "Number of environmental crimes", "2014/15 Q4"): (
        (602 - 498) / 498 * 100,
        "%",
        "\u25b2 20.9%",
    ),
    (Q3Q4, "Increase number of Fixed Penalty", "2014/15 Q4"): (
        (59 - 117) / 117 * 100,
        "%",
        "\u25bc 49.6%",
    ),
    (Q3Q4, "Increase the proportion of offenders in employment", "2014/15 Q4"): (
        35.37 - 25.60,
        "pp",
        "\u25b2 9.8",
    ),
    (Q3Q4, "Increase the proportion of offenders in suitable", "2014/15 Q4"): (
        68.03 - 62.40,
        "pp",
        "\u25b2 5.6",
    ),
    (Q3Q4, "Percentage of re-offending by use", "2014/15 Q4"): (-1.0, "pp", "\u25bc 1.0"),
    (Q3Q4, "Reduce the number of looked", "2014/15 Q4"): (1.0, "pp", "\u25b2 1.0"),
    (Q3Q4, "Percentage of YOT Cohort", "2014/15 Q4"): (-4.0, "pp", "\u25bc 4.0"),
    (Q3Q4, "Number of high risk clients", "2014/15 Q4"): (
        (139 - 107) / 107 * 100,
        "%",
        "\u25b2 29.9%",
    ),
    (Q3Q4, "Percentage of clients where risk", "2014/15 Q4"): (-13.0, "pp", "\u25bc 13.0"),
    (Q3Q4, "Reduce the repeat victimisation", "2014/15 Q4"): (35.3 - 27.7, "pp", "\u25b2 7.6"),
    (Q3Q4, "Number of referrals to Medway SDVC", "2014/15 Q4"): (
        (58 - 48) / 48 * 100,
        "%",
        "\u25b2 20.8%",
    ),
    (Q3Q4, "Percentage of non-Police MARAC", "2014/15 Q4"): (20.5 - 41.6, "pp", "\u25bc 21.1"),
    (Q3Q4, "Deliver a domestic abuse", "2014/15 Q4"): ((110 - 80) / 80 * 100, "%", "\u25b2 37.5%"),
    # 2015/16: Q2 against Q1
    (Q1Q2, "Community Safety Unit", "2015/16 Q2"): (0.0, "pp", "\u25c6 0.0"),
    (Q1Q2, "Number of fly tipping", "2015/16 Q2"): ((706 - 820) / 820 * 100, "%", "\u25bc 13.9%"),
    (Q1Q2, "Increase number of Fixed Penalty", "2015/16 Q2"): (
        (146 - 89) / 89 * 100,
        "%",
        "\u25b2 64.0%",
    ),
    (Q1Q2, "Percentage of fly-tipping incidents cleared", "2015/16 Q2"): (0.0, "pp", "\u25c6 0.0"),
    (Q1Q2, "Ensure applicants", "2015/16 Q2"): (0.0, "pp", "\u25c6 0.0"),
    (Q1Q2, "Licences & Post Sentence", "2015/16 Q2"): (61.5 - 88.5, "pp", "\u25bc 27.0"),
    (Q1Q2, "Community Orders", "2015/16 Q2"): (73.0 - 78.4, "pp", "\u25bc 5.4"),
    (Q1Q2, "Increase the proportion of offenders in employment", "2015/16 Q2"): (
        19.0,
        "pp",
        "\u25b2 19.0",
    ),
    (Q1Q2, "Increase the proportion of offenders in suitable", "2015/16 Q2"): (
        3.0,
        "pp",
        "\u25b2 3.0",
    ),
    (Q1Q2, "Percentage of re-offending by use", "2015/16 Q2"): (-6.0, "pp", "\u25bc 6.0"),
    (Q1Q2, "Percentage of YOT Cohort", "2015/16 Q2"): (-24.0, "pp", "\u25bc 24.0"),
    (Q1Q2, "Number of high risk clients", "2015/16 Q2"): (
        (153 - 135) / 135 * 100,
        "%",
        "\u25b2 13.3%",
    ),
    (Q1Q2, "Percentage of clients where risk", "2015/16 Q2"): (7.0, "pp", "\u25b2 7.0"),
    (Q1Q2, "Reduce the repeat victimisation", "2015/16 Q2"): (33.7 - 32.0, "pp", "\u25b2 1.7"),
    (Q1Q2, "Number of referrals to Medway SDVC", "2015/16 Q2"): (
        (55 - 61) / 61 * 100,
        "%",
        "\u25bc 9.8%",
    ),
    (Q1Q2, "Percentage of non-Police MARAC", "2015/16 Q2"): (8.0, "pp", "\u25b2 8.0"),
    (Q1Q2, "Deliver a domestic abuse", "2015/16 Q2"): (
        (140 - 355) / 355 * 100,
        "%",
        "\u25bc 60.6%",
    ),
}


@pytest.fixture(scope="module")
def seed_tables():
    if not SEED_TABLES.is_dir():
        pytest.skip(f"seed tables {SEED_TABLES} are absent")
    # each file on its own, as returned: changes within the return
    return {name: build_table([SEED_TABLES / name], register=None) for name in (STREET, Q3Q4, Q1Q2)}


def _row(df: pd.DataFrame, start: str, period: str) -> pd.Series:
    rows = df[df["indicator"].str.startswith(start) & (df["period"] == period)]
    assert len(rows) == 1, (start, period, len(rows))
    return rows.iloc[0]


@pytest.mark.parametrize("key", list(HAND_CHANGES))
def test_change_matches_hand_computation(seed_tables, key):
    name, start, period = key
    change, unit, text = HAND_CHANGES[key]
    row = _row(seed_tables[name], start, period)
    assert row["change"] == pytest.approx(change, abs=1e-9)
    assert row["change_unit"] == unit
    assert row["change_text"] == text
    assert row["arrow"] == text[0]


def test_every_count_and_percentage_row_with_two_figures_is_covered(seed_tables):
    covered = {(n, p) for n, _, p in HAND_CHANGES}
    for name, df in seed_tables.items():
        with_change = df.dropna(subset=["change"])
        assert len(with_change) == sum(1 for n, _, _ in HAND_CHANGES if n == name), name
        assert {(name, p) for p in with_change["period"]} <= covered
    q1q2 = seed_tables[Q1Q2]
    blank = _row(q1q2, "Satisfaction of victims", "2015/16 Q2")
    assert math.isnan(blank["change"]) and pd.isna(blank["change_text"])


@needs_seeds
def test_changes_across_returns_use_the_register_ids():
    df = build_table([SEED_TABLES / n for n in (STREET, Q3Q4, Q1Q2)], area="medway")
    q1 = _row(df, "Number of fly tipping incidents", "2015/16 Q1")
    assert (q1["previous_period"], q1["previous_value"]) == ("2014/15 Q4", 667.0)
    assert q1["change"] == pytest.approx((820 - 667) / 667 * 100)
    assert q1["rag"] == "RED"  # 820 against 5% below 667 = 633.65: 29.4% over


def test_baseline_change_and_quarter_count_not_compared_with_a_year(tmp_path):
    path = tmp_path / "r_2023-24.csv"
    path.write_text(
        "Indicator,Target,Baseline '21/22,Q1,2023/24\n"
        'Number of fly tipping incidents,5% reduction,"3,200",800,"3,000"\n'
        "Satisfaction of victims,85%,80%,78%,79%\n",
        encoding="utf-8",
    )
    df = build_table([path], register=None)
    year = _row(df, "Number of fly", "2023/24")
    assert year["change_vs_baseline"] == pytest.approx(-6.25)
    assert (
        year["change_vs_baseline_text"] == "\u25bc 6.3%"
    )  # halves away from zero, as a reader would
    q1 = _row(df, "Number of fly", "2023/24 Q1")
    assert math.isnan(
        q1["change_vs_baseline"]
    )  # 800 in a quarter vs 3,200 in a year: not comparable
    sat = _row(df, "Satisfaction", "2023/24 Q1")
    assert (sat["change_vs_baseline"], sat["change_vs_baseline_text"]) == (
        pytest.approx(-2.0),
        "\u25bc 2.0",
    )
    assert sat["change_vs_baseline_is"] == "worse"
    base = _row(df, "Satisfaction", "Baseline 2021/22")
    assert base["rag"] == "N/A"


def test_impossible_and_ambiguous_figures_are_not_assessed():
    from analysis.measures.rag import NA, rag_status
    from analysis.sources import targets as tg

    neg = rag_status(-5, "count", target_kind=tg.RELATIVE, target_value=5.0,
                     target_direction="decrease", reference_value=100)  # fmt: skip
    assert neg[0] == NA and "negative count" in neg[3]
    frac = rag_status(0.832, "percent", target_kind=tg.LEVEL, target_value=75.0,
                      target_direction="at_least")  # fmt: skip
    assert frac[0] == NA and "0.832 may be a fraction meaning 83.2%" in frac[3]
    small = rag_status(0.5, "percent", target_kind=tg.LEVEL, target_value=2.0,
                       target_direction="at_most")  # fmt: skip
    assert small[0] != NA  # a real 0.5% against a 2% ceiling is assessed
