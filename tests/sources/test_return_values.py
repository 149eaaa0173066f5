"""Reading single cells of partner returns: figures and period headings.

Pure functions of a cell's text (:mod:`analysis.sources.return_values`), tested cell by cell.
"""

from __future__ import annotations

import pytest

from analysis.sources.return_values import month_text, parse_period_heading, parse_value

# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("text", "value", "status", "pct", "num", "den"),
    [
        ("4,772", 4772.0, "ok", False, None, None),
        ("4491", 4491.0, "ok", False, None, None),
        ("12,148", 12148.0, "ok", False, None, None),
        ("25.60%", 25.6, "ok", True, None, None),
        ("77.8%", 77.8, "ok", True, None, None),
        ("6% (2 out of 31 young people)", 6.0, "ok", True, 2.0, 31.0),
        ("35% (15 of 43 young people)", 35.0, "ok", True, 15.0, 43.0),
        ("84% (57 clients)", 84.0, "ok", True, None, None),
        ("6/34", 100 * 6 / 34, "ok", True, 6.0, 34.0),
        ("", None, "missing", False, None, None),
        ("n/a", None, "missing", False, None, None),
        ("N/A", None, "missing", False, None, None),
        ("-", None, "missing", False, None, None),
        ("TBC", None, "missing", False, None, None),
        ("Awaiting data", None, "missing", False, None, None),
        ("No longer collated by Division.", None, "missing", False, None, None),
        ("six", None, "not machine-readable", False, None, None),
    ],
)
def test_parse_value(text, value, status, pct, num, den):
    v = parse_value(text)
    assert v.status == status
    assert v.value == (pytest.approx(value) if value is not None else None)
    assert v.percent_sign is pct
    assert (v.numerator, v.denominator) == (num, den)
    assert v.text == text


def test_bracketed_client_count_is_not_guessed_as_numerator_or_denominator():
    v = parse_value("84% (57 clients)")
    assert v.numerator is None and v.denominator is None
    assert "57 clients" in v.note and "does not say which" in v.note


def test_stated_percentage_is_checked_against_its_counts():
    assert parse_value("35% (15 of 43 young people)").check is None  # 34.9% rounds to 35
    assert parse_value("5% (1 out of 19 young people)").check is None  # 5.3%
    assert parse_value("19% (15 of 52 young people)").check == "stated 19% but 15 of 52 is 28.8%"
    assert "larger than" in parse_value("50% (5 of 3)").check


# ------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("heading", "kind", "label", "start", "end"),
    [
        ("11/12 performance", "financial_year", "2011/12", "2011-04", "2012-03"),
        ("2012/13", "financial_year", "2012/13", "2012-04", "2013-03"),
        ("2012-13", "financial_year", "2012/13", "2012-04", "2013-03"),
        ("2024", "calendar_year", "2024", "2024-01", "2024-12"),
        ("Q3", "quarter", "Q3", None, None),
        ("Q3 2014/15", "quarter", "2014/15 Q3", "2014-10", "2014-12"),
        ("2014/15 Q4", "quarter", "2014/15 Q4", "2015-01", "2015-03"),
        ("Quarter 1 2015/16", "quarter", "2015/16 Q1", "2015-04", "2015-06"),
        ("Baseline '10/11", "baseline", "Baseline 2010/11", "2010-04", "2011-03"),
        ("Baseline", "baseline", "Baseline", None, None),
    ],
)
def test_period_headings(heading, kind, label, start, end):
    p = parse_period_heading(heading)
    assert (p.kind, p.label, month_text(p.start), month_text(p.end)) == (kind, label, start, end)


@pytest.mark.parametrize("heading", ["Q3 and Q4 Update", "Target", "2012/14", "Comment", "Q5"])
def test_not_period_headings(heading):
    assert parse_period_heading(heading) is None


def test_dates_in_value_cells_are_not_read_as_numbers():
    from analysis.sources.return_values import VALUE_UNREADABLE, parse_value

    for text in ("01/04/2025", "2025-04-01T00:00:00", "1.4.25"):
        parsed = parse_value(text)
        assert parsed.value is None and parsed.status == VALUE_UNREADABLE, text
        assert "is a date" in parsed.note
    assert parse_value("2/31").value is not None  # a fraction is still a fraction
