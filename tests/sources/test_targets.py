"""Free-text targets: every phrasing in the seed returns, read as a person would, or refused.

The seed phrasings are written out here (not read from the seeds) so the expectations are
hand-made; a last test checks that every target in ``../shared/seed-tables`` is one of them.
"""

from __future__ import annotations

import csv

import pytest

from analysis.sources import targets as tg
from conftest import REPO

SEED_TABLES = REPO.parent / "shared" / "seed-tables"

# text -> (kind, value, unit, direction, strict, label)
SEED_PHRASINGS = {
    "5% reduction": (tg.RELATIVE, -5.0, "percent", tg.DECREASE, False, None),
    "10% increase": (tg.RELATIVE, 10.0, "percent", tg.INCREASE, False, None),
    "5% increase": (tg.RELATIVE, 5.0, "percent", tg.INCREASE, False, None),
    "30%": (tg.LEVEL, 30.0, "percent", None, False, None),
    "40%": (tg.LEVEL, 40.0, "percent", None, False, None),
    "60%": (tg.LEVEL, 60.0, "percent", None, False, None),
    "65%": (tg.LEVEL, 65.0, "percent", None, False, None),
    "70%": (tg.LEVEL, 70.0, "percent", None, False, None),
    "73%": (tg.LEVEL, 73.0, "percent", None, False, None),
    "75%": (tg.LEVEL, 75.0, "percent", None, False, None),
    "85%": (tg.LEVEL, 85.0, "percent", None, False, None),
    "95%": (tg.LEVEL, 95.0, "percent", None, False, None),
    "100%": (tg.LEVEL, 100.0, "percent", None, False, None),
    "5%": (tg.LEVEL, 5.0, "percent", None, False, None),
    "Below 28% CAADA benchmark": (tg.LEVEL, 28.0, "percent", tg.AT_MOST, True, "CAADA benchmark"),
    "68% CAADA benchmark": (tg.LEVEL, 68.0, "percent", None, False, "CAADA benchmark"),
    "74% CAADA benchmark": (tg.LEVEL, 74.0, "percent", None, False, "CAADA benchmark"),
    "< 50%": (tg.LEVEL, 50.0, "percent", tg.AT_MOST, True, None),
    "< 20%": (tg.LEVEL, 20.0, "percent", tg.AT_MOST, True, None),
    "100 practitioners": (tg.LEVEL, 100.0, "count", None, False, "practitioners"),
    "150": (tg.LEVEL, 150.0, "count", None, False, None),
    "340": (tg.LEVEL, 340.0, "count", None, False, None),
    "95% where notified a fortnight in advance": (tg.LEVEL, 95.0, "percent", None, False, None),
    "N/A": (tg.NONE, None, None, None, False, None),
    "Awaiting figure from OASIS": (tg.NOT_MACHINE_READABLE, None, None, None, False, None),
    "Reduce the number of LAC by 10% against 2013/14 out-turn": (
        tg.RELATIVE,
        -10.0,
        "percent",
        tg.DECREASE,
        False,
        None,
    ),
}


@pytest.mark.parametrize("text", list(SEED_PHRASINGS))
def test_seed_phrasings(text):
    kind, value, unit, direction, strict, label = SEED_PHRASINGS[text]
    t = tg.parse_target(text)
    assert t.text == text  # always kept verbatim
    assert t.kind == kind
    assert t.value == value
    assert (t.unit if t.machine_readable else None) == unit
    assert t.direction == direction
    assert t.strict is strict
    assert t.label == label


def test_condition_is_kept_and_flagged_not_checked():
    t = tg.parse_target("95% where notified a fortnight in advance")
    assert "where notified a fortnight in advance" in t.note
    assert "not checked" in t.note


def test_named_reference_is_kept_with_its_bracketed_value():
    t = tg.parse_target("Reduce the number of LAC by 10% against 2013/14 out-turn")
    assert t.reference == "2013/14 out-turn"
    assert t.reference_value is None
    t = tg.parse_target("Reduce the number of LAC by 10% against 2013/14 out-turn (13%).")
    assert (t.reference, t.reference_value) == ("2013/14 out-turn", 13.0)
    assert tg.parse_target("5% reduction").reference == "the previous period"


def test_not_machine_readable_says_why():
    assert tg.parse_target("Awaiting figure from OASIS").note == "no number in the target"
    assert not tg.parse_target("Awaiting figure from OASIS").machine_readable


@pytest.mark.parametrize(
    "text",
    [
        "Awaiting figure from OASIS, due in May 2014",
        "5% (< 275 young people rate per 100k)",
        "80% of year 12 to students",
        "A reduction of 5 casualties a year",
        "5.71% reduction per year from 51 to 56 (+9.8%)",
        "Contract awarded and service in place",
        "To fall in line with the MoJ predicted level of re-offending",
        'Maintain "similar" rate to England average (as reported by Public Health England)',
        "-5%",
        "On-going",
    ],
)
def test_other_seed_report_phrasings_are_refused_not_guessed(text):
    t = tg.parse_target(text)
    assert t.kind == tg.NOT_MACHINE_READABLE
    assert t.note
    assert t.text == text


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "direction", "strict"),
    [
        (
            "Increase by 2% from 2013/14 baseline of 6.2% i.e. 8.2%",
            tg.LEVEL,
            8.2,
            "percent",
            tg.AT_LEAST,
            False,
        ),
        ("150 (Target figure from OASIS)", tg.LEVEL, 150.0, "count", None, False),
        ("1 campaign delivered", tg.LEVEL, 1.0, "count", None, False),
        ("at least 4,000", tg.LEVEL, 4000.0, "count", tg.AT_LEAST, False),
        ("no more than 12", tg.LEVEL, 12.0, "count", tg.AT_MOST, False),
        ("28% or less", tg.LEVEL, 28.0, "percent", tg.AT_MOST, False),
        ("> 90%", tg.LEVEL, 90.0, "percent", tg.AT_LEAST, True),
        ("\u2264 15%", tg.LEVEL, 15.0, "percent", tg.AT_MOST, False),
        ("a 3% decrease", tg.RELATIVE, -3.0, "percent", tg.DECREASE, False),
        ("Increase by 5%", tg.RELATIVE, 5.0, "percent", tg.INCREASE, False),
        ("5% reduction on last year", tg.RELATIVE, -5.0, "percent", tg.DECREASE, False),
        ("", tg.NONE, None, None, None, False),
        ("-", tg.NONE, None, None, None, False),
        ("n/a", tg.NONE, None, None, None, False),
    ],
)
def test_further_phrasings(text, kind, value, unit, direction, strict):
    t = tg.parse_target(text)
    assert (t.kind, t.value, t.direction, t.strict) == (kind, value, direction, strict)
    if t.machine_readable:
        assert t.unit == unit


def test_previous_year_reference_is_the_previous_period():
    assert tg.parse_target("5% reduction on last year").reference == "the previous period"


@pytest.mark.parametrize(
    ("indicator", "polarity"),
    [
        (
            "Reduce the number of looked After Children (LAC) within the Criminal Justice System",
            tg.LOWER_IS_BETTER,
        ),
        ("Reduction on the number of repeat victims of ASB", tg.LOWER_IS_BETTER),
        (
            "Reduce the repeat victimisation rate for those identified at higher risk of harm",
            tg.LOWER_IS_BETTER,
        ),
        ("Increase number of Fixed Penalty Notices (FPN's) issued SF2", tg.HIGHER_IS_BETTER),
        ("Increased fixed penalty notices issued", tg.HIGHER_IS_BETTER),
        ("Increased useage by public of Love Medway app", tg.HIGHER_IS_BETTER),
        ("Increase the proportion of offenders in employment at termination", tg.HIGHER_IS_BETTER),
        # a verb later in the sentence says nothing about which way is good
        ("Percentage of clients where risk is reduced as a result of IDVA intervention DA07", None),
        ("Number of fly tipping incidents", None),
    ],
)
def test_polarity_from_wording(indicator, polarity):
    assert tg.polarity_from_wording(indicator) == polarity


def test_polarity_from_target():
    assert tg.polarity_from_target(tg.parse_target("5% reduction")) == tg.LOWER_IS_BETTER
    assert tg.polarity_from_target(tg.parse_target("10% increase")) == tg.HIGHER_IS_BETTER
    assert tg.polarity_from_target(tg.parse_target("< 50%")) == tg.LOWER_IS_BETTER
    assert tg.polarity_from_target(tg.parse_target("at least 70%")) == tg.HIGHER_IS_BETTER
    assert tg.polarity_from_target(tg.parse_target("70%")) is None  # bare: decided by the caller
    assert tg.polarity_from_target(tg.parse_target("N/A")) is None


def test_describe():
    assert tg.parse_target("5% reduction").describe() == "5% reduction on the previous period"
    assert tg.parse_target("Below 28% CAADA benchmark").describe() == "below 28%"
    assert tg.parse_target("at least 4,000").describe() == "at least 4,000"
    assert tg.parse_target("N/A").describe() == "no target"
    assert (
        tg.parse_target("Awaiting figure from OASIS").describe().startswith("not machine-readable")
    )


@pytest.mark.skipif(not SEED_TABLES.is_dir(), reason=f"seed tables {SEED_TABLES} are absent")
def test_every_seed_table_target_is_covered_above():
    texts = set()
    for path in SEED_TABLES.glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if "Target" in row:
                    texts.add(row["Target"])
    assert texts, "no targets found in the seed tables"
    assert texts <= set(SEED_PHRASINGS), sorted(texts - set(SEED_PHRASINGS))
