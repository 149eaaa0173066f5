"""The executive summary: exact sentences for hand-made figures, and every number traced.

The issue's rule is "every number in the prose is checked by a test against figures.json":
``test_every_number_is_a_figures_value`` extracts each number from each sentence and requires
it to be the formatted form of a value in that figures dict (or a number inside one of its
text values, e.g. a year in a period label), for real, tiny-area and hand-made figures.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from analysis.report.summary import (
    NOT_SIGNIFICANT,
    SIGNIFICANT,
    executive_summary,
    figure_numbers,
    fmt_count,
    fmt_pct,
    fmt_rate,
    numbers_in,
    ordinal,
    rank_phrase,
)
from conftest import REPO

# ----------------------------------------------------------------------------- hand-made


def measure(
    label: str,
    total: int,
    previous: int | None,
    *,
    significant: bool | None = None,
    status: str = "complete",
    note: str = "",
    rate: float = 83.0,
) -> dict:
    """One measure's figures as build_figures writes them (only the keys the summary reads)."""
    change = None if previous is None else total - previous
    pct = None if not previous else round((total - previous) / previous * 100, 1)
    return {
        "label": label,
        "total": total,
        "rate_per_1000": rate,
        "previous_total": previous,
        "change": change,
        "change_pct": pct,
        "previous_rate_per_1000": None,
        "significance": None
        if significant is None
        else {"p_value": 0.01 if significant else 0.4, "significant": significant, "level": 0.05},
        "comparison": {"status": status, "months_present": 12, "months_missing": [], "note": note},
        "top_wards": [
            {"ward": "River", "ward_code": "E05000001", "count": 2500, "share": 10.8},
            {"ward": "Gillingham South", "ward_code": "E05000002", "count": 2000, "share": 8.6},
        ],
        "top_wards_share": 19.5,
        "by_ward": [],
        "rows_without_ward": 0,
        "peers": {"available": True, "rank": 3, "of": 13, "rate_per_1000": rate},
    }


def make_figures(crime: dict, asb: dict, **top: object) -> dict:
    """A figures dict for April 2016 to March 2017 compared with April 2015 to March 2016."""
    figures = {
        "schema": "csp-assessment/figures/1",
        "area": {"code": "medway", "name": "Medway", "synthetic": False},
        "period": {
            "kind": "financial_year",
            "start": "2016-04",
            "end": "2017-03",
            "label": "April 2016 to March 2017",
            "previous": {"label": "April 2015 to March 2016"},
        },
        "months_present": 12,
        "months_expected": 12,
        "months_missing": [],
        "population": {"value": 278542, "year": 2016, "requested_year": 2016},
        "wards": {"set": "Wards 2003-2023 (22 wards)", "count": 22},
        "validation": {"critical_failures": 0, "warnings": 0, "checks": 41},
        "crime": crime,
        "asb": asb,
    }
    figures.update(copy.deepcopy(top))
    return figures


# 2017 assessment, corrected: 23,125 crimes, 2,840 more than 20,285 = 14.0%; ASB 3,293 vs 3,333
RISE_SIGNIFICANT = make_figures(
    measure("recorded crime", 23125, 20285, significant=True),
    measure("anti-social behaviour incidents", 3293, 3333, significant=False, rate=11.8),
)
ZERO_CHANGE = make_figures(
    measure("recorded crime", 500, 500, significant=False),
    measure("anti-social behaviour incidents", 1, 0, significant=False, rate=0.0),
)
SINGULAR = make_figures(
    measure("recorded crime", 1001, 1000, significant=False),
    measure("anti-social behaviour incidents", 999, 1000, significant=False),
)
NO_COMPARISON = make_figures(
    measure(
        "recorded crime",
        25082,
        None,
        status="absent",
        note=(
            "No police.uk data for April 2015 to March 2016 is available, so no comparison "
            "can be made."
        ),
    ),
    measure(
        "anti-social behaviour incidents",
        5507,
        None,
        status="incomplete",
        note=(
            "Data for April 2015 to March 2016 covers only 3 of 12 months (missing Jul 2015, "
            "Aug 2015), so no comparison is made."
        ),
    ),
    population={"value": 279142, "year": 2020, "requested_year": 2025},
    validation={"critical_failures": 0, "warnings": 2, "checks": 41},
    area={"code": "sample", "name": "Sampleton", "synthetic": True},
)
GAPS = make_figures(
    measure("recorded crime", 20000, 23000, significant=True),
    measure("anti-social behaviour incidents", 3000, 3300, significant=True),
    months_present=10,
    months_missing=["2016-05", "2016-06"],
    performance={"red_indicators": ["Increased fixed penalty notices issued", "SF2 FPNs, 10%"]},
)
GAPS["crime"]["rows_without_ward"] = 12
GAPS["asb"]["rows_without_ward"] = 1
NO_RED = make_figures(
    measure("recorded crime", 100, 90, significant=False),
    measure("anti-social behaviour incidents", 90, 100, significant=False),
    performance={"red_indicators": []},
)

HAND_MADE = {
    "rise_significant": RISE_SIGNIFICANT,
    "zero_change": ZERO_CHANGE,
    "singular": SINGULAR,
    "no_comparison": NO_COMPARISON,
    "gaps": GAPS,
    "no_red": NO_RED,
}


# ----------------------------------------------------------------------------- formatting


def test_formatting_helpers_follow_govuk_style():
    assert fmt_count(2840) == "2,840" and fmt_count(25082.0) == "25,082" and fmt_count(7) == "7"
    assert fmt_count(1234567) == "1,234,567"
    assert fmt_pct(14) == "14.0%" and fmt_pct(1.25) == "1.2%" and fmt_pct(0) == "0.0%"
    assert fmt_rate(89.9) == "89.9" and fmt_rate(1234.56) == "1,234.6"
    with pytest.raises(ValueError):
        fmt_count(12.5)  # a rate passed as a count
    with pytest.raises(ValueError):
        fmt_count(True)


def test_ordinals_and_ranks():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "111th",
        "112th",
    ]
    assert rank_phrase(3, 13) == "3rd highest of 13"
    assert rank_phrase(1, 13) == "highest of 13"
    assert rank_phrase(13, 13) == "lowest of 13"
    with pytest.raises(ValueError):
        rank_phrase(14, 13)


def test_numbers_in_reads_numbers_as_written_and_skips_codes():
    text = (
        "Crime rose by 14.0% (2,840 more crimes) compared with April 2015 to March 2016; "
        "3rd highest of 13, 89.9 per 1,000 (ONS mid-2020). Ward E05014455, indicator SF1a, Q3, "
        "month 2016-05."
    )
    assert numbers_in(text) == [
        "14.0%",
        "2,840",
        "2015",
        "2016",
        "3rd",
        "13",
        "89.9",
        "1,000",
        "2020",
        "2016",
        "05",
    ]


# ----------------------------------------------------------------------------- sentences


def test_rise_that_is_more_than_chance():
    summary = executive_summary(RISE_SIGNIFICANT)
    assert (
        "Recorded crime rose by 14.0% (2,840 more crimes) compared with April 2015 to March 2016; "
        "a change this large is very unlikely to be chance."
    ) in summary
    # 3,333 - 3,293 = 40 fewer; 40 / 3,333 = 1.2%
    assert (
        "Anti-social behaviour fell by 1.2% (40 fewer incidents) compared with April 2015 to "
        "March 2016; a change this size could be chance (it is within normal variation)."
    ) in summary
    assert (
        "From April 2016 to March 2017, 23,125 crimes were recorded in Medway, 83.0 per 1,000 "
        "residents (ONS mid-2016 population estimate)."
    ) in summary
    assert (
        "The wards with the most recorded crime were River (10.8%) and Gillingham South (8.6%); "
        "together they hold 19.5% of recorded crime in Medway."
    ) in summary
    assert (
        "Among the local authorities in the same police force area, the recorded crime rate in "
        "Medway was the 3rd highest of 13 and the anti-social behaviour rate the 3rd highest of 13."
    ) in summary
    assert "The figures cover all 12 months of the period." in summary
    # population of the period's own year: no population caveat; nothing synthetic or red
    assert not any("population estimate, the latest" in s for s in summary)
    assert not any("fictional" in s or "red" in s.split() for s in summary)


def test_zero_change_and_change_from_nothing():
    summary = executive_summary(ZERO_CHANGE)
    assert (
        "Recorded crime was unchanged compared with April 2015 to March 2016, at 500 crimes "
        "(no significant change)."
    ) in summary
    # previous 0: no percentage of nothing, and 1 incident is singular
    assert (
        "Anti-social behaviour rose from none in April 2015 to March 2016 to 1 incident; "
        + NOT_SIGNIFICANT
        + "."
    ) in summary
    assert any("1 anti-social behaviour incident was recorded" in s for s in summary)


def test_singular_changes():
    summary = executive_summary(SINGULAR)
    # 1 / 1,000 = 0.1%; not 0.1 more crimes
    assert any(s.startswith("Recorded crime rose by 0.1% (1 more crime) compared") for s in summary)
    assert any(
        s.startswith("Anti-social behaviour fell by 0.1% (1 fewer incident) compared")
        for s in summary
    )


def test_no_comparison_uses_the_figures_note_and_flags_gaps():
    summary = executive_summary(NO_COMPARISON)
    assert summary[0] == (
        "These figures are for Sampleton, a generated, fictional area: they describe no real place."
    )
    assert (
        "No change in recorded crime is given: no police.uk data for April 2015 to March 2016 is "
        "available, so no comparison can be made."
    ) in summary
    assert (
        "No change in anti-social behaviour is given: data for April 2015 to March 2016 covers "
        "only 3 of 12 months (missing Jul 2015, Aug 2015), so no comparison is made."
    ) in summary
    assert not any(" rose " in s or " fell " in s for s in summary)
    assert (
        "Rates use the ONS mid-2020 population estimate, the latest in the data supplied to this "
        "assessment (not mid-2025), so they will be slightly out if the population has changed since."
    ) in summary
    assert "Of 41 data checks, 2 raised warnings; see the technical appendix." in summary
    assert not any("rated red" in s for s in summary)  # no performance key: nothing said


def test_missing_months_stop_the_change_and_are_named():
    summary = executive_summary(GAPS)
    assert (
        "No change in recorded crime is given: this period's police.uk data covers only 10 of 12 "
        "months, so it cannot be compared with April 2015 to March 2016."
    ) in summary
    assert (
        "There is no police.uk data for May 2016 and June 2016, so the figures cover 10 of the 12 "
        "months and understate the period."
    ) in summary
    assert (
        "Partner performance indicators rated red: Increased fixed penalty notices issued; "
        "SF2 FPNs, 10%."
    ) in summary
    assert (
        "Ward figures leave out 12 crimes and 1 anti-social behaviour incident whose location has "
        "no ward in the Wards 2003-2023 (22 wards)."
    ) in summary


def test_red_indicators_none_one_or_dicts():
    assert "No partner performance indicator was rated red." in executive_summary(NO_RED)
    one = make_figures(
        RISE_SIGNIFICANT["crime"],
        RISE_SIGNIFICANT["asb"],
        performance={"red_indicators": [{"indicator": "Repeat victims of ASB", "rag": "RED"}]},
    )
    assert (
        "One partner performance indicator was rated red: Repeat victims of ASB."
        in executive_summary(one)
    )


def test_a_single_ward():
    one = copy.deepcopy(NO_RED)
    one["crime"]["top_wards"] = one["crime"]["top_wards"][:1]
    assert (
        "The ward with the most recorded crime was River, with 10.8% of the total."
        in executive_summary(one)
    )


def test_significance_phrases_follow_the_test_not_the_size():
    # a large change the test calls chance, and a small one it calls real, are said as such
    big = copy.deepcopy(RISE_SIGNIFICANT)
    big["crime"]["significance"]["significant"] = False
    assert any(s.endswith(NOT_SIGNIFICANT + ".") and "14.0%" in s for s in executive_summary(big))
    small = copy.deepcopy(SINGULAR)
    small["crime"]["significance"]["significant"] = True
    assert any(s.endswith(SIGNIFICANT + ".") and "0.1%" in s for s in executive_summary(small))


def test_summary_on_the_tiny_area(figures_tiny):
    summary = executive_summary(figures_tiny)
    # tiny area: 4 crimes, 2 ASB, population 2,000 (mid-2020) for March 2024 to February 2025
    assert summary[0].startswith("These figures are for Tinytown")
    assert (
        "From March 2024 to February 2025, 4 crimes were recorded in Tinytown, 2.0 per 1,000 "
        "residents (ONS mid-2020 population estimate)."
    ) in summary
    assert any(
        s.startswith("There is no police.uk data for March 2024, April 2024") for s in summary
    )


# ----------------------------------------------------------------------------- traceability


def untraced(sentences: list[str], figures: Mapping) -> list[tuple[str, str]]:
    allowed = figure_numbers(figures)
    return [(n, s) for s in sentences for n in numbers_in(s) if n not in allowed]


def real_figures() -> list[Path]:
    """figures.json of every run present: outputs/ and any CSP_OUTPUT_DIR (not on a fresh clone)."""
    folders = {REPO / "outputs"}
    if os.environ.get("CSP_OUTPUT_DIR"):
        folders.add(Path(os.environ["CSP_OUTPUT_DIR"]))
    return sorted(p for folder in folders for p in folder.glob("*/*/figures.json"))


@pytest.fixture
def figures_tiny(tiny):
    from conftest import build_tiny_figures

    return build_tiny_figures(tiny)


@pytest.mark.parametrize("name", sorted(HAND_MADE))
def test_every_number_is_a_figures_value_hand_made(name):
    figures = HAND_MADE[name]
    summary = executive_summary(figures)
    assert summary
    assert untraced(summary, figures) == []


def test_every_number_is_a_figures_value_tiny(figures_tiny):
    # round-trip through JSON as the notebooks read it
    figures = json.loads(json.dumps(figures_tiny))
    assert untraced(executive_summary(figures), figures) == []


@pytest.mark.parametrize("path", real_figures(), ids=lambda p: "/".join(p.parts[-4:-1]))
def test_every_number_is_a_figures_value_in_outputs(path):
    # whatever runs are in outputs/ (Medway on real data, the sample with changes, ...)
    figures = json.loads(path.read_text())
    summary = executive_summary(figures)
    assert len(summary) >= 6
    assert untraced(summary, figures) == []


def test_the_tracer_catches_a_typed_number():
    # the check can fail: the 2017 assessment's typed "12%" is not in the corrected figures
    # (the 12 of months_expected is a count, not a percentage), nor is a count formatted
    # without its separator, a percentage with two decimals, or a rate given as a percentage
    assert untraced(["Recorded crime rose by 12.0% (2,840 more crimes)."], RISE_SIGNIFICANT) == [
        ("12.0%", "Recorded crime rose by 12.0% (2,840 more crimes).")
    ]
    assert [n for n, _ in untraced(["2840 more"], RISE_SIGNIFICANT)] == ["2840"]
    assert [n for n, _ in untraced(["14.00%"], RISE_SIGNIFICANT)] == ["14.00%"]
    assert [n for n, _ in untraced(["83.0%", "83.0"], RISE_SIGNIFICANT)] == ["83.0%"]
    assert untraced(executive_summary(RISE_SIGNIFICANT), RISE_SIGNIFICANT) == []
