"""Road casualties against the baseline and target: change, trajectory and "on track".

Why this module exists
----------------------
The reading of STATS19 and aggregated returns is in :mod:`analysis.sources.road_safety`;
this is what the assessment says about the yearly table. Target trajectory: a straight line
from the baseline average, placed at the last baseline year (configurable), to the target in
the target year, held flat after it. "On track" means at or below the line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.errors import InputDataError
from analysis.measures.rag import format_change


def baseline_average(table: pd.DataFrame, years: Sequence[int]) -> dict:
    """Mean KSI and slight over the baseline years (inclusive); all must be in the table."""
    first, last = int(years[0]), int(years[-1])
    if last < first:
        raise InputDataError(
            f"road safety baseline {first}-{last}: the last year is before the first"
        )
    want = set(range(first, last + 1))
    have = set(table["year"].astype(int))
    missing = sorted(want - have)
    if missing:
        raise InputDataError(
            f"road safety baseline {first}-{last}: no data for {', '.join(map(str, missing))} "
            f"(the data covers {min(have) if have else '-'}-{max(have) if have else '-'})"
        )
    part = table[table["year"].between(first, last)]
    return {
        "years": [first, last],
        "ksi": float(part["ksi"].mean()),
        "slight": float(part["slight"].mean()),
    }


def target_value(target: Mapping, measure: str, baseline: Mapping) -> float | None:
    """The target count for ``measure`` (ksi/slight): given, or the baseline less a %."""
    if target.get(measure) is not None:
        return float(target[measure])
    pct = target.get(f"{measure}_reduction_pct")
    if pct is not None:
        return float(baseline[measure]) * (1 - float(pct) / 100.0)
    return None


def trajectory(
    years: Iterable[int], start_year: int, start_value: float, target_year: int, target: float
) -> pd.Series:
    """Straight line from (start_year, start_value) to (target_year, target), flat after.

    NaN before ``start_year``: there is no trajectory before the baseline ends.
    """
    years = list(years)
    out = []
    span = target_year - start_year
    for y in years:
        if y < start_year:
            out.append(np.nan)
        elif y >= target_year or span <= 0:
            out.append(float(target))
        else:
            out.append(start_value + (target - start_value) * (y - start_year) / span)
    return pd.Series(out, index=years, dtype="float64")


def with_trajectory(
    table: pd.DataFrame, baseline: Mapping, target: Mapping, *, start_year: int | None = None
) -> pd.DataFrame:
    """The yearly table plus ``ksi_trajectory`` (and ``slight_trajectory`` when targeted)."""
    out = table.copy()
    start = int(start_year if start_year is not None else baseline["years"][-1])
    for measure in ("ksi", "slight"):
        tv = target_value(target, measure, baseline)
        if tv is None or target.get("year") is None:
            continue
        out[f"{measure}_trajectory"] = trajectory(
            out["year"], start, baseline[measure], int(target["year"]), tv
        ).to_numpy()
    return out


def road_summary(
    table: pd.DataFrame,
    year: int,
    *,
    baseline_years: Sequence[int] | None = None,
    target: Mapping | None = None,
    start_year: int | None = None,
) -> dict:
    """Headline numbers for one year: counts, change, against baseline and trajectory."""
    rows = table.set_index("year")
    if year not in rows.index:
        raise InputDataError(f"road safety: no figures for {year}")
    cur = rows.loc[year]
    out: dict = {
        "year": int(year),
        "source": str(cur["source"]),
        "ksi": _num(cur["ksi"]),
        "slight": _num(cur["slight"]),
        "fatal": _num(cur["fatal"]),
        "serious": _num(cur["serious"]),
        "previous_year": None,
    }
    if year - 1 in rows.index:
        prev = rows.loc[year - 1]
        out["previous_year"] = {
            "year": int(year - 1),
            "ksi": _num(prev["ksi"]),
            "slight": _num(prev["slight"]),
        }
        for m in ("ksi", "slight"):
            ch = None if prev[m] == 0 else (cur[m] - prev[m]) / prev[m] * 100.0
            out[f"{m}_change_pct"] = _num(ch)
            out[f"{m}_change_text"] = format_change(ch, "%", float(cur[m] - prev[m]))
    baseline = None
    if baseline_years:
        baseline = baseline_average(table, baseline_years)
        out["baseline"] = baseline
        for m in ("ksi", "slight"):
            b = baseline[m]
            ch = None if b == 0 else (cur[m] - b) / b * 100.0
            out[f"{m}_vs_baseline_pct"] = _num(ch)
            out[f"{m}_vs_baseline_text"] = format_change(ch, "%", float(cur[m] - b))
    if target and baseline is not None and target.get("year") is not None:
        start = int(start_year if start_year is not None else baseline["years"][-1])
        for m in ("ksi", "slight"):
            tv = target_value(target, m, baseline)
            if tv is None:
                out[f"{m}_target"] = None
                continue
            path = float(trajectory([year], start, baseline[m], int(target["year"]), tv).iloc[0])
            value = float(cur[m])
            if math.isnan(path):
                status, on_track = f"{year} is before the trajectory starts ({start})", None
            else:
                on_track = value <= path + 1e-9
                if year > int(target["year"]):
                    status = (
                        f"target year {int(target['year'])} has passed; {count_text(value)} in {year} is "
                        f"{'at or below' if on_track else 'above'} the target of {count_text(tv)}"
                    )
                else:
                    status = (
                        f"{count_text(value)} is {'at or below' if on_track else 'above'} the trajectory "
                        f"of {count_text(path)} for {year} (target {count_text(tv)} by {int(target['year'])})"
                    )
            out[f"{m}_target"] = {
                "year": int(target["year"]),
                "value": tv,
                "reduction_from_baseline_pct": (1 - tv / baseline[m]) * 100.0
                if baseline[m]
                else None,
                "trajectory_start_year": start,
                "trajectory_value": None if math.isnan(path) else path,
                "on_track": on_track,
                "status": status,
            }
    return out


def _num(x: object) -> float | int | None:
    """JSON-friendly number: None for NaN, int for whole counts."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return int(x) if x.is_integer() else x


def count_text(x: float) -> str:
    """A count as printed: whole numbers with thousands commas, else one decimal."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"
