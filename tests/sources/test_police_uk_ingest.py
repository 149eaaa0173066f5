"""Ingest on the tiny hand-made area: every row is kept or counted as excluded."""

import pandas as pd
import pytest

from analysis.errors import InputDataError
from analysis.sources.crime_types import KNOWN_GROUPS
from analysis.sources.police_uk import read_street_file
from analysis.sources.police_uk_ingest import ingest_files
from conftest import period_table_of


def test_rows_are_kept_or_accounted_for(tiny):
    result = ingest_files(tiny)
    assert [f.month for f in result.files] == ["2014-01", "2025-01", "2025-02"]
    report = {r["month"]: r for r in result.report}
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
    result = ingest_files(tiny)
    area = result.area
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
    counts = result.lad_counts
    assert counts.query("lad_code == 'E07000098'")["count"].sum() == 1
    # every row with a known authority and crime type is counted for the peers, once
    kept_or_outside = sum(r["kept"] + r["outside_area"] for r in result.report)
    assert counts["count"].sum() == kept_or_outside
    assert list(counts.columns) == [
        "lad_code",
        "lad_name",
        "month",
        "measure",
        "crime_group",
        "count",
    ]
    assert set(counts["crime_group"]) <= set(KNOWN_GROUPS)
    assert (counts["measure"] == "asb").eq(counts["crime_group"] == "Anti-social behaviour").all()


def test_area_rows_are_traceable_and_trimmed(tiny):
    area = ingest_files(tiny).area
    assert list(area.columns) == [
        "month", "crime_id", "lsoa_code", "lsoa_name", "lsoa_vintage", "lad_code", "crime_type",
        "crime_group", "measure", "longitude", "latitude", "source_file", "source_row",
    ]  # fmt: skip
    assert area.sort_values(["month", "source_file", "source_row"]).index.tolist() == list(
        range(len(area))
    )
    for col in ("crime_id", "lsoa_name", "lsoa_code", "crime_type"):
        values = area[col].dropna()
        assert (values == values.str.strip()).all(), col
    assert area["source_row"].min() >= 2  # line numbers: the header is line 1


def test_same_result_with_one_thread_or_many(tiny, monkeypatch):
    import analysis.sources.police_uk_ingest as ingest

    monkeypatch.setattr(ingest, "workers", lambda: 4)
    many = ingest_files(tiny)
    monkeypatch.setattr(ingest, "workers", lambda: 1)
    one = ingest_files(tiny)
    pd.testing.assert_frame_equal(many.area, one.area)
    pd.testing.assert_frame_equal(many.lad_counts, one.lad_counts)
    assert many.report == one.report and many.raw_checks == one.raw_checks


def test_reused_read_buffer_does_not_leak_into_earlier_tables(tiny):
    """Each thread reads files into one reusable buffer: tables must own their data."""
    from analysis.sources.police_uk import discover

    files = discover(tiny.police_uk, tiny.forces)
    first = read_street_file(files[0])
    before = first.to_pylist()
    for sf in files[1:]:
        read_street_file(sf)
    assert first.to_pylist() == before


def test_first_bad_file_in_file_order_is_reported(tiny, monkeypatch):
    """Files are read in parallel, but the error is always the first bad file's."""
    from analysis.sources.police_uk import discover

    files = discover(tiny.police_uk, tiny.forces)
    for sf in files[1:]:
        sf.path.write_text(sf.path.read_text().splitlines()[0] + "\n")  # header only
    with pytest.raises(InputDataError, match=files[1].name):
        ingest_files(tiny)


def test_period_table_maps_wards_of_the_period(tiny):
    area = ingest_files(tiny).area
    (period,) = tiny.periods
    pt = period_table_of(area, tiny, period)
    assert pt["in_period"].sum() == 6
    assert pt.groupby("ward_name").size().to_dict() == {"Alpha New": 3, "Beta New": 3}
    assert pd.isna(pt["ward_code"]).sum() == 0


def test_lookup_rows_with_a_blank_authority_or_blank_lines_are_not_matches(tiny):
    """Spreadsheet exports end with ",,,," lines; an LSOA with no authority is not in the lookup."""
    from analysis.sources.lookups import read_lsoa_lookup

    path = tiny.lsoa_lookups[2021]
    text = path.read_text(encoding="utf-8-sig").replace(
        "E01000010,Other 001A,,E05000110,Elsewhere,,E07000098,Otherby,,4",
        "E01000010,Other 001A,,E05000110,Elsewhere,,,,,4",
    )
    path.write_text(text + ",,,,,,,,,\n,,,,,,,,,\n", encoding="utf-8")
    read_lsoa_lookup.cache_clear()
    report = {r["month"]: r for r in ingest_files(tiny).report}
    # E01000010 (one Drugs row in 2025-01) is now in no lookup of 2021 codes
    assert (report["2025-01"]["lsoa_not_in_lookup"], report["2025-01"]["outside_area"]) == (1, 0)
    assert report["2025-01"]["kept"] == 4
