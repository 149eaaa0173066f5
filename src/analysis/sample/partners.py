"""Fictional partner performance returns for the sample area, and the partner files' entry point.

Why this exists: the default run must show the partner sections (performance with RAG, road
safety, fire) on a fresh clone with no downloaded data. So this writes, deterministically
from ``seed``, files in the *same shapes as the real ones* and with the same untidiness the
readers must cope with (targets in prose, some not machine-readable, "n/a" and "TBC" cells,
"21% (7 of 33 young people)", thousands separators, a target that changes between years):

* ``partners/performance_2022-23.csv`` .. ``performance_2024-25.csv``: the seed action-plan
  shape (Priority, Indicator, Target, Baseline '21/22, Q1..Q4, the year, Comment);
* ``road/collisions.csv``, ``road/casualties.csv`` and ``fire/activity.csv``, written by
  :mod:`analysis.sample.road_fire`;
* ``partners/README.md``: says all of it is synthetic.

Every number is made up; codes are in the fictional ``E069`` range used by
:mod:`analysis.sample.geography`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.sample.formats import fy_label, write_csv
from analysis.sample.road_fire import (
    AREA_CODE,
    NEIGHBOUR_CODE,
    ROAD_YEARS,
    write_fire,
    write_road,
)

FINANCIAL_YEARS: tuple[int, ...] = (2022, 2023, 2024)
BASELINE_FY = 2021


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


_README = """# Partner data for Sampleton (synthetic)

**Everything in this folder, and in `../road/` and `../fire/`, is synthetic.** It was generated by
`python -m analysis.sample` (seed {seed}) so that the pipeline's partner sections run
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
            fy_label(y),
            "Comment",
        ]
        write_csv(out / name, header, rows[y])
        files.append(name)
    truth = write_road(out, np.random.default_rng(road_seq))
    files += ["road/collisions.csv", "road/casualties.csv"]
    write_fire(out, np.random.default_rng(fire_seq))
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
