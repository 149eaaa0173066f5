"""The fire and rescue service's activity: the change on the previous year, per activity.

Why this module exists
----------------------
The return is read by :mod:`analysis.sources.fire`. Whether a change is good: incidents
attended (RTCs, ADFs, fires) are better lower; outputs (visits, alarms fitted, pupils seen)
measure activity, so their change is reported as "activity (not better or worse)" rather than claimed as
good or bad (:func:`~analysis.sources.fire.activity_polarity`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.measures.rag import arrow, format_change, judge_change
from analysis.sources.fire import activity_polarity
from analysis.sources.return_values import VALUE_OK


def fire_change_table(tidy: pd.DataFrame, year: str | None = None) -> pd.DataFrame:
    """Latest (or given) year against the year before, per activity, with arrows."""
    years = tidy.drop_duplicates("year").sort_values("year_start")["year"].tolist()
    if not years:
        return pd.DataFrame()
    year = year or years[-1]
    if year not in years:
        raise ValueError(f"no year {year} in the fire return (years: {', '.join(years)})")
    i = years.index(year)
    previous = years[i - 1] if i > 0 else None
    wide = tidy.pivot(index="activity", columns="year", values="value")
    order = list(dict.fromkeys(tidy["activity"]))
    out = []
    for activity in order:
        latest = wide.loc[activity, year]
        prev = wide.loc[activity, previous] if previous else np.nan
        polarity = activity_polarity(activity)
        if previous and not np.isnan(latest) and not np.isnan(prev):
            diff = latest - prev
            pct = None if prev == 0 else diff / prev * 100.0
            is_ = judge_change(pct, polarity, diff)
            if is_ == "neutral (polarity unknown)":
                is_ = "activity (not better or worse)"
            row = {
                "change": diff,
                "change_pct": pct,
                "arrow": arrow(pct, diff),
                "change_text": format_change(pct, "%", diff),
                "change_is": is_,
            }
        else:
            row = {
                "change": np.nan,
                "change_pct": np.nan,
                "arrow": None,
                "change_text": None,
                "change_is": None,
            }
        out.append(
            {
                "activity": activity,
                "previous_year": previous,
                "year": year,
                "previous": prev,
                "latest": latest,
                **row,
            }
        )
    df = pd.DataFrame(out)
    for c in ("previous", "latest", "change", "change_pct"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df


def fire_summary(tidy: pd.DataFrame, year: str) -> dict:
    """JSON-ready change table for one year (see :func:`fire_change_table`)."""
    table = fire_change_table(tidy, year)
    acts = []
    for r in table.itertuples():
        acts.append(
            {
                "activity": r.activity,
                "latest": None if np.isnan(r.latest) else float(r.latest),
                "previous": None if np.isnan(r.previous) else float(r.previous),
                "change": None if np.isnan(r.change) else float(r.change),
                "change_pct": None
                if r.change_pct is None or np.isnan(r.change_pct)
                else float(r.change_pct),
                "change_text": r.change_text,
                "change_is": r.change_is,
            }
        )
    return {
        "year": year,
        "previous_year": table["previous_year"].iloc[0] if len(table) else None,
        "source_files": sorted(set(tidy["source_file"])),
        "activities": acts,
        "missing_values": int((tidy["value_status"] != VALUE_OK).sum()),
    }
