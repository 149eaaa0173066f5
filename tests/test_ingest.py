"""Ingest on the tiny hand-made area: every row is kept or counted as excluded."""

import pandas as pd

from analysis.ingest import (
    account,
    attach_geography,
    build_area_table,
    lad_month_counts,
    period_table,
    read_all,
)


def test_rows_are_kept_or_accounted_for(tiny):
    raw, files = read_all(tiny)
    assert [f.month for f in files] == ["2014-01", "2025-01", "2025-02"]
    raw = attach_geography(raw, tiny)
    report = {r["month"]: r for r in account(raw, tiny)}
    assert report["2025-01"] == {
        "source_file": "2025-01-testforce-street.csv",
        "month": "2025-01",
        "rows": 6,
        "blank_lsoa": 1,
        "lsoa_not_in_lookup": 0,
        "outside_area": 1,
        "kept": 4,
        "lsoa_vintage": 2021,
    }
    assert (report["2025-02"]["kept"], report["2025-02"]["lsoa_not_in_lookup"]) == (2, 1)
    assert (report["2014-01"]["kept"], report["2014-01"]["lsoa_vintage"]) == (2, 2011)
    for r in report.values():
        assert (
            r["rows"] == r["blank_lsoa"] + r["lsoa_not_in_lookup"] + r["outside_area"] + r["kept"]
        )


def test_area_table_groups_old_and_new_categories(tiny):
    raw = attach_geography(read_all(tiny)[0], tiny)
    area = build_area_table(raw, tiny)
    assert len(area) == 8
    assert area.groupby(["month", "measure"]).size().to_dict() == {
        ("2014-01", "crime"): 2,
        ("2025-01", "crime"): 3,
        ("2025-01", "asb"): 1,
        ("2025-02", "crime"): 1,
        ("2025-02", "asb"): 1,
    }
    old = area[area.month == "2014-01"].set_index("crime_type")["crime_group"].to_dict()
    assert old == {
        "Violent crime": "Violence and sexual offences",
        "Public disorder and weapons": "Public order and weapons",
    }
    counts = lad_month_counts(raw)
    assert counts.query("lad_code == 'E07000098'")["count"].sum() == 1


def test_period_table_maps_wards_of_the_period(tiny):
    raw = attach_geography(read_all(tiny)[0], tiny)
    area = build_area_table(raw, tiny)
    (period,) = tiny.periods
    pt = period_table(area, tiny, period)
    assert pt["in_period"].sum() == 6
    assert pt.groupby("ward_name").size().to_dict() == {"Alpha New": 3, "Beta New": 3}
    assert pd.isna(pt["ward_code"]).sum() == 0
