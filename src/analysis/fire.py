"""The fire and rescue service's activity return: tidy table, change table and trend chart.

Why this module exists
----------------------
The fire service sends a small wide table, activities down the side and years across
(``medway_kfrs_activity.csv``: home safety visits, smoke alarms fitted, road traffic
collisions and accidental dwelling fires attended, school visits, pupils seen), with values
like "1,612". The assessment shows its trend and the change on the previous year. The
reader refuses what would silently distort that (a repeated activity or year, a percentage
where a count belongs) with a message naming the file, row and column.

Whether a change is good: incidents attended (RTCs, ADFs, fires) are better lower; outputs
(visits, alarms fitted, pupils seen) measure activity, so their change is reported as
"neutral (activity)" rather than claimed as good or bad.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import targets as tg
from analysis.partner_returns import (
    VALUE_OK,
    input_error,
    parse_period_heading,
    parse_value,
    read_grid,
)
from analysis.rag import arrow, format_change, judge_change

FIRE_COLUMNS: tuple[str, ...] = (
    "activity",
    "year",
    "year_start",
    "value",
    "value_text",
    "value_status",
    "source_file",
    "source_row",
    "source_column",
)

_ACTIVITY_HEADINGS = re.compile(r"^(?:activity|activities|measure|indicator|type)$", re.I)
_INCIDENT = re.compile(
    r"\b(?:rtcs?|adfs?|fires?|incidents?|collisions?|casualt\w*|deaths?|injur\w*|false\s+alarms?)\b",
    re.I,
)


def activity_polarity(activity: str) -> str | None:
    """lower_is_better for incidents attended; None (neutral) for prevention outputs."""
    return tg.LOWER_IS_BETTER if _INCIDENT.search(activity) else None


def read_fire_return(path: str | Path) -> pd.DataFrame:
    """The wide return to tidy rows (:data:`FIRE_COLUMNS`), years in column order."""
    grid = read_grid(path)
    rows = [(n, cells) for n, cells in grid.rows if any(cells)]
    if not rows:
        raise input_error(grid.path, "the file is empty")
    header_row, header = rows[0]
    if not header or not _ACTIVITY_HEADINGS.match(tg.normalise_text(header[0])):
        raise input_error(
            grid.path,
            "the first column must be 'Activity'",
            row=header_row,
            column=header[0] if header else None,
        )
    years = {}
    for i, h in enumerate(header[1:], start=1):
        if not h:
            continue
        p = parse_period_heading(h)
        if p is None or p.kind not in ("financial_year", "calendar_year"):
            raise input_error(
                grid.path, "expected a year heading like '2012/13'", row=header_row, column=h
            )
        if p.label in {y.label for y in years.values()}:
            raise input_error(grid.path, f"year {p.label} appears twice", row=header_row, column=h)
        years[i] = p
    if not years:
        raise input_error(grid.path, "no year columns", row=header_row)
    records = []
    seen: dict[str, int] = {}
    for row_no, cells in rows[1:]:
        activity = tg.normalise_text(cells[0] if cells else "")
        if not activity:
            raise input_error(
                grid.path, "row has figures but no activity name", row=row_no, column=header[0]
            )
        key = activity.lower()
        if key in seen:
            raise input_error(
                grid.path,
                f"activity '{activity}' appears twice (rows {seen[key]} and {row_no})",
                row=row_no,
                column=header[0],
            )
        seen[key] = row_no
        for i, p in years.items():
            pv = parse_value(cells[i] if i < len(cells) else "")
            if pv.percent_sign:
                raise input_error(
                    grid.path,
                    f"'{pv.text}' is a percentage; the return holds counts",
                    row=row_no,
                    column=header[i],
                )
            if pv.value is not None and pv.value < 0:
                raise input_error(
                    grid.path, f"'{pv.text}' is negative", row=row_no, column=header[i]
                )
            records.append(
                {
                    "activity": activity,
                    "year": p.label,
                    "year_start": p.fy if p.kind == "financial_year" else int(p.label),
                    "value": pv.value,
                    "value_text": pv.text,
                    "value_status": pv.status,
                    "source_file": grid.path.name,
                    "source_row": row_no,
                    "source_column": header[i],
                }
            )
    df = pd.DataFrame.from_records(records, columns=list(FIRE_COLUMNS))
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    df["year_start"] = df["year_start"].astype("int64")
    df["source_row"] = df["source_row"].astype("int64")
    return df


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
                is_ = "neutral (activity)"
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


def fire_trend_chart(
    tidy: pd.DataFrame, *, area_name: str = "", service: str = "Fire and rescue service"
):
    """One small bar chart per activity (their scales differ by a hundredfold).

    Sets ``fig.alt_text`` to a sentence with every activity's yearly numbers.
    """
    import matplotlib.pyplot as plt

    activities = list(dict.fromkeys(tidy["activity"]))
    years = tidy.drop_duplicates("year").sort_values("year_start")["year"].tolist()
    n = len(activities)
    cols = 3 if n > 4 else max(n, 1)
    nrows = int(np.ceil(n / cols)) if n else 1
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols, 2.6 * nrows), squeeze=False)
    parts = []
    for k, activity in enumerate(activities):
        ax = axes[k // cols][k % cols]
        part = tidy[tidy["activity"] == activity].set_index("year").reindex(years)
        vals = part["value"].to_numpy(dtype=float)
        ax.bar(range(len(years)), np.nan_to_num(vals), color="#1d70b8")
        ax.set_xticks(range(len(years)), years, rotation=45, ha="right", fontsize=7)
        ax.set_title(activity, fontsize=9)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.tick_params(axis="y", labelsize=7)
        parts.append(
            f"{activity}: "
            + ", ".join(
                f"{y} {v:,.0f}" if not np.isnan(v) else f"{y} no figure"
                for y, v in zip(years, vals, strict=True)
            )
        )
    for k in range(n, nrows * cols):
        axes[k // cols][k % cols].set_visible(False)
    title = f"{service} activity{' in ' + area_name if area_name else ''}, by year"
    fig.suptitle(title)
    fig.alt_text = f"Bar charts: {title}. " + "; ".join(parts) + "."
    fig.tight_layout()
    return fig


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


def validate_fire(df: pd.DataFrame) -> list:
    """Run the ``fire_activity`` GX suite over the tidy table."""
    from analysis.validation import validate

    return validate(df, "fire_activity", {})
