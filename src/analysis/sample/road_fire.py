"""The sample area's road casualty extract (DfT layout) and fire-service activity return.

Why this module exists: the road safety and fire sections must run on a fresh clone, so this
writes, deterministically, files in the real layouts: the DfT road safety open data collision
and casualty files (current ``collision_*`` column names, 2005-2024, for ``E06900001`` plus a
neighbouring fictional authority that the reader must leave out) and the fire service's wide
activity table (2015/16-2024/25, thousands separators included).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.sample.formats import fy_label, write_csv

AREA_CODE = "E06900001"
NEIGHBOUR_CODE = "E06900002"
ROAD_YEARS: tuple[int, int] = (2005, 2024)
FIRE_YEARS: tuple[int, int] = (2015, 2024)

#: DfT collision file columns (current naming); the reader needs only a few of them.
COLLISION_COLUMNS: tuple[str, ...] = (
    "collision_index",
    "collision_year",
    "collision_ref_no",
    "location_easting_osgr",
    "location_northing_osgr",
    "longitude",
    "latitude",
    "police_force",
    "collision_severity",
    "number_of_vehicles",
    "number_of_casualties",
    "date",
    "day_of_week",
    "time",
    "local_authority_district",
    "local_authority_ons_district",
    "local_authority_highway",
    "first_road_class",
    "first_road_number",
    "road_type",
    "speed_limit",
    "junction_detail",
    "junction_control",
    "second_road_class",
    "second_road_number",
    "pedestrian_crossing_human_control",
    "pedestrian_crossing_physical_facilities",
    "light_conditions",
    "weather_conditions",
    "road_surface_conditions",
    "special_conditions_at_site",
    "carriageway_hazards",
    "urban_or_rural_area",
    "did_police_officer_attend_scene_of_accident",
    "trunk_road_flag",
    "lsoa_of_accident_location",
)
#: DfT casualty file columns (current naming).
CASUALTY_COLUMNS: tuple[str, ...] = (
    "collision_index",
    "collision_year",
    "collision_ref_no",
    "vehicle_reference",
    "casualty_reference",
    "casualty_class",
    "sex_of_casualty",
    "age_of_casualty",
    "age_band_of_casualty",
    "casualty_severity",
    "pedestrian_location",
    "pedestrian_movement",
    "car_passenger",
    "bus_or_coach_passenger",
    "pedestrian_road_maintenance_worker",
    "casualty_type",
    "casualty_home_area_type",
    "casualty_imd_decile",
    "lsoa_of_casualty",
    "casualty_adjusted_severity_serious",
    "casualty_adjusted_severity_slight",
)

FIRE_ACTIVITIES: tuple[tuple[str, float, float], ...] = (
    # (activity, level in 2015/16, yearly drift)
    ("HSVs", 1450.0, -0.03),
    ("Smoke Alarms", 2400.0, -0.04),
    ("RTCs", 80.0, -0.01),
    ("ADFs", 95.0, -0.02),
    ("School Visits", 150.0, -0.02),
    ("No. of pupils seen", 9800.0, 0.0),
)


def write_road(out: Path, rng: np.random.Generator) -> dict:
    """DfT-format collision and casualty files; returns the true yearly counts for the area."""
    coll_rows: list[list[object]] = []
    cas_rows: list[list[object]] = []
    truth: dict[int, dict[str, int]] = {}
    first, last = ROAD_YEARS
    for year in range(first, last + 1):
        t = year - first
        ksi_mean = (
            82.0 * 0.965**t if year <= 2020 else 82.0 * 0.965**15 * (1 + 0.02 * (year - 2020))
        )
        slight_mean = 715.0 * 0.975**t
        for code, scale in ((AREA_CODE, 1.0), (NEIGHBOUR_CODE, 0.6)):
            n_fatal = int(rng.poisson(ksi_mean * 0.06 * scale))
            n_serious = int(rng.poisson(ksi_mean * 0.94 * scale))
            n_slight = int(rng.poisson(slight_mean * scale))
            severities = np.array([1] * n_fatal + [2] * n_serious + [3] * n_slight)
            rng.shuffle(severities)
            if code == AREA_CODE:
                truth[year] = {"fatal": n_fatal, "serious": n_serious, "slight": n_slight}
            i = 0
            ref = 0
            while i < len(severities):
                size = int(rng.choice([1, 2, 3], p=[0.74, 0.19, 0.07]))
                group = severities[i : i + size]
                i += size
                ref += 1
                force = "98" if code == AREA_CODE else "97"
                index = f"{year}{force}S{code[-1]}{ref:05d}"
                ref_no = f"{force}S{code[-1]}{ref:05d}"
                day = int(rng.integers(1, 366 if year % 4 else 367))
                date = np.datetime64(f"{year}-01-01") + np.timedelta64(day - 1, "D")
                dow = (int((date - np.datetime64("1970-01-04")).astype(int)) % 7) + 1  # 1 = Sunday
                y_, m_, d_ = str(date).split("-")
                coll_rows.append(
                    [
                        index,
                        year,
                        ref_no,
                        int(rng.integers(570000, 590000)),
                        int(rng.integers(160000, 175000)),
                        f"{0.45 + rng.random() * 0.2:.6f}",
                        f"{51.33 + rng.random() * 0.1:.6f}",
                        force,
                        int(group.min()),
                        int(rng.integers(1, 4)),
                        len(group),
                        f"{d_}/{m_}/{y_}",
                        dow,
                        f"{int(rng.integers(0, 24)):02d}:{int(rng.integers(0, 60)):02d}",
                        -1,
                        code,
                        code,
                        int(rng.choice([1, 3, 4, 6])),
                        int(rng.integers(1, 300)),
                        int(rng.choice([1, 2, 3, 6, 7])),
                        int(rng.choice([20, 30, 40, 60, 70])),
                        int(rng.choice([0, 1, 3, 6, 9])),
                        -1,
                        -1,
                        -1,
                        0,
                        0,
                        int(rng.choice([1, 4, 6])),
                        int(rng.choice([1, 2, 8])),
                        int(rng.choice([1, 2])),
                        0,
                        0,
                        int(rng.choice([1, 2])),
                        int(rng.choice([1, 2])),
                        2,
                        f"E01900{int(rng.integers(1, 999)):03d}",
                    ]
                )
                for k, sev in enumerate(group, start=1):
                    age = int(rng.integers(5, 90))
                    band = (
                        min(11, 1 + age // 5)
                        if age < 56
                        else (9 if age < 66 else (10 if age < 76 else 11))
                    )
                    cas_rows.append(
                        [
                            index,
                            year,
                            ref_no,
                            1,
                            k,
                            int(rng.choice([1, 2, 3])),
                            int(rng.choice([1, 2])),
                            age,
                            band,
                            int(sev),
                            0,
                            0,
                            0,
                            0,
                            0,
                            int(rng.choice([0, 1, 9])),
                            1,
                            int(rng.integers(1, 11)),
                            f"E01900{int(rng.integers(1, 999)):03d}",
                            "" if sev == 1 else (1 if sev == 2 else 0),
                            "" if sev == 1 else (1 if sev == 3 else 0),
                        ]
                    )
    (out / "road").mkdir(parents=True, exist_ok=True)
    write_csv(out / "road" / "collisions.csv", list(COLLISION_COLUMNS), coll_rows)
    write_csv(out / "road" / "casualties.csv", list(CASUALTY_COLUMNS), cas_rows)
    return truth


def write_fire(out: Path, rng: np.random.Generator) -> None:
    """The fire service's wide activity table: one row per activity, one column per year."""
    first, last = FIRE_YEARS
    years = list(range(first, last + 1))
    rows = []
    for activity, level, drift in FIRE_ACTIVITIES:
        cells = []
        for t, _ in enumerate(years):
            v = int(round(level * (1 + drift) ** t * (1 + rng.normal(0, 0.07))))
            cells.append(f"{v:,}")
        rows.append([activity, *cells])
    (out / "fire").mkdir(parents=True, exist_ok=True)
    write_csv(out / "fire" / "activity.csv", ["Activity", *[fy_label(y) for y in years]], rows)
