"""The partner sections' figures and tables for one assessment period.

Why this module exists
----------------------
The ingest step reads each partner return once (:mod:`analysis.sources.partners`);
:func:`add_measures` adds what the assessment judges them by (change and RAG for
performance, the target trajectory for road safety), and :func:`partner_figures` turns the
tables into JSON-ready headline numbers for one period's ``figures.json``.

A section whose source is not configured, not present, or has nothing for the period is
``None`` with a sentence in ``notes`` saying so; that is a normal state (not every CSP gets
every return every year), not an error.

Which figure represents the period
----------------------------------
* Performance: for each indicator, among its figures whose months lie inside the period,
  the one with a value, covering the most months, latest: the year's figure if given,
  else the latest quarter. Baselines and superseded rows are never chosen.
* Road safety (calendar years) and fire (financial years): the latest year of the data
  that ends inside the period; e.g. the financial year 2024/25 reports road casualties for
  2024, and the calendar year 2024 reports fire activity for 2023/24.

The ``partners:`` configuration is described in :mod:`analysis.sources.partners`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.measures import road_safety as road_mod
from analysis.measures.fire import fire_summary
from analysis.measures.rag import (
    AMBER,
    DEFAULT_TOLERANCE,
    GREEN,
    NA,
    RED,
    TOLERANCE_RULE,
    add_change_and_rag,  # fmt: skip
)
from analysis.sources.indicator_register import DEFAULT_REGISTER, load_register
from analysis.sources.partner_returns import read_returns
from analysis.sources.partners import PartnerTables, check_settings


def build_table(
    paths: Iterable[str | Path],
    *,
    register: str | Path | None = DEFAULT_REGISTER,
    area: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> pd.DataFrame:
    """Read returns (in the order given), apply the register, add change and RAG.

    For checking returns by hand (``python -m analysis.performance``); a run reads the
    configured returns through :mod:`analysis.sources.partners` and :func:`add_measures`.
    ``register=None`` reads the returns exactly as written. Raises
    :class:`~analysis.errors.InputDataError` for a return that cannot be trusted.
    """
    if tolerance < 0:
        raise ValueError("tolerance must be zero or more")
    entries = load_register(register, area=area)
    return add_change_and_rag(read_returns(list(paths), register=entries), tolerance=tolerance)


def add_measures(tables: PartnerTables, settings: Mapping | None) -> PartnerTables:
    """Change and RAG on the performance table; the target trajectory on road safety's."""
    settings = check_settings(settings)
    perf, road = tables.performance, tables.road_safety
    if perf is not None:
        tol = float(settings.get("rag_tolerance", DEFAULT_TOLERANCE))
        perf = add_change_and_rag(perf, tolerance=tol)
    spec = settings.get("road_safety") or {}
    if road is not None and spec.get("baseline") and spec.get("target"):
        baseline = road_mod.baseline_average(road, spec["baseline"])
        road = road_mod.with_trajectory(
            road, baseline, spec["target"], start_year=spec.get("trajectory_from")
        )
    return PartnerTables(performance=perf, road_safety=road, fire=tables.fire)


def period_rows(df: pd.DataFrame, period_start: str, period_end: str) -> pd.DataFrame:
    """One row per indicator representing the period (see the module docstring)."""
    if df is None or df.empty:
        return df
    ps, pe = _month(period_start), _month(period_end)
    start = df["period_start"].map(_month_or_nan)
    end = df["period_end"].map(_month_or_nan)
    inside = (
        start.notna()
        & (start >= ps)
        & (end <= pe)
        & (df["period_type"] != "baseline")
        & ~df["superseded"].astype(bool)
    )
    cand = df[inside].copy()
    if cand.empty:
        return cand.reset_index(drop=True)
    cand["_has"] = cand["value"].notna().astype(int)
    cand["_span"] = end[inside] - start[inside]
    cand["_end"] = end[inside]
    cand = cand.sort_values(["_has", "_span", "_end"], ascending=False, kind="stable")
    chosen = cand.drop_duplicates("indicator_key", keep="first")
    order = {k: i for i, k in enumerate(dict.fromkeys(df["indicator_key"]))}
    chosen = chosen.sort_values("indicator_key", key=lambda s: s.map(order), kind="stable")
    return chosen.drop(columns=["_has", "_span", "_end"]).reset_index(drop=True)


def _month(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def _month_or_nan(text: object) -> float:
    return float(_month(text)) if isinstance(text, str) and len(text) >= 7 else np.nan


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if math.isnan(float(x)) else float(x)
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if x is pd.NA or x is pd.NaT:
        return None
    return x


def _performance_figures(
    df: pd.DataFrame | None,
    settings: Mapping,
    period_start: str,
    period_end: str,
    period_label: str,
) -> tuple[dict | None, str | None]:
    patterns = settings.get("performance")
    if not patterns:
        return None, "This assessment has no partners' performance returns for the area."
    if df is None:
        shown = patterns if isinstance(patterns, str) else ", ".join(patterns)
        return None, f"No partner performance return was found ({shown})."
    rows = period_rows(df, period_start, period_end)
    if rows is None or rows.empty:
        covered = df[df["period_type"] != "baseline"].sort_values("period_order")["period"]
        span = f"{covered.iloc[0]} to {covered.iloc[-1]}" if len(covered) else "no periods"
        return (
            None,
            f"No partner performance figures cover {period_label} (the returns cover {span}).",
        )
    tol = float(settings.get("rag_tolerance", DEFAULT_TOLERANCE))
    counts = rows["rag"].value_counts()
    indicators = []
    for r in rows.itertuples():
        indicators.append(
            {
                "priority": r.priority,
                "indicator": r.indicator,
                "period": r.period,
                "value": r.value,
                "value_text": r.value_text,
                "unit": r.unit,
                "target_text": r.target_text,
                "target_kind": r.target_kind,
                "target_level": r.target_level,
                "change_text": r.change_text,
                "change_is": r.change_is,
                "baseline_period": r.baseline_period,
                "change_vs_baseline_text": r.change_vs_baseline_text,
                "polarity": r.polarity,
                "target_note": r.target_note,
                "rag": r.rag,
                "rag_reason": r.rag_reason,
                "value_check": r.value_check,
                "source": f"{r.source_file}:{r.source_row}",
            }
        )
    by_priority = []
    for prio, part in rows.groupby(rows["priority"].fillna(""), sort=False):
        c = part["rag"].value_counts()
        by_priority.append(
            {
                "priority": prio or None,
                "green": int(c.get(GREEN, 0)),
                "amber": int(c.get(AMBER, 0)),
                "red": int(c.get(RED, 0)),
                "n_a": int(c.get(NA, 0)),
            }
        )
    out = {
        "source_files": sorted(set(df["source_file"])),
        "n_indicators": len(rows),
        "rag_counts": {
            "green": int(counts.get(GREEN, 0)),
            "amber": int(counts.get(AMBER, 0)),
            "red": int(counts.get(RED, 0)),
            "n_a": int(counts.get(NA, 0)),
        },
        "by_priority": by_priority,
        "red": [
            {
                k: i[k]
                for k in (
                    "priority",
                    "indicator",
                    "period",
                    "value_text",
                    "target_text",
                    "rag_reason",
                )
            }
            for i in indicators
            if i["rag"] == RED
        ],
        "not_machine_readable": [
            {"indicator": i["indicator"], "target_text": i["target_text"]}
            for i in indicators
            if i["target_kind"] == "not machine-readable"
        ],
        "value_checks": [
            {
                "indicator": i["indicator"],
                "period": i["period"],
                "check": i["value_check"],
                "source": i["source"],
            }
            for i in indicators
            if isinstance(i["value_check"], str)
        ],
        "indicators": indicators,
        "tolerance": tol,
        "tolerance_rule": TOLERANCE_RULE.format(tol=tol) + ".",
        "basis": "for each indicator, its figure covering most of the period with a value (the year's, else the latest quarter)",
    }
    return out, None


def _road_figures(
    table: pd.DataFrame | None,
    settings: Mapping,
    period_start: str,
    period_end: str,
    period_label: str,
) -> tuple[dict | None, str | None]:
    road = settings.get("road_safety")
    if not road:
        return None, "This assessment has no road casualty data for the area."
    if table is None:
        files = road.get("return") or f"{road.get('collisions')}, {road.get('casualties')}"
        return None, f"No road safety data was found ({files})."
    ps, pe = _month(period_start), _month(period_end)
    years = [int(y) for y in table["year"] if ps <= int(y) * 12 + 11 <= pe]
    if not years:
        return None, (
            f"No road casualty year ends within {period_label} (the data covers "
            f"{int(table['year'].min())}-{int(table['year'].max())})."
        )
    year = max(years)
    summary = road_mod.road_summary(
        table,
        year,
        baseline_years=road.get("baseline"),
        target=road.get("target"),
        start_year=road.get("trajectory_from"),
    )
    summary["trend"] = [
        {
            k: r[k]
            for k in r.index
            if k
            in ("year", "ksi", "slight", "fatal", "serious", "ksi_trajectory", "slight_trajectory")
        }
        for _, r in table.iterrows()
    ]
    summary["basis"] = (
        f"calendar year {year}: the latest year of the data ending within {period_label}"
    )
    return summary, None


def _fire_figures(
    tidy: pd.DataFrame | None,
    settings: Mapping,
    period_start: str,
    period_end: str,
    period_label: str,
) -> tuple[dict | None, str | None]:
    if not settings.get("fire"):
        return None, "This assessment has no fire and rescue service return for the area."
    if tidy is None:
        return None, f"No fire and rescue service return was found ({settings['fire']})."
    ps, pe = _month(period_start), _month(period_end)
    years = tidy.drop_duplicates("year").sort_values("year_start")
    ends = years["year_start"] * 12 + np.where(years["year"].str.contains("/"), 14, 11)
    inside = years[(ends >= ps) & (ends <= pe)]
    if inside.empty:
        return None, (
            f"No year of the fire return ends within {period_label} (it covers "
            f"{years['year'].iloc[0]} to {years['year'].iloc[-1]})."
        )
    year = inside["year"].iloc[-1]
    summary = fire_summary(tidy, year)
    summary["trend"] = [
        {"activity": r.activity, "year": r.year, "value": r.value} for r in tidy.itertuples()
    ]
    summary["basis"] = f"{year}: the latest year of the return ending within {period_label}"
    return summary, None


def partner_figures(
    tables: PartnerTables,
    settings: Mapping | None,
    period_start: str,
    period_end: str,
    period_label: str,
) -> dict:
    """Headline numbers of the partner sections for one period, JSON-serialisable.

    ``tables`` are the area's partner tables after :func:`add_measures`. Returns
    ``{"performance": {...} | None, "road_safety": {...} | None, "fire": {...} | None,
    "notes": {section: sentence}}``; a section is None (with its note) when it is not
    configured, its files are absent, or nothing in them falls in the period.
    ``period_start``/``period_end`` are ``YYYY-MM``.
    """
    settings = check_settings(settings)
    out: dict[str, Any] = {"performance": None, "road_safety": None, "fire": None, "notes": {}}
    args = (settings, period_start, period_end, period_label)
    for key, fn, table in (
        ("performance", _performance_figures, tables.performance),
        ("road_safety", _road_figures, tables.road_safety),
        ("fire", _fire_figures, tables.fire),
    ):
        figures, note = fn(table, *args)
        out[key] = figures
        if note:
            out["notes"][key] = note
    return _jsonable(out)
