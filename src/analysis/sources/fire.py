"""The fire and rescue service's activity return (activities down, years across) to tidy rows.

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
"activity (not better or worse)" rather than claimed as good or bad.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.errors import input_error
from analysis.sources import targets as tg
from analysis.sources.return_layout import read_grid
from analysis.sources.return_values import parse_period_heading, parse_value

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
