"""Period arithmetic: the three period kinds the seeds use, and month assignment."""

import pandas as pd
import pytest

from analysis.periods import Period, PeriodError, assign_periods, month_range, period_from_config


def test_financial_year_runs_april_to_march():
    p = period_from_config({"type": "financial_year", "start": 2016})
    assert (p.start, p.end, p.slug, p.short_label) == ("2016-04", "2017-03", "fy2016-17", "2016/17")
    assert p.label == "April 2016 to March 2017"
    assert p.previous() == Period("financial_year", "2015-04", "2016-03")
    assert p.year == 2016


def test_calendar_year_and_twelve_months_ending():
    cy = period_from_config({"type": "calendar_year", "year": 2025})
    assert (cy.start, cy.end, cy.length, cy.slug) == ("2025-01", "2025-12", 12, "cy2025")
    t = period_from_config({"type": "twelve_months_ending", "end": "2015-09"})
    assert (t.start, t.end, t.slug) == ("2014-10", "2015-09", "12m-to-2015-09")
    assert t.previous().end == "2014-09"
    assert t.year == 2015  # centre of Oct 2014 - Sep 2015 is March 2015


def test_month_range_crosses_years():
    assert month_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"type": "fiscal", "start": 2020}, "not known"),
        ({"type": "financial_year"}, "missing 'start'"),
        ({"type": "twelve_months_ending", "end": "2025-13"}, "YYYY-MM"),
        ({"type": "calendar_year", "year": "twenty"}, "whole number"),
        ("2025", "needs a 'type'"),
    ],
)
def test_bad_periods_are_explained(spec, message):
    with pytest.raises(PeriodError, match=message):
        period_from_config(spec)


def test_assign_periods_aligns_with_the_template():
    fy = Period("financial_year", "2024-04", "2025-03")
    months = pd.Series(["2024-03", "2024-04", "2025-03", "2025-04", "2014-01"])
    assert assign_periods(months, fy).tolist() == [
        "2023-04",
        "2024-04",
        "2024-04",
        "2025-04",
        "2013-04",
    ]
    cy = Period("calendar_year", "2025-01", "2025-12")
    assert assign_periods(months, cy).tolist() == [
        "2024-01",
        "2024-01",
        "2025-01",
        "2025-01",
        "2014-01",
    ]
