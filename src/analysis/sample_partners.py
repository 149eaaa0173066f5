"""Fictional partner returns, road casualty extract and fire return for the sample area.

Why this exists: the default run must show the partner sections (performance with RAG, road
safety, fire) on a fresh clone with no downloaded data. So this writes, deterministically
from ``seed``, files in the *same shapes as the real ones* and with the same untidiness the
readers must cope with (targets in prose, some not machine-readable, "n/a" and "TBC" cells,
"21% (7 of 33 young people)", thousands separators, a target that changes between years):

* ``partners/performance_2022-23.csv`` .. ``performance_2024-25.csv``: the seed action-plan
  shape (Priority, Indicator, Target, Baseline '21/22, Q1..Q4, the year, Comment);
* ``road/collisions.csv`` and ``road/casualties.csv``: DfT road safety open data layout
  (current ``collision_*`` column names), 2005-2024, local authority ``E06900001`` plus a
  neighbouring fictional authority that the reader must leave out;
* ``fire/activity.csv``: the fire service's wide activity table, 2015/16-2024/25;
* ``partners/README.md``: says all of it is synthetic.

Every number is made up; codes are in the fictional ``E069`` range used by
:mod:`analysis.sample_data`.

Run: ``python -m analysis.sample_partners data/raw/sample`` (or call
:func:`generate_partner_sample`).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

AREA_CODE = "E06900001"
NEIGHBOUR_CODE = "E06900002"
FINANCIAL_YEARS: tuple[int, ...] = (2022, 2023, 2024)
ROAD_YEARS: tuple[int, int] = (2005, 2024)
FIRE_YEARS: tuple[int, int] = (2015, 2024)
BASELINE_FY = 2021

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


@dataclass(frozen=True)
class _Indicator:
    priority: str
    name: str
    kind: str  # count | percent | fraction | clients
    level: float  # typical quarterly count or percentage
    drift: float  # change per year (fraction for counts, points for percents)
    targets: tuple[str, str, str]  # target text for 2022/23, 2023/24, 2024/25
    noise: float = 0.08
    what: str = "young people"


INDICATORS: tuple[_Indicator, ...] = (
    _Indicator(
        "Tackle ASB and envirocrime",
        "Number of fly tipping incidents",
        "count",
        820,
        -0.06,
        ("5% reduction",) * 3,
    ),
    _Indicator(
        "Tackle ASB and envirocrime",
        "Increase number of Fixed Penalty Notices (FPNs) issued",
        "count",
        110,
        0.04,
        ("10% increase", "10% increase", "5% increase"),
        noise=0.12,
    ),
    _Indicator(
        "Tackle ASB and envirocrime",
        "Satisfaction of victims of ASB with actions taken by police and partners",
        "percent",
        79.0,
        -0.5,
        ("85%",) * 3,
        noise=2.0,
    ),
    _Indicator(
        "Tackle ASB and envirocrime",
        "Percentage of fly-tipping incidents cleared by the next working day",
        "percent",
        82.0,
        0.5,
        ("75%",) * 3,
        noise=2.0,
    ),
    _Indicator(
        "Tackle ASB and envirocrime",
        "Council attendance at PACT meetings",
        "percent",
        98.0,
        0.0,
        ("95% where notified a fortnight in advance",) * 3,
        noise=2.0,
    ),
    _Indicator(
        "Tackle ASB and envirocrime",
        "Number of prosecutions for fly tipping",
        "count",
        9,
        0.05,
        ("N/A",) * 3,
        noise=0.3,
    ),
    _Indicator(
        "Reduce re-offending",
        "Percentage of re-offending by young people who accessed the Triage scheme",
        "fraction",
        19.0,
        -0.5,
        ("< 20%",) * 3,
        noise=4.0,
    ),
    _Indicator(
        "Reduce re-offending",
        "Increase the proportion of offenders in suitable accommodation at termination",
        "percent",
        63.0,
        1.0,
        ("60%",) * 3,
        noise=3.0,
    ),
    _Indicator(
        "Reduce re-offending",
        "Community Orders & Suspended Sentence Orders successfully completed",
        "percent",
        74.5,
        0.3,
        ("75%",) * 3,
        noise=2.0,
    ),
    _Indicator(
        "Reduce re-offending",
        "Reduce the number of looked after children (LAC) within the youth justice system",
        "percent",
        14.0,
        -0.4,
        ("Reduce the number of LAC by 10% against 2021/22 out-turn (14%)",) * 3,
        noise=1.5,
    ),
    _Indicator(
        "Tackle domestic abuse",
        "Number of high risk clients referred for IDVA support",
        "count",
        88,
        0.03,
        ("Awaiting figure from commissioner", "340", "340"),
        noise=0.1,
    ),
    _Indicator(
        "Tackle domestic abuse",
        "Percentage of clients where risk is reduced as a result of IDVA intervention",
        "clients",
        80.0,
        0.5,
        ("70% national benchmark",) * 3,
        noise=5.0,
    ),
    _Indicator(
        "Tackle domestic abuse",
        "Reduce the repeat victimisation rate for those identified at higher risk of harm",
        "percent",
        29.0,
        -0.6,
        ("Below 28% national benchmark",) * 3,
        noise=2.5,
    ),
    _Indicator(
        "Tackle domestic abuse",
        "Deliver domestic abuse awareness training to multi-agency practitioners",
        "count",
        45,
        0.05,
        ("100 practitioners",) * 3,
        noise=0.35,
    ),
    _Indicator(
        "Tackle substance misuse",
        "Number of alcohol brief interventions delivered",
        "count",
        400,
        0.02,
        ("1,500",) * 3,
        noise=0.1,
    ),
    _Indicator(
        "Tackle substance misuse",
        "Percentage of opiate users leaving treatment successfully",
        "percent",
        5.5,
        0.2,
        ("Maintain rate similar to England average",) * 3,
        noise=0.8,
    ),
)

#: Cells left without a figure, as real returns have: (financial year, indicator number
#: counted from 1, column) -> the text written instead.
_GAPS: dict[tuple[int, int, str], str] = {
    (2022, 2, "Q2"): "n/a",
    (2023, 15, "Q4"): "TBC",
    (2024, 3, "Q4"): "TBC",
    (2024, 3, "year"): "TBC",
    (2024, 15, "Q4"): "Awaiting data",
    (2024, 5, "Q3"): "-",
}
#: Comments, keyed by (financial year, indicator number counted from 1).
_COMMENTS: dict[tuple[int, int], str] = {
    (2022, 11): "Target to be confirmed by the commissioner",
    (2023, 1): "Proactive patrols in hotspot streets from Q2",
    (2024, 3): "Annual victim survey results due in May",
    (2024, 7): "Q2 figure reflects a small cohort",
}


def _fy(y: int) -> str:
    return f"{y}/{(y + 1) % 100:02d}"


def _pct(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}%"


def _clip(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return float(min(max(x, lo), hi))


def _performance_rows(rng: np.random.Generator) -> dict[int, list[list[str]]]:
    """Rows of each year's return (cells as written), plus the 2021/22 baseline column."""
    out: dict[int, list[list[str]]] = {y: [] for y in FINANCIAL_YEARS}
    for n, ind in enumerate(INDICATORS):
        base_year = BASELINE_FY
        yearly: dict[int, tuple[list[str], str]] = {}
        for y in (base_year, *FINANCIAL_YEARS):
            t = y - base_year
            cells, pooled = [], []
            for q in range(4):
                if ind.kind == "count":
                    mean = ind.level * (1 + ind.drift) ** t * (1 + 0.06 * np.sin(q + n))
                    v = int(rng.poisson(max(mean * (1 + rng.normal(0, ind.noise)), 0.5)))
                    pooled.append(v)
                    cells.append(f"{v:,}" if v >= 1000 and (n + q) % 2 == 0 else str(v))
                elif ind.kind == "fraction":
                    denom = int(rng.integers(28, 60))
                    p = _clip(ind.level + ind.drift * t + rng.normal(0, ind.noise), 1, 60)
                    num = int(round(denom * p / 100))
                    pooled.append((num, denom))
                    word = "out of" if q % 2 else "of"
                    cells.append(
                        f"{round(100 * num / denom):.0f}% ({num} {word} {denom} {ind.what})"
                    )
                elif ind.kind == "clients":
                    clients = int(rng.integers(45, 70))
                    p = _clip(ind.level + ind.drift * t + rng.normal(0, ind.noise), 0, 99)
                    pooled.append(p)
                    cells.append(f"{p:.0f}% ({clients} clients)")
                else:
                    p = _clip(ind.level + ind.drift * t + rng.normal(0, ind.noise), 0, 100)
                    pooled.append(p)
                    cells.append(_pct(p, 2 if (n + y) % 3 == 0 else 1))
            if ind.kind == "count":
                total = int(sum(pooled))
                year_cell = f"{total:,}"
            elif ind.kind == "fraction":
                num = sum(a for a, _ in pooled)
                den = sum(b for _, b in pooled)
                year_cell = f"{round(100 * num / den):.0f}% ({num} of {den} {ind.what})"
            else:
                year_cell = _pct(float(np.mean(pooled)), 1)
            yearly[y] = (cells, year_cell)
        baseline_cell = yearly[base_year][1]
        for k, y in enumerate(FINANCIAL_YEARS):
            cells, year_cell = yearly[y]
            cells = list(cells)
            for qi, col in enumerate(("Q1", "Q2", "Q3", "Q4")):
                if (y, n + 1, col) in _GAPS:
                    cells[qi] = _GAPS[(y, n + 1, col)]
            if (y, n + 1, "year") in _GAPS:
                year_cell = _GAPS[(y, n + 1, "year")]
            elif any(c in ("TBC", "Awaiting data") for c in cells):
                year_cell = "TBC"
            out[y].append(
                [
                    ind.priority,
                    ind.name,
                    ind.targets[k],
                    baseline_cell,
                    *cells,
                    year_cell,
                    _COMMENTS.get((y, n + 1), ""),
                ]
            )
    return out


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _road(out: Path, rng: np.random.Generator) -> dict:
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
    _write_csv(out / "road" / "collisions.csv", list(COLLISION_COLUMNS), coll_rows)
    _write_csv(out / "road" / "casualties.csv", list(CASUALTY_COLUMNS), cas_rows)
    return truth


def _fire(out: Path, rng: np.random.Generator) -> None:
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
    _write_csv(out / "fire" / "activity.csv", ["Activity", *[_fy(y) for y in years]], rows)


_README = """# Partner data for Sampleton (synthetic)

**Everything in this folder, and in `../road/` and `../fire/`, is synthetic.** It was generated by
`python -m analysis.sample_partners` (seed {seed}) so that the pipeline's partner sections run
without real data. The indicators, targets, figures, comments, collisions, casualties and
fire-service activity are invented; they describe no real place, person or organisation, and
the codes ({area}, {neighbour}) are in a fictional range that matches no ONS code.

The files copy the *shapes* of real returns, including their untidiness, so the readers are
exercised: free-text targets (some not machine-readable), values such as "21% (7 of 33 young
people)", "84% (57 clients)", "1,234", "n/a", "TBC", a target that changes between years, and
the Department for Transport's road safety open data column names.

- `performance_2022-23.csv`, `performance_2023-24.csv`, `performance_2024-25.csv`: partner
  performance returns (Priority, Indicator, Target, Baseline '21/22, Q1-Q4, the year, Comment).
- `../road/collisions.csv`, `../road/casualties.csv`: DfT-format collision and casualty records,
  {road_first}-{road_last}, for {area} and a neighbouring authority {neighbour}.
- `../fire/activity.csv`: fire and rescue service activity by financial year.
"""


def generate_partner_sample(out_dir: Path, *, seed: int = 20240401) -> dict:
    """Write the sample area's partner files under ``out_dir``; return what was written.

    Deterministic: the same ``seed`` gives byte-identical files. The returned dict lists the
    files (relative to ``out_dir``) and, for tests, the true yearly road casualty counts of
    the area (``road_truth``: year -> fatal/serious/slight).
    """
    out = Path(out_dir)
    (out / "partners").mkdir(parents=True, exist_ok=True)
    root = np.random.SeedSequence(seed)
    perf_seq, road_seq, fire_seq = root.spawn(3)
    rows = _performance_rows(np.random.default_rng(perf_seq))
    files = []
    for y in FINANCIAL_YEARS:
        name = f"partners/performance_{y}-{(y + 1) % 100:02d}.csv"
        header = [
            "Priority",
            "Indicator",
            "Target",
            f"Baseline '{BASELINE_FY % 100:02d}/{(BASELINE_FY + 1) % 100:02d}",
            "Q1",
            "Q2",
            "Q3",
            "Q4",
            _fy(y),
            "Comment",
        ]
        _write_csv(out / name, header, rows[y])
        files.append(name)
    truth = _road(out, np.random.default_rng(road_seq))
    files += ["road/collisions.csv", "road/casualties.csv"]
    _fire(out, np.random.default_rng(fire_seq))
    files.append("fire/activity.csv")
    (out / "partners" / "README.md").write_text(
        _README.format(
            seed=seed,
            area=AREA_CODE,
            neighbour=NEIGHBOUR_CODE,
            road_first=ROAD_YEARS[0],
            road_last=ROAD_YEARS[1],
        ),
        encoding="utf-8",
    )
    files.append("partners/README.md")
    return {"files": files, "seed": seed, "area_code": AREA_CODE, "road_truth": truth}


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.sample_partners OUT_DIR [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.sample_partners", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=20240401)
    args = parser.parse_args(argv)
    result = generate_partner_sample(args.out_dir, seed=args.seed)
    print(f"wrote {len(result['files'])} files under {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
