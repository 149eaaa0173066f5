"""Road casualties for an area by calendar year: killed or seriously injured (KSI) and slight.

Why this module exists
----------------------
CSPs report KSI casualties against a baseline average and a reduction target (the seeds:
"reduce KSI casualties to 48 by 2020, a 40% reduction on the 2005-2009 baseline average").
The source is the Department for Transport's road safety open data (STATS19): a collision
file and a casualty file, joined on the collision index, the area taken from the collision's
local authority code. An area that only receives a summary can instead supply an
*aggregated return* (a CSV of year, KSI and slight counts).

Published column names (DfT ``dft-road-casualty-statistics-*`` CSVs)
-------------------------------------------------------------------
Files published up to 2023 use ``accident_index``, ``accident_year``,
``accident_reference``; later files use ``collision_index``, ``collision_year`` and
``collision_ref_no``/``collision_reference``. Both are accepted (:data:`INDEX_COLUMNS`,
:data:`YEAR_COLUMNS`). The area is ``local_authority_ons_district`` (ONS code, e.g.
E06000035) in the collision file; severity is ``casualty_severity`` in the casualty file,
1 = fatal, 2 = serious, 3 = slight. KSI = fatal + serious.

Design notes
------------
* National files are large (roughly 100k casualties a year; the 1979-to-latest file has
  millions of rows), so both files are read in chunks with only the needed columns, and each
  chunk is filtered with vectorised ``isin`` before anything is kept: the collisions of the
  area first, then only the casualties of those collisions.
* Years the extract covers but with no casualty in the area count as 0; years outside the
  extract are absent (not 0), so a short extract is not mistaken for a fall.
* Since 2016 more police forces record injuries with CRASH, which classifies severity
  differently; DfT publishes severity-*adjusted* figures (``casualty_adjusted_severity_*``
  probabilities). ``adjusted=True`` uses them where present (fatal casualties are never
  adjusted); the default is the recorded severity, which is what the seed targets used.
* Target trajectory: a straight line from the baseline average, placed at the last baseline
  year (configurable), to the target in the target year, held flat after it. "On track"
  means at or below the line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputDataError
from analysis.partner_returns import input_error
from analysis.rag import format_change

INDEX_COLUMNS: tuple[str, ...] = ("collision_index", "accident_index")
YEAR_COLUMNS: tuple[str, ...] = ("collision_year", "accident_year")
LA_COLUMN = "local_authority_ons_district"
SEVERITY_COLUMN = "casualty_severity"
ADJUSTED_SERIOUS = "casualty_adjusted_severity_serious"
ADJUSTED_SLIGHT = "casualty_adjusted_severity_slight"
FATAL, SERIOUS, SLIGHT = 1, 2, 3

#: Columns of the yearly table.
ROAD_COLUMNS: tuple[str, ...] = (
    "year",
    "fatal",
    "serious",
    "ksi",
    "slight",
    "casualties",
    "source",
)

_CHUNK = 500_000


def _header(path: Path) -> list[str]:
    if not path.exists():
        raise input_error(path, "file not found")
    try:
        cols = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise input_error(path, f"not a readable CSV file: {exc}") from None
    return [str(c).strip() for c in cols]


def _pick(path: Path, header: Sequence[str], options: Sequence[str], what: str) -> str:
    for name in options:
        if name in header:
            return name
    raise input_error(
        path,
        f"no {what} column: expected one of {', '.join(options)} (DfT road safety open data); "
        f"the file has {', '.join(header[:12])}{' ...' if len(header) > 12 else ''}",
        row=1,
    )


def read_stats19(
    collisions: str | Path,
    casualties: str | Path,
    la_codes: Iterable[str],
    *,
    years: tuple[int, int] | None = None,
    adjusted: bool = False,
    chunksize: int = _CHUNK,
) -> pd.DataFrame:
    """KSI and slight casualties by year for collisions in ``la_codes`` (see module docstring).

    Returns :data:`ROAD_COLUMNS`, one row per year the collision file covers (restricted to
    ``years`` inclusive when given). Raises :class:`InputDataError` naming the file, row and
    column for a missing column or a severity that is not 1, 2 or 3.
    """
    coll_path, cas_path = Path(collisions), Path(casualties)
    codes = {str(c).strip() for c in la_codes}
    if not codes:
        raise InputDataError("road safety: no local authority codes to select collisions by")
    ch = _header(coll_path)
    c_index = _pick(coll_path, ch, INDEX_COLUMNS, "collision index")
    c_year = _pick(coll_path, ch, YEAR_COLUMNS, "collision year")
    if LA_COLUMN not in ch:
        raise input_error(
            coll_path, "needs the local authority code column", row=1, column=LA_COLUMN
        )

    area_parts, covered = [], set()
    with pd.read_csv(
        coll_path,
        usecols=[c_index, c_year, LA_COLUMN],
        dtype=str,
        chunksize=chunksize,
        encoding="utf-8-sig",
    ) as reader:
        for chunk in reader:
            yr = pd.to_numeric(chunk[c_year], errors="coerce")
            bad = yr.isna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise input_error(
                    coll_path,
                    f"year '{chunk[c_year].iloc[i]}' is not a number",
                    row=int(chunk.index[i]) + 2,
                    column=c_year,
                )
            covered.update(int(y) for y in pd.unique(yr))
            keep = chunk[LA_COLUMN].str.strip().isin(codes).to_numpy()
            if years is not None:
                keep = keep & ((yr >= years[0]) & (yr <= years[1])).to_numpy()
            if keep.any():
                area_parts.append(
                    pd.DataFrame(
                        {
                            "index": chunk[c_index].to_numpy()[keep],
                            "year": yr.to_numpy()[keep].astype(int),
                        }
                    )
                )
    area = (
        pd.concat(area_parts, ignore_index=True)
        if area_parts
        else pd.DataFrame({"index": [], "year": []})
    )

    kh = _header(cas_path)
    k_index = _pick(cas_path, kh, INDEX_COLUMNS, "collision index")
    if SEVERITY_COLUMN not in kh:
        raise input_error(
            cas_path, "needs the casualty severity column", row=1, column=SEVERITY_COLUMN
        )
    extra = [c for c in (ADJUSTED_SERIOUS, ADJUSTED_SLIGHT) if adjusted and c in kh]
    if adjusted and len(extra) < 2:
        raise input_error(
            cas_path,
            f"adjusted figures asked for but the file lacks {ADJUSTED_SERIOUS}/{ADJUSTED_SLIGHT}",
            row=1,
        )
    wanted = set(area["index"])
    cas_parts = []
    with pd.read_csv(
        cas_path,
        usecols=[k_index, SEVERITY_COLUMN, *extra],
        dtype=str,
        chunksize=chunksize,
        encoding="utf-8-sig",
    ) as reader:
        for chunk in reader:
            keep = chunk[k_index].isin(wanted)
            if not keep.any():
                continue
            part = chunk[keep]
            sev = pd.to_numeric(part[SEVERITY_COLUMN], errors="coerce")
            bad = ~sev.isin([FATAL, SERIOUS, SLIGHT])
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise input_error(
                    cas_path,
                    f"severity '{part[SEVERITY_COLUMN].iloc[i]}' is not 1 (fatal), 2 (serious) or 3 (slight)",
                    row=int(part.index[i]) + 2,
                    column=SEVERITY_COLUMN,
                )
            frame = pd.DataFrame(
                {"index": part[k_index].to_numpy(), "severity": sev.astype(int).to_numpy()}
            )
            for c in extra:
                frame[c] = pd.to_numeric(part[c], errors="coerce").to_numpy()
            cas_parts.append(frame)
    cas = (
        pd.concat(cas_parts, ignore_index=True)
        if cas_parts
        else pd.DataFrame(
            {
                "index": pd.Series(dtype=str),
                "severity": pd.Series(dtype=int),
                **{c: pd.Series(dtype=float) for c in extra},
            }
        )
    )
    cas = cas.merge(area, on="index", how="inner")
    fatal = (cas["severity"] == FATAL).astype(float)
    if adjusted:
        # CRASH-era probabilities where given; recorded severity where not; fatal unadjusted
        serious = cas[ADJUSTED_SERIOUS].where(
            cas[ADJUSTED_SERIOUS].notna(), (cas["severity"] == SERIOUS).astype(float)
        )
        slight = cas[ADJUSTED_SLIGHT].where(
            cas[ADJUSTED_SLIGHT].notna(), (cas["severity"] == SLIGHT).astype(float)
        )
        serious = serious.where(cas["severity"] != FATAL, 0.0)
        slight = slight.where(cas["severity"] != FATAL, 0.0)
    else:
        serious = (cas["severity"] == SERIOUS).astype(float)
        slight = (cas["severity"] == SLIGHT).astype(float)
    counts = (
        pd.DataFrame({"year": cas["year"], "fatal": fatal, "serious": serious, "slight": slight})
        .groupby("year")
        .sum()
    )
    span = sorted(y for y in covered if years is None or years[0] <= y <= years[1])
    counts = counts.reindex(span, fill_value=0.0)
    out = pd.DataFrame(
        {
            "year": np.asarray(span, dtype="int64"),
            "fatal": counts["fatal"].to_numpy(),
            "serious": counts["serious"].to_numpy(),
        }
    )
    out["ksi"] = out["fatal"] + out["serious"]
    out["slight"] = counts["slight"].to_numpy()
    out["casualties"] = out["ksi"] + out["slight"]
    out["source"] = "DfT road safety open data" + (" (severity-adjusted)" if adjusted else "")
    return out[list(ROAD_COLUMNS)]


def read_road_return(path: str | Path) -> pd.DataFrame:
    """An aggregated return: a CSV with year, ksi and slight (optional fatal, serious)."""
    path = Path(path)
    header = _header(path)
    lower = {h.lower(): h for h in header}
    missing = [c for c in ("year", "ksi", "slight") if c not in lower]
    if missing:
        raise input_error(
            path, f"needs columns year, ksi, slight; missing {', '.join(missing)}", row=1
        )
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    out = {}
    for name in ("year", "fatal", "serious", "ksi", "slight"):
        if name not in lower:
            out[name] = np.full(len(raw), np.nan)
            continue
        col = lower[name]
        text = raw[col].str.strip().str.replace(",", "", regex=False)
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise input_error(
                path, f"'{raw[col].iloc[i]}' is not a count of 0 or more", row=i + 2, column=col
            )
        out[name] = values.to_numpy(dtype=float)
    df = pd.DataFrame(out)
    if df["year"].duplicated().any():
        i = int(np.flatnonzero(df["year"].duplicated().to_numpy())[0])
        raise input_error(
            path, f"year {int(df['year'].iloc[i])} appears twice", row=i + 2, column=lower["year"]
        )
    df["year"] = df["year"].astype("int64")
    both = df["fatal"].notna() & df["serious"].notna()
    if (both & ((df["fatal"] + df["serious"] - df["ksi"]).abs() > 1e-9)).any():
        i = int(
            np.flatnonzero(
                (both & ((df["fatal"] + df["serious"] - df["ksi"]).abs() > 1e-9)).to_numpy()
            )[0]
        )
        raise input_error(
            path, "fatal + serious does not equal ksi", row=i + 2, column=lower["ksi"]
        )
    df["casualties"] = df["ksi"] + df["slight"]
    df["source"] = f"aggregated return {path.name}"
    return df.sort_values("year").reset_index(drop=True)[list(ROAD_COLUMNS)]


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
                        f"target year {int(target['year'])} has passed; {_fmt(value)} in {year} is "
                        f"{'at or below' if on_track else 'above'} the target of {_fmt(tv)}"
                    )
                else:
                    status = (
                        f"{_fmt(value)} is {'at or below' if on_track else 'above'} the trajectory "
                        f"of {_fmt(path)} for {year} (target {_fmt(tv)} by {int(target['year'])})"
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


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def road_trend_chart(
    table: pd.DataFrame,
    *,
    measure: str = "ksi",
    baseline: Mapping | None = None,
    target: Mapping | None = None,
    start_year: int | None = None,
    area_name: str = "",
):
    """Bars of casualties per year, the baseline average, and the target trajectory.

    The figure carries ``fig.alt_text``: a sentence with every year's number, the baseline
    and the target, for screen readers (as :mod:`analysis.charts` does).
    """
    import matplotlib.pyplot as plt

    label = {"ksi": "Killed or seriously injured (KSI) casualties", "slight": "Slight casualties"}[
        measure
    ]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    years = table["year"].astype(int).tolist()
    values = table[measure].astype(float).tolist()
    ax.bar(years, values, color="#1d70b8" if measure == "ksi" else "#5694ca", label=label)
    parts = [f"{y}: {_fmt(v)}" for y, v in zip(years, values, strict=True)]
    extra = []
    if baseline is not None:
        b = float(baseline[measure])
        ax.axhline(
            b,
            color="#505a5f",
            linestyle=":",
            linewidth=1.2,
            label=f"Baseline average {baseline['years'][0]}-{baseline['years'][1]} ({b:,.1f})",
        )
        extra.append(f"baseline average {baseline['years'][0]}-{baseline['years'][1]}: {b:,.1f}")
        if target is not None and target.get("year") is not None:
            tv = target_value(target, measure, baseline)
            if tv is not None:
                start = int(start_year if start_year is not None else baseline["years"][-1])
                span = list(range(start, max(max(years), int(target["year"])) + 1))
                line = trajectory(span, start, b, int(target["year"]), tv)
                ax.plot(
                    span,
                    line.to_numpy(),
                    color="#d4351c",
                    linestyle="--",
                    linewidth=1.5,
                    label=f"Trajectory to {tv:,.0f} by {int(target['year'])}",
                )
                ax.plot([int(target["year"])], [tv], marker="o", color="#d4351c")
                extra.append(f"target {tv:,.0f} by {int(target['year'])}")
    title = f"{label}{' in ' + area_name if area_name else ''}, by year"
    ax.set_title(title)
    ax.set_xlabel("Calendar year")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, never 2007.5
    ax.set_ylabel("Casualties")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(loc="upper right", fontsize=8)
    fig.alt_text = (
        f"Bar chart: {title}. "
        + "; ".join(parts)
        + (". " + "; ".join(extra) + "." if extra else ".")
    )
    fig.tight_layout()
    return fig


def validate_road(df: pd.DataFrame) -> list:
    """Run the ``road_safety`` GX suite over a yearly table."""
    from analysis.validation import validate

    return validate(df, "road_safety", {})
