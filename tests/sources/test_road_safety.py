"""Road casualties from DfT road safety open data (both column-name vintages) or a return.

The fixtures use the published headers exactly: the 2021 ``dft-road-casualty-statistics-
accident`` / ``-casualty`` files (``accident_index``, ``accident_year``, ...) and the
later ``collision_*`` naming (``collision_index``, ``collision_year``, ``collision_ref_no``).
Every expected count is worked out by hand from the rows below.
"""

from __future__ import annotations

import json

import pytest

from analysis.errors import InputDataError
from analysis.measures.road_safety import (
    baseline_average,
    road_summary,
    trajectory,
    with_trajectory,
)
from analysis.report.charts import road_trend_chart
from analysis.sources.road_safety import (
    read_road_return,
    read_stats19,
)

ACCIDENT_2021 = (
    "accident_index,accident_year,accident_reference,location_easting_osgr,location_northing_osgr,"
    "longitude,latitude,police_force,accident_severity,number_of_vehicles,number_of_casualties,date,"
    "day_of_week,time,local_authority_district,local_authority_ons_district,local_authority_highway,"
    "first_road_class,first_road_number,road_type,speed_limit,junction_detail,junction_control,"
    "second_road_class,second_road_number,pedestrian_crossing_human_control,"
    "pedestrian_crossing_physical_facilities,light_conditions,weather_conditions,"
    "road_surface_conditions,special_conditions_at_site,carriageway_hazards,urban_or_rural_area,"
    "did_police_officer_attend_scene_of_accident,trunk_road_flag,lsoa_of_accident_location"
).split(",")
CASUALTY_2021 = (
    "accident_index,accident_year,accident_reference,vehicle_reference,casualty_reference,"
    "casualty_class,sex_of_casualty,age_of_casualty,age_band_of_casualty,casualty_severity,"
    "pedestrian_location,pedestrian_movement,car_passenger,bus_or_coach_passenger,"
    "pedestrian_road_maintenance_worker,casualty_type,casualty_home_area_type,casualty_imd_decile,"
    "lsoa_of_casualty"
).split(",")
RENAME = {
    "accident_index": "collision_index",
    "accident_year": "collision_year",
    "accident_reference": "collision_ref_no",
}
MEDWAY, OTHER = "E06000035", "E07000110"

# collisions: (index, year, LA); casualties: (index, severity)
COLLISIONS = [
    ("2019460000001", 2019, MEDWAY),
    ("2019460000002", 2019, MEDWAY),
    ("2019460000003", 2019, OTHER),
    ("2020460000001", 2020, OTHER),  # 2020 is covered by the file but has no Medway collision
    ("2021460000001", 2021, MEDWAY),
    ("2021460000002", 2021, MEDWAY),
]
CASUALTIES = [
    ("2019460000001", 1),
    ("2019460000001", 3),
    ("2019460000002", 2),
    ("2019460000002", 3),
    ("2019460000002", 3),
    ("2019460000003", 2),  # other LA: left out
    ("2020460000001", 3),
    ("2021460000001", 2),
    ("2021460000002", 3),
]
# by hand, Medway: 2019 fatal 1, serious 1, ksi 2, slight 3; 2020 all 0; 2021 serious 1, ksi 1, slight 1


def _csv(header: list[str], rows: list[dict]) -> str:
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join(str(r.get(c, "-1")) for c in header))
    return "\n".join(lines) + "\n"


def write_stats19(tmp_path, *, newer: bool, casualty_rows=CASUALTIES, adjusted=None):
    idx = "collision_index" if newer else "accident_index"
    yr = "collision_year" if newer else "accident_year"
    ch = [RENAME.get(c, c) for c in ACCIDENT_2021] if newer else ACCIDENT_2021
    ch = [c.replace("accident_severity", "collision_severity") if newer else c for c in ch]
    kh = [RENAME.get(c, c) for c in CASUALTY_2021] if newer else list(CASUALTY_2021)
    if adjusted is not None:
        kh += ["casualty_adjusted_severity_serious", "casualty_adjusted_severity_slight"]
    coll = [
        {
            idx: i,
            yr: y,
            "local_authority_ons_district": la,
            "date": f"01/06/{y}",
            "police_force": 46,
        }
        for i, y, la in COLLISIONS
    ]
    years = {i: y for i, y, _ in COLLISIONS}
    cas = []
    for k, (i, sev) in enumerate(casualty_rows):
        row = {
            idx: i,
            yr: years.get(i, 2019),
            "casualty_severity": sev,
            "casualty_reference": k + 1,
        }
        if adjusted is not None:
            row["casualty_adjusted_severity_serious"], row["casualty_adjusted_severity_slight"] = (
                adjusted[k]
            )
        cas.append(row)
    prefix = "dft-road-casualty-statistics-"
    cpath = tmp_path / f"{prefix}{'collision' if newer else 'accident'}-2019-2021.csv"
    kpath = tmp_path / f"{prefix}casualty-2019-2021.csv"
    cpath.write_text(_csv(ch, coll), encoding="utf-8")
    kpath.write_text(_csv(kh, cas), encoding="utf-8")
    return cpath, kpath


@pytest.mark.parametrize("newer", [False, True])
def test_counts_by_year_both_vintages(tmp_path, newer):
    c, k = write_stats19(tmp_path, newer=newer)
    t = read_stats19(c, k, [MEDWAY])
    assert t["year"].tolist() == [2019, 2020, 2021]
    assert t["fatal"].tolist() == [1, 0, 0]
    assert t["serious"].tolist() == [1, 0, 1]
    assert t["ksi"].tolist() == [2, 0, 1]
    assert t["slight"].tolist() == [3, 0, 1]
    assert t["casualties"].tolist() == [5, 0, 2]


def test_chunked_reading_gives_the_same_answer(tmp_path):
    c, k = write_stats19(tmp_path, newer=True)
    whole = read_stats19(c, k, [MEDWAY])
    chunked = read_stats19(c, k, [MEDWAY], chunksize=2)
    assert whole.equals(chunked)


def test_years_and_several_codes(tmp_path):
    c, k = write_stats19(tmp_path, newer=False)
    t = read_stats19(c, k, [MEDWAY, OTHER], years=(2019, 2020))
    assert t["year"].tolist() == [2019, 2020]
    assert t["ksi"].tolist() == [3, 0]
    assert t["slight"].tolist() == [3, 1]


def test_adjusted_severity(tmp_path):
    # probabilities as DfT publishes them for CRASH-era casualties; fatal never adjusted
    adjusted = [
        ("", ""),
        (0.1, 0.9),
        (0.8, 0.2),
        (0.3, 0.7),
        ("", ""),
        (1, 0),
        (0, 1),
        (0.9, 0.1),
        (0.2, 0.8),
    ]
    c, k = write_stats19(tmp_path, newer=True, adjusted=adjusted)
    t = read_stats19(c, k, [MEDWAY], adjusted=True)
    # 2019: fatal 1; serious 0.1 + 0.8 + 0.3 + (blank -> recorded slight: 0) = 1.2; slight 0.9 + 0.2 + 0.7 + 1 = 2.8
    assert t.loc[t["year"] == 2019, ["fatal", "serious", "ksi", "slight"]].values.tolist() == [
        pytest.approx([1.0, 1.2, 2.2, 2.8])
    ]
    assert "severity-adjusted" in t["source"].iloc[0]
    plain = tmp_path / "plain"
    plain.mkdir()
    c2, k2 = write_stats19(plain, newer=True)
    with pytest.raises(InputDataError, match="adjusted figures asked for"):
        read_stats19(c2, k2, [MEDWAY], adjusted=True)


def test_bad_severity_names_file_row_column(tmp_path):
    rows = [*CASUALTIES[:3], ("2019460000002", 9), *CASUALTIES[4:]]
    c, k = write_stats19(tmp_path, newer=False, casualty_rows=rows)
    with pytest.raises(InputDataError) as err:
        read_stats19(c, k, [MEDWAY])
    assert str(err.value) == (
        f"{k}, row 5, column 'casualty_severity': severity '9' is not 1 (fatal), 2 (serious) or 3 (slight)"
    )


def test_missing_columns(tmp_path):
    c = tmp_path / "c.csv"
    k = tmp_path / "k.csv"
    c.write_text("Accident_Index,Police_Force\n1,46\n")
    k.write_text("accident_index,casualty_severity\n1,3\n")
    with pytest.raises(
        InputDataError,
        match="no collision index column: expected one of collision_index, accident_index",
    ):
        read_stats19(c, k, [MEDWAY])
    c.write_text("accident_index,accident_year,local_authority_district\n1,2019,1\n")
    with pytest.raises(InputDataError, match="column 'local_authority_ons_district'"):
        read_stats19(c, k, [MEDWAY])


def test_aggregated_return(tmp_path):
    path = tmp_path / "ksi.csv"
    path.write_text('Year,KSI,Slight\n2005,82,"1,012"\n2006,78,700\n')
    t = read_road_return(path)
    assert t["ksi"].tolist() == [82, 78]
    assert t["slight"].tolist() == [1012, 700]
    path.write_text("Year,KSI,Slight\n2005,82,700\n2006,seventy,700\n")
    with pytest.raises(InputDataError, match=r"row 3, column 'KSI': 'seventy' is not a count"):
        read_road_return(path)
    path.write_text("year,ksi,slight\n2005,82,700\n2005,80,700\n")
    with pytest.raises(InputDataError, match="year 2005 appears twice"):
        read_road_return(path)
    path.write_text("year,fatal,serious,ksi,slight\n2005,2,70,82,700\n")
    with pytest.raises(InputDataError, match="fatal \\+ serious does not equal ksi"):
        read_road_return(path)


def seed_like_table(tmp_path):
    """KSI 2005-2009 averaging 80 (so 48 is the seeds' 40% reduction), then to 2016."""
    path = tmp_path / "ksi.csv"
    ksi = {
        2005: 84,
        2006: 82,
        2007: 80,
        2008: 78,
        2009: 76,
        2010: 75,
        2013: 51,
        2014: 56,
        2015: 60,
        2016: 50,
    }
    path.write_text("year,ksi,slight\n" + "".join(f"{y},{v},700\n" for y, v in ksi.items()))
    return read_road_return(path)


def test_baseline_and_trajectory(tmp_path):
    t = seed_like_table(tmp_path)
    base = baseline_average(t, [2005, 2009])
    assert base == {"years": [2005, 2009], "ksi": 80.0, "slight": 700.0}
    # straight line from 80 in 2009 to 48 in 2020: 32/11 a year
    line = trajectory([2008, 2009, 2014, 2020, 2024], 2009, 80.0, 2020, 48.0)
    assert line.iloc[0] != line.iloc[0]  # NaN before the start
    assert line.tolist()[1:] == pytest.approx([80.0, 80 - 32 * 5 / 11, 48.0, 48.0])
    with pytest.raises(InputDataError, match="no data for 2004"):
        baseline_average(t, [2004, 2008])
    target = {"year": 2020, "ksi_reduction_pct": 40}
    assert with_trajectory(t, base, target)["ksi_trajectory"].iloc[-1] == pytest.approx(
        80 - 32 * 7 / 11
    )


def test_summary(tmp_path):
    t = seed_like_table(tmp_path)
    s = road_summary(t, 2014, baseline_years=[2005, 2009], target={"year": 2020, "ksi": 48})
    assert (s["ksi"], s["previous_year"]["ksi"]) == (56, 51)
    assert s["ksi_change_pct"] == pytest.approx(5 / 51 * 100)  # the seeds' "+9.8%"
    assert s["ksi_change_text"] == "\u25b2 9.8%"
    assert s["ksi_vs_baseline_pct"] == pytest.approx(-30.0)
    tgt = s["ksi_target"]
    assert tgt["value"] == 48 and tgt["reduction_from_baseline_pct"] == pytest.approx(40.0)
    assert tgt["trajectory_value"] == pytest.approx(80 - 32 * 5 / 11)  # 65.45
    assert tgt["on_track"] is True
    assert tgt["status"] == "56 is at or below the trajectory of 65.5 for 2014 (target 48 by 2020)"
    assert s["slight_target"] is None
    json.dumps(s, allow_nan=False)
    with pytest.raises(InputDataError, match="no figures for 2030"):
        road_summary(t, 2030)


def test_chart_has_alt_text(tmp_path):
    import matplotlib.pyplot as plt

    t = seed_like_table(tmp_path)
    base = baseline_average(t, [2005, 2009])
    fig = road_trend_chart(t, baseline=base, target={"year": 2020, "ksi": 48}, area_name="Medway")
    assert (
        fig.axes[0].get_title() == "Killed or seriously injured (KSI) casualties in Medway, by year"
    )
    assert fig.alt_text.startswith(
        "Bar chart: Killed or seriously injured (KSI) casualties in Medway, by year. 2005: 84;"
    )
    assert "baseline average 2005-2009: 80.0" in fig.alt_text
    assert "target 48 by 2020" in fig.alt_text
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    plt.close(fig)


def test_gx_suite(tmp_path):
    from analysis.checks.suites import validate

    t = seed_like_table(tmp_path)
    results = validate(t, "road_safety", {})
    assert all(r.success for r in results), [r for r in results if not r.success]
    assert {r.severity for r in results} == {"critical", "warning"}
    assert all(r.description for r in results)
    bad = t.copy()
    bad.loc[0, "ksi"] = -1
    failed = [r for r in validate(bad, "road_safety", {}) if not r.success]
    assert any(r.severity == "critical" and r.column == "ksi" for r in failed)


def test_an_extract_with_no_collision_in_the_area_is_named(tmp_path):
    c, k = write_stats19(tmp_path, newer=True)
    with pytest.raises(InputDataError, match="no collision in the file is in the partnership's"):
        read_stats19(c, k, ["E06000999"])
