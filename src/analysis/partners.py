"""The partner sections' figures and tables for one assessment period.

Why this module exists
----------------------
The runner needs one call per period that turns the area's optional ``partners:``
configuration into JSON-ready headline numbers for ``figures.json``
(:func:`partner_figures`), and the notebooks need the tidy tables behind them
(:func:`performance_frame`, :func:`road_frame`, :func:`fire_frame`) and a way to show RAG
as a coloured cell *with its word* (:func:`rag_styler`), since colour alone fails readers
who cannot tell red from green.

A section whose source is not configured, not present, or has nothing for the period is
``None`` with a sentence in ``notes`` saying so; that is a normal state (not every CSP gets
every return every year), not an error. A source that *is* there but malformed raises
:class:`~analysis.errors.InputDataError` naming the file, row and column.

Which figure represents the period
----------------------------------
* Performance: for each indicator, among its figures whose months lie inside the period,
  the one with a value, covering the most months, latest: the year's figure if given,
  else the latest quarter. Baselines and superseded rows are never chosen.
* Road safety (calendar years) and fire (financial years): the latest year of the data
  that ends inside the period; e.g. the financial year 2024/25 reports road casualties for
  2024, and the calendar year 2024 reports fire activity for 2023/24.

Configuration (``config/<area>.yaml``)::

    partners:
      performance: [partners/performance_*.csv]   # globs, relative to the data folder
      register: config/indicators.csv             # optional; relative to the repository
      rag_tolerance: 5                            # amber band (see analysis.rag)
      road_safety:
        collisions: road/collisions.csv           # DfT collision + casualty files ...
        casualties: road/casualties.csv
        # return: road/ksi_by_year.csv            # ... or an aggregated return (year, ksi, slight)
        baseline: [2005, 2009]
        target: {year: 2020, ksi: 48}             # or ksi_reduction_pct: 40; slight / slight_reduction_pct
        # trajectory_from: 2009                   # default: last baseline year
        # adjusted: false                         # DfT severity-adjusted KSI
        # local_authority_codes: [E06000035]      # default: the area's codes
      fire: fire/activity.csv
"""

from __future__ import annotations

import glob
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import fire as fire_mod
from analysis import road_safety as road_mod
from analysis.config import REPO_ROOT, ConfigError
from analysis.partner_returns import DEFAULT_REGISTER
from analysis.performance import build_table
from analysis.rag import AMBER, DEFAULT_TOLERANCE, GREEN, NA, RED, TOLERANCE_RULE

SETTINGS_KEYS = ("performance", "register", "rag_tolerance", "road_safety", "fire")
ROAD_KEYS = (
    "collisions",
    "casualties",
    "return",
    "baseline",
    "target",
    "trajectory_from",
    "adjusted",
    "local_authority_codes",
)

#: Cell colours for RAG (GOV.UK palette); text colour chosen for contrast.
RAG_COLOURS: dict[str, tuple[str, str]] = {
    GREEN: ("#00703c", "#ffffff"),
    AMBER: ("#ffdd00", "#0b0c0c"),
    RED: ("#d4351c", "#ffffff"),
    NA: ("#f3f2f1", "#0b0c0c"),
}


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


def check_settings(settings: Mapping | None) -> dict:
    """The ``partners:`` mapping, checked; ``None``/empty gives ``{}`` (nothing configured)."""
    if not settings:
        return {}
    if not isinstance(settings, Mapping):
        raise ConfigError("partners: expected a mapping (performance, road_safety, fire ...)")
    unknown = sorted(set(settings) - set(SETTINGS_KEYS))
    if unknown:
        raise ConfigError(
            f"partners: unknown key(s) {', '.join(unknown)}; expected {', '.join(SETTINGS_KEYS)}"
        )
    tol = settings.get("rag_tolerance", DEFAULT_TOLERANCE)
    if not isinstance(tol, (int, float)) or isinstance(tol, bool) or tol < 0:
        raise ConfigError(f"partners.rag_tolerance: expected a number of 0 or more, got {tol!r}")
    road = settings.get("road_safety")
    if road is not None:
        if not isinstance(road, Mapping):
            raise ConfigError("partners.road_safety: expected a mapping")
        bad = sorted(set(road) - set(ROAD_KEYS))
        if bad:
            raise ConfigError(f"partners.road_safety: unknown key(s) {', '.join(bad)}")
        has_files = "collisions" in road or "casualties" in road
        if has_files == ("return" in road) or (
            has_files and not ("collisions" in road and "casualties" in road)
        ):
            raise ConfigError(
                "partners.road_safety: give either 'collisions' and 'casualties' (DfT open data) "
                "or 'return' (an aggregated year, ksi, slight CSV)"
            )
        baseline = road.get("baseline")
        if baseline is not None and (
            not isinstance(baseline, Sequence)
            or len(baseline) != 2
            or not all(isinstance(y, int) for y in baseline)
        ):
            raise ConfigError("partners.road_safety.baseline: expected [first year, last year]")
        target = road.get("target")
        if target is not None:
            if not isinstance(target, Mapping) or "year" not in target:
                raise ConfigError(
                    "partners.road_safety.target: expected {year: YYYY, ksi: N} (or ksi_reduction_pct)"
                )
            if baseline is None:
                raise ConfigError("partners.road_safety.target needs a baseline")
    perf = settings.get("performance")
    if perf is not None and not isinstance(perf, (str, list)):
        raise ConfigError("partners.performance: expected a glob or a list of globs")
    return dict(settings)


def _files(data_dir: Path, patterns: str | Sequence[str]) -> list[Path]:
    """Files matching the globs (relative to ``data_dir``), each once, sorted by name."""
    if isinstance(patterns, str):
        patterns = [patterns]
    found: dict[str, Path] = {}
    for pattern in patterns:
        for name in glob.glob(str(Path(data_dir) / pattern)):
            p = Path(name)
            if p.is_file():
                found[str(p.resolve())] = p
    return sorted(found.values(), key=lambda p: p.name)


def _register_path(settings: Mapping) -> Path | None:
    reg = settings.get("register", DEFAULT_REGISTER)
    if reg is None or (isinstance(reg, str) and reg.lower() == "none"):
        return None
    path = Path(reg)
    return path if path.is_absolute() else REPO_ROOT / path


# --------------------------------------------------------------------------------------
# Tables for notebooks
# --------------------------------------------------------------------------------------


def performance_frame(
    settings: Mapping | None, data_dir: Path, *, area: str | None = None
) -> pd.DataFrame | None:
    """The tidy performance table with change and RAG for all configured returns, or None."""
    settings = check_settings(settings)
    if not settings.get("performance"):
        return None
    files = _files(data_dir, settings["performance"])
    if not files:
        return None
    return build_table(
        files,
        register=_register_path(settings),
        area=area,
        tolerance=float(settings.get("rag_tolerance", DEFAULT_TOLERANCE)),
    )


def road_frame(
    settings: Mapping | None, data_dir: Path, *, la_codes: Sequence[str] | None = None
) -> pd.DataFrame | None:
    """Casualties by year (with trajectory columns when a target is set), or None."""
    settings = check_settings(settings)
    road = settings.get("road_safety")
    if not road:
        return None
    data_dir = Path(data_dir)
    if "return" in road:
        path = data_dir / road["return"]
        if not path.exists():
            return None
        table = road_mod.read_road_return(path)
    else:
        coll, cas = data_dir / road["collisions"], data_dir / road["casualties"]
        if not coll.exists() or not cas.exists():
            return None
        codes = road.get("local_authority_codes") or la_codes
        if not codes:
            raise ConfigError(
                "partners.road_safety: no local authority codes (set local_authority_codes, or "
                "pass the area's codes)"
            )
        table = road_mod.read_stats19(coll, cas, codes, adjusted=bool(road.get("adjusted", False)))
    if road.get("baseline") and road.get("target"):
        baseline = road_mod.baseline_average(table, road["baseline"])
        table = road_mod.with_trajectory(
            table, baseline, road["target"], start_year=road.get("trajectory_from")
        )
    return table


def fire_frame(settings: Mapping | None, data_dir: Path) -> pd.DataFrame | None:
    """The fire return as a tidy table (activity, year, value ...), or None."""
    settings = check_settings(settings)
    if not settings.get("fire"):
        return None
    path = Path(data_dir) / settings["fire"]
    if not path.exists():
        return None
    return fire_mod.read_fire_return(path)


def reviewer_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns a reviewer reads, with plain headings (pair with ``rag_styler(t, "RAG")``).

    ``rows`` is typically :func:`period_rows` of :func:`performance_frame`. The value is
    shown as the partner wrote it; the reason for the status is in words.
    """
    value = rows["value_text"].where(
        rows["value_status"] == "ok", "no figure (" + rows["value_text"].fillna("") + ")"
    )
    return pd.DataFrame(
        {
            "Priority": rows["priority"].fillna(""),
            "Indicator": rows["indicator"],
            "Period": rows["period"],
            "Value": value,
            "Target": rows["target_text"].fillna(""),
            "Change on previous period": rows["change_text"].fillna(""),
            "Change on baseline": rows["change_vs_baseline_text"].fillna(""),
            "RAG": rows["rag"],
            "Why": rows["rag_reason"],
        }
    ).reset_index(drop=True)


def rag_styler(df: pd.DataFrame, column: str = "rag"):
    """A pandas Styler colouring the RAG column; the cell keeps its word (GREEN, AMBER ...).

    Use in notebooks: ``display(rag_styler(table))``. Index hidden; other cells unstyled.
    """

    def colour(value: object) -> str:
        bg, fg = RAG_COLOURS.get(str(value).upper(), ("", ""))
        return (
            f"background-color: {bg}; color: {fg}; font-weight: bold; text-align: center"
            if bg
            else ""
        )

    styler = df.style.hide(axis="index")
    if column in df.columns:
        styler = styler.map(colour, subset=[column])
    return styler


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


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def _performance_figures(
    settings: Mapping,
    data_dir: Path,
    period_start: str,
    period_end: str,
    period_label: str,
    area: str | None,
) -> tuple[dict | None, str | None]:
    patterns = settings.get("performance")
    if not patterns:
        return None, "No partner performance returns are configured for this area."
    df = performance_frame(settings, data_dir, area=area)
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
    settings: Mapping,
    data_dir: Path,
    period_start: str,
    period_end: str,
    period_label: str,
    la_codes,
) -> tuple[dict | None, str | None]:
    road = settings.get("road_safety")
    if not road:
        return None, "No road safety data is configured for this area."
    table = road_frame(settings, data_dir, la_codes=la_codes)
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
    settings: Mapping, data_dir: Path, period_start: str, period_end: str, period_label: str
) -> tuple[dict | None, str | None]:
    if not settings.get("fire"):
        return None, "No fire and rescue service return is configured for this area."
    tidy = fire_frame(settings, data_dir)
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
    summary = fire_mod.fire_summary(tidy, year)
    summary["trend"] = [
        {"activity": r.activity, "year": r.year, "value": r.value} for r in tidy.itertuples()
    ]
    summary["basis"] = f"{year}: the latest year of the return ending within {period_label}"
    return summary, None


def partner_figures(
    settings: Mapping | None,
    data_dir: Path,
    period_start: str,
    period_end: str,
    period_label: str,
    *,
    area: str | None = None,
    la_codes: Sequence[str] | None = None,
) -> dict:
    """Headline numbers of the partner sections for one period, JSON-serialisable.

    Returns ``{"performance": {...} | None, "road_safety": {...} | None, "fire": {...} | None,
    "notes": {section: sentence}}``; a section is None (with its note) when it is not
    configured, its files are absent, or nothing in them falls in the period.
    ``period_start``/``period_end`` are ``YYYY-MM``; ``area`` selects the register's
    area-specific entries; ``la_codes`` are the area's local authority codes (for the DfT
    road safety files; the ``road_safety.local_authority_codes`` setting wins).
    """
    settings = check_settings(settings)
    data_dir = Path(data_dir)
    out: dict[str, Any] = {"performance": None, "road_safety": None, "fire": None, "notes": {}}
    for key, fn in (
        (
            "performance",
            lambda: _performance_figures(
                settings, data_dir, period_start, period_end, period_label, area
            ),
        ),
        (
            "road_safety",
            lambda: _road_figures(
                settings, data_dir, period_start, period_end, period_label, la_codes
            ),
        ),
        ("fire", lambda: _fire_figures(settings, data_dir, period_start, period_end, period_label)),
    ):
        figures, note = fn()
        out[key] = figures
        if note:
            out["notes"][key] = note
    return _jsonable(out)


def partner_checks(
    settings: Mapping | None,
    data_dir: Path,
    *,
    area: str | None = None,
    la_codes: Sequence[str] | None = None,
) -> list:
    """Great Expectations results for every configured partner table that is present."""
    from analysis.partner_returns import validate_performance

    results: list = []
    perf = performance_frame(settings, data_dir, area=area)
    if perf is not None:
        results += validate_performance(perf)
    road = road_frame(settings, data_dir, la_codes=la_codes)
    if road is not None:
        results += road_mod.validate_road(road)
    fire = fire_frame(settings, data_dir)
    if fire is not None:
        results += fire_mod.validate_fire(fire)
    return results
