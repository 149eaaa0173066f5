"""Changes stated in partners' comments are recomputed; disagreements reach the data notes."""

import pandas as pd

from analysis.pipeline import stated_change_checks
from analysis.report.data_quality import data_notes


def rows(
    comment: str, previous: float, value: float, period_type: str = "financial_year"
) -> pd.DataFrame:
    return pd.DataFrame([{"indicator": "Fly tipping", "period": "2012/13", "comment": comment,
                          "value": value, "previous_value": previous, "period_type": period_type}])  # fmt: skip


def test_agreeing_and_disagreeing_statements():
    (ok,) = stated_change_checks(rows("8% reduction", 4491, 4136))  # 7.9%: agrees within rounding
    assert ok["agrees"] is True
    (bad,) = stated_change_checks(rows("12% increase", 20285, 23125))  # the 2017 assessment: 14.0%
    assert bad["agrees"] is False and "14.0%" in bad["message"]
    assert stated_change_checks(rows("", 1, 2)) == []
    assert stated_change_checks(rows("8% reduction", float("nan"), 2)) == []


def test_disagreements_are_listed_in_the_data_notes():
    figures = {
        "period": {"start": "2024-04", "end": "2025-03"},
        "area": {"forces": ["kent"], "synthetic": False},
        "rows": {
            "rows": 10,
            "blank_lsoa": 0,
            "outside_area": 0,
            "lsoa_not_in_lookup": 0,
            "kept": 10,
        },
        "population": {"value": 1000, "note": "ONS mid-2024 estimate"},
        "wards": {"set": "Wards", "count": 2},
        "months_missing": [],
        "crime": {"comparison": {"status": "complete", "note": ""}},
        "performance": {
            "stated_checks": stated_change_checks(rows("12% increase", 20285, 23125)),
            "value_checks": [
                {"indicator": "YOT", "period": "Q2", "check": "15 of 52 is 28.8%, not 19%"}
            ],
        },
    }
    notes = data_notes(figures, [], [])
    assert "do not match their own values" in notes and "14.0%" in notes and "28.8%" in notes
