"""figures.json numbers on the tiny area, each computed by hand in the comments."""

import pytest

from analysis.measures.figures import comparison_status
from analysis.periods import Period
from conftest import build_tiny_figures


@pytest.fixture
def figures(tiny):
    return build_tiny_figures(tiny)  # March 2024 to February 2025


def test_level_rate_and_population(figures):
    # crimes in the area: Jan burglary, violence, shoplifting; Feb other theft = 4; ASB Jan + Feb = 2
    assert (figures["crime"]["total"], figures["asb"]["total"]) == (4, 2)
    # centre of Mar 2024 - Feb 2025 is 2024; latest estimate at or before it is mid-2020: 2,000
    assert figures["population"] == {
        **figures["population"],
        "value": 2000,
        "year": 2020,
        "requested_year": 2024,
    }
    assert figures["crime"]["rate_per_1000"] == 2.0 and figures["asb"]["rate_per_1000"] == 1.0
    assert figures["period"]["start"] == "2024-03" and figures["period"]["end"] == "2025-02"
    assert figures["months_present"] == 2 and len(figures["months_missing"]) == 10


def test_no_change_is_computed_against_an_absent_period(figures):
    crime = figures["crime"]
    assert (
        crime["previous_total"] is None and crime["change"] is None and crime["change_pct"] is None
    )
    # the assessed period itself has 2 of 12 months: part of a year is never compared
    assert crime["comparison"]["status"] == "current_incomplete"
    assert "covers only 2 of 12 months" in crime["comparison"]["note"]


def test_top_wards_breakdown_and_peers(figures):
    crime = figures["crime"]
    # Alpha New: burglary + violence = 2; Beta New: shoplifting + other theft = 2 (tie: by name)
    assert crime["top_wards"] == [
        {"ward": "Alpha New", "ward_code": "E05000101", "count": 2, "share": 50.0},
        {"ward": "Beta New", "ward_code": "E05000102", "count": 2, "share": 50.0},
    ]
    by_type = {d["group"]: (d["count"], d["share"]) for d in crime["by_type"]}
    assert (
        by_type["Theft"] == (2, 50.0)
        and by_type["Burglary"] == (1, 25.0)
        and by_type["Robbery"] == (0, 0.0)
    )
    assert sum(d["count"] for d in crime["by_type"]) == crime["total"]
    peers = crime["peers"]
    # Tinytown 4 / 2,000 = 2.0 per 1,000; Otherby has rows in January only (Tinytown in January
    # and February), so it is not ranked: part of the period against all of it
    assert (peers["rank"], peers["of"], peers["rate_per_1000"]) == (1, 1, 2.0)
    assert [a["lad_name"] for a in peers["authorities"]] == ["Tinytown"]
    assert peers["excluded_incomplete"] == ["Otherby"]


def test_trend_marks_incomplete_periods(figures):
    trend = figures["crime"]["trend"]
    assert [(t["start"], t["count"], t["months_present"], t["complete"]) for t in trend] == [
        ("2013-03", 2, 1, False),
        ("2024-03", 4, 2, False),
    ]
    assert [m["count"] for m in figures["crime"]["monthly"]][-2:] == [3, 1]


def test_no_change_against_an_absent_previous_period(tiny):
    from analysis.measures.figures import comparison_status

    p = Period("calendar_year", "2024-01", "2024-12")
    absent = comparison_status({"2025-01"}, p)
    assert absent["status"] == "absent" and "no comparison" in absent["note"].lower()


def test_comparison_status_complete_and_incomplete():
    p = Period("calendar_year", "2024-01", "2024-12")
    assert comparison_status(set(p.months), p)["status"] == "complete"
    partial = comparison_status(set(p.months[:9]), p)
    assert partial["status"] == "incomplete" and partial["months_present"] == 9
    assert "Oct 2024, Nov 2024, Dec 2024" in partial["note"]


def _rows(counts: dict[str, tuple[int, int, int]], period: Period):
    """Crime rows: per group (earlier, previous, current) counts, spread over the months."""
    import pandas as pd

    out = []
    spans = (period.previous().previous(), period.previous(), period)
    for group, per in counts.items():
        for span, n in zip(spans, per, strict=True):
            months = span.months
            out += [{"month": months[i % 12], "crime_group": group, "measure": "crime",
                     "in_period": span is period} for i in range(n)]  # fmt: skip
    area = pd.DataFrame(out)
    return area[area["month"] >= period.previous().start], area


def test_group_changes_explain_the_total_by_hand():
    from analysis.measures.figures import group_changes

    period = Period("financial_year", "2024-04", "2025-03")
    counts = {"Burglary": (100, 120, 150), "Theft": (300, 280, 260), "Drugs": (50, 50, 90)}
    rows, area = _rows(counts, period)
    groups = {g["group"]: g for g in group_changes(rows, area, period, set(area["month"]), 0.05,
                                                    "quasi_poisson")}  # fmt: skip
    # net change: (150 + 260 + 90) - (120 + 280 + 50) = 500 - 450 = +50
    assert groups["Burglary"]["change"] == 30 and groups["Burglary"]["contribution_pct"] == 60.0
    assert groups["Theft"]["change"] == -20 and groups["Theft"]["contribution_pct"] == -40.0
    assert groups["Drugs"]["contribution_pct"] == 80.0
    assert sum(g["contribution_pct"] for g in groups.values() if g["change"]) == pytest.approx(100)
    assert groups["Burglary"]["direction"] == "rising three periods running"
    assert groups["Theft"]["direction"] == "falling three periods running"
    assert groups["Drugs"]["direction"] == "mixed"
    # Holm: the adjusted p-value is at least the raw one, and groups with no rows are listed too
    assert all(g["p_adjusted"] >= g["p_value"] for g in groups.values())
    assert groups["Robbery"]["count"] == 0 and groups["Robbery"]["change"] == 0


def test_peers_by_crime_group(tiny):
    import pandas as pd

    from analysis.measures.figures import peer_comparison
    from analysis.sources.police_uk_ingest import ingest_files
    from analysis.sources.population import read_mye

    (period,) = tiny.periods
    mye = read_mye(tiny.population)
    m1, m2 = period.months[:2]
    rows = [("E06000099", "Tinytown", m, "crime", "Theft", 4) for m in (m1, m2)]
    rows += [("E07000098", "Otherby", m, "crime", "Drugs", 3) for m in (m1, m2)]
    counts = pd.DataFrame(rows, columns=["lad_code", "lad_name", "month", "measure",
                                         "crime_group", "count"])  # fmt: skip
    # drugs: Otherby 6 per 1,000 residents; Tinytown has none: ranked 2nd of 2 at 0.0
    drugs = peer_comparison(counts, mye, tiny, period, "crime", 2020, group="Drugs")
    assert (drugs["rank"], drugs["of"], drugs["rate_per_1000"]) == (2, 2, 0.0)
    # theft: Tinytown 8 / 2,000 = 4.0 per 1,000, first of 2
    theft = peer_comparison(counts, mye, tiny, period, "crime", 2020, group="Theft")
    assert (theft["rank"], theft["of"], theft["rate_per_1000"]) == (1, 2, 4.0)
    # the ingest counts every group: 2014's two crimes, 2025's five with a known authority
    # (not the blank LSOA or the unknown one), two ASB
    real = ingest_files(tiny).lad_counts
    assert real.groupby("measure")["count"].sum().to_dict() == {"asb": 2, "crime": 7}


def test_peers_with_part_of_the_period_are_not_ranked(tiny):
    import pandas as pd

    from analysis.measures.figures import peer_comparison
    from analysis.sources.population import read_mye

    (period,) = tiny.periods
    months = period.months[:3]
    rows = [("E06000099", "Tinytown", m, "crime", "Theft", 10) for m in months]
    rows += [("E07000098", "Otherby", months[0], "crime", "Theft", 50)]  # one month only
    counts = pd.DataFrame(rows, columns=["lad_code", "lad_name", "month", "measure",
                                         "crime_group", "count"])  # fmt: skip
    peers = peer_comparison(counts, read_mye(tiny.population), tiny, period, "crime", 2020)
    assert [a["lad_name"] for a in peers["authorities"]] == ["Tinytown"]
    assert peers["excluded_incomplete"] == ["Otherby"]
