"""Every headline number of a period, computed once and written to ``figures.json``.

The notebooks and the HTML read these numbers; nothing a reviewer reads is typed by hand.
The keys are documented in ``docs/figures.md``; tests compare them with hand counts.
"""

from __future__ import annotations

import pandas as pd

from analysis.config import CHANGE_TESTS, AreaConfig
from analysis.measures.change import (
    adjust_p_values,
    percent_change,
    poisson_change_test,
    quasi_poisson_change_test,
    rate_per_1000,
)
from analysis.measures.context import context_figures
from analysis.periods import Period, assign_periods, month_from_index, month_index, month_label
from analysis.sources.crime_types import KNOWN_GROUPS
from analysis.sources.population import PopulationEstimate, population_for

MEASURES = ("crime", "asb")
MEASURE_LABELS = {"crime": "recorded crime", "asb": "anti-social behaviour incidents"}


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(float(x), digits)


def comparison_status(months_present: set[str], period: Period) -> dict:
    """Whether a period's data is complete, partial or absent, with a sentence saying so."""
    present = [m for m in period.months if m in months_present]
    missing = [m for m in period.months if m not in months_present]
    if not present:
        status = "absent"
        note = (f"This assessment was given no police.uk data for {period.label}, so no comparison "
                "can be made.")  # fmt: skip
    elif missing:
        status = "incomplete"
        note = (
            f"Data for {period.label} covers only {len(present)} of {period.length} months "
            f"(missing {', '.join(month_label(m, short=True) for m in missing)}), so no comparison is made."
        )
    else:
        status = "complete"
        note = ""
    return {
        "status": status,
        "months_present": len(present),
        "months_missing": missing,
        "note": note,
    }


def monthly_counts(rows: pd.DataFrame, months: list[str]) -> list[dict]:
    counts = rows.groupby("month").size().reindex(months, fill_value=0)
    return [{"month": m, "count": int(c)} for m, c in counts.items()]


def trend(area: pd.DataFrame, measure: str, period: Period) -> list[dict]:
    """Counts for every period of the same kind and phase, up to the one assessed.

    Later data is left out: an assessment shows the history it was written with, and a new
    month of data then changes only the periods that contain it (incremental rebuilds).
    """
    area = area.loc[area["month"] <= period.end]
    rows = area.loc[area["measure"] == measure, ["month"]]
    all_months = sorted(area["month"].unique())
    if not all_months:
        return []
    starts = assign_periods(pd.Series(all_months), period)
    present = pd.Series(all_months).groupby(starts.to_numpy()).size()
    counts = rows.groupby(assign_periods(rows["month"], period).to_numpy()).size()
    out = []
    for start in sorted(present.index):
        p = Period(period.kind, start, month_from_index(month_index(start) + period.length - 1))
        out.append(
            {
                "start": p.start,
                "end": p.end,
                "label": p.short_label,
                "count": int(counts.get(start, 0)),
                "months_present": int(present[start]),
                "complete": bool(present[start] == period.length),
            }
        )
    return out


def ward_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Count and share (% of the area total, including rows with no ward) per ward."""
    total = len(rows)
    known = rows.dropna(subset=["ward_code"])
    counts = (
        known.groupby(["ward_code", "ward_name"])
        .size()
        .rename("count")
        .reset_index()
        .sort_values(["count", "ward_name"], ascending=[False, True], kind="stable")
    )
    counts["share"] = counts["count"] / total * 100 if total else 0.0
    return counts.reset_index(drop=True)


def type_breakdown(rows: pd.DataFrame) -> list[dict]:
    total = len(rows)
    counts = rows.groupby("crime_group").size()
    out = [
        {
            "group": g,
            "count": int(counts.get(g, 0)),
            "share": _round(counts.get(g, 0) / total * 100 if total else 0.0),
        }
        for g in KNOWN_GROUPS
        if g != "Anti-social behaviour"
    ]
    return sorted(out, key=lambda d: (-d["count"], d["group"]))


def change_test(
    current: pd.DataFrame, previous: pd.DataFrame, period: Period, level: float, method: str
):
    """The configured test of a change between the period and the one before (see change.py).

    ``quasi_poisson`` (the default) uses the monthly counts: month i of the period against
    month i of the previous period.
    """
    if method not in CHANGE_TESTS:
        raise ValueError(f"thresholds.change_test: expected one of {', '.join(CHANGE_TESTS)}")
    if method == "poisson":
        return poisson_change_test(len(current), len(previous), level=level)
    cur = current["month"].value_counts().reindex(period.months, fill_value=0)
    prev = previous["month"].value_counts().reindex(period.previous().months, fill_value=0)
    return quasi_poisson_change_test(cur.to_numpy(), prev.to_numpy(), level=level)


def _direction(counts: list[int | None]) -> str | None:
    """Three periods' counts, oldest first: rising or falling both times, else mixed."""
    if len(counts) < 3 or any(c is None for c in counts):
        return None
    a, b, c = counts
    if a < b < c:
        return "rising three periods running"
    if a > b > c:
        return "falling three periods running"
    return "mixed"


def group_changes(
    rows: pd.DataFrame,
    area: pd.DataFrame,
    period: Period,
    months_in_data: set[str],
    level: float,
    method: str,
) -> list[dict]:
    """What drove the change: each crime group's count, change, share of the net change,
    direction over three periods, and whether its change is beyond chance.

    ``rows`` are the period table's crime rows (this period and the previous one). Each
    group's p-value is adjusted for testing every group at once (Holm), and ``significant``
    uses the adjusted value. ``contribution_pct`` is the group's change as a percentage of the
    net change in all crime; they sum to 100 (a group moving against the total is negative).
    """
    current, previous = rows[rows["in_period"]], rows[~rows["in_period"]]
    before = period.previous().previous()
    have_before = comparison_status(months_in_data, before)["status"] == "complete"
    early = area[(area["measure"] == "crime") & area["month"].isin(set(before.months))]
    early_counts = early.groupby("crime_group").size()
    net = len(current) - len(previous)
    out = []
    for group in (g for g in KNOWN_GROUPS if g != "Anti-social behaviour"):
        cur, prev = (
            current[current["crime_group"] == group],
            previous[previous["crime_group"] == group],
        )
        test = change_test(cur, prev, period, level, method)
        change = len(cur) - len(prev)
        earlier = int(early_counts.get(group, 0)) if have_before else None
        out.append({
            "group": group, "count": len(cur), "previous": len(prev), "change": change,
            "change_pct": _round(percent_change(len(cur), len(prev)), 1),
            "contribution_pct": _round(change / net * 100, 1) if net else None,
            "earlier": earlier, "earlier_period": before.short_label,
            "direction": _direction([earlier, len(prev), len(cur)]),
            "p_value": test.p_value, "dispersion": test.dispersion,
        })  # fmt: skip
    adjusted = adjust_p_values([g["p_value"] for g in out])
    for g, p in zip(out, adjusted, strict=True):
        g["p_adjusted"] = p
        g["significant"] = bool(p < level)
    return sorted(out, key=lambda d: (-abs(d["change"]), d["group"]))


def peer_comparison(
    lad_counts: pd.DataFrame,
    mye: pd.DataFrame,
    config: AreaConfig,
    period: Period,
    measure: str,
    pop_year: int,
    group: str | None = None,
) -> dict:
    """The area's rate and rank among the local authorities in the same force files.

    police.uk files carry a few rows snapped into neighbouring forces' areas; an authority
    counts as a peer only if it holds at least ``peer_min_share`` of the force's rows of the
    measure. With a crime ``group``, the same peers are ranked on that group's rate.
    """
    min_share = float(config.thresholds.get("peer_min_share", 0.01))
    sub = lad_counts[lad_counts["month"].isin(period.months) & (lad_counts["measure"] == measure)]
    per_lad = sub.groupby(["lad_code", "lad_name"])["count"].sum().reset_index()
    if per_lad.empty:
        return {"available": False, "note": "No force data for this period."}
    # the peers are the authorities with the force's rows of the measure, whatever the group
    per_lad = per_lad[per_lad["count"] >= per_lad["count"].sum() * min_share]
    # ... and with data in as many months as the best-covered one: an authority present only in
    # some months' files (area-only extracts) would be ranked on part of the year
    months = sub[sub["count"] > 0].groupby("lad_code")["month"].nunique()
    short = per_lad["lad_code"].map(months).fillna(0) < months.max()
    short &= ~per_lad["lad_code"].isin(set(config.local_authority_codes))
    incomplete = sorted(per_lad.loc[short, "lad_name"].tolist())
    per_lad = per_lad[~short]
    if group is not None:  # an authority with none of the group is a peer with a count of 0
        of_group = sub[sub["crime_group"] == group].groupby("lad_code")["count"].sum()
        per_lad["count"] = per_lad["lad_code"].map(of_group).fillna(0).astype("int64")
    pops = mye[mye["year"] <= pop_year].sort_values("year").groupby("code").last()
    per_lad["population"] = per_lad["lad_code"].map(pops["population"])
    no_pop = per_lad[per_lad["population"].isna()]["lad_name"].tolist()
    per_lad = per_lad.dropna(subset=["population"]).copy()
    area_codes = set(config.local_authority_codes)
    # A CSP of several authorities is one peer: sum its parts.
    per_lad["is_area"] = per_lad["lad_code"].isin(area_codes)
    area_part = per_lad[per_lad["is_area"]]
    others = per_lad[~per_lad["is_area"]]
    rows = [
        {
            "lad_code": r.lad_code,
            "lad_name": r.lad_name,
            "count": int(r.count),
            "population": int(r.population),
            "rate_per_1000": rate_per_1000(r.count, r.population),
            "is_area": False,
        }
        for r in others.itertuples()
    ]
    if not area_part.empty:
        rows.append(
            {
                "lad_code": ",".join(area_part["lad_code"]),
                "lad_name": config.name,
                "count": int(area_part["count"].sum()),
                "population": int(area_part["population"].sum()),
                "rate_per_1000": rate_per_1000(
                    area_part["count"].sum(), area_part["population"].sum()
                ),
                "is_area": True,
            }
        )
    rows.sort(key=lambda r: (-r["rate_per_1000"], r["lad_name"]))
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
        r["rate_per_1000"] = _round(r["rate_per_1000"], 1)
    area_row = next((r for r in rows if r["is_area"]), None)
    return {
        "available": area_row is not None,
        "rank": area_row["rank"] if area_row else None,
        "of": len(rows),
        "rate_per_1000": area_row["rate_per_1000"] if area_row else None,
        "authorities": rows,
        "excluded_no_population": no_pop,
        "excluded_incomplete": incomplete,
        "rule": "the council areas the force covers; rank 1 = highest rate",
    }


def measure_figures(
    ptable: pd.DataFrame,
    area: pd.DataFrame,
    measure: str,
    period: Period,
    population: PopulationEstimate,
    previous_status: dict,
    level: float,
    top_n: int,
    method: str = "quasi_poisson",
    months_in_data: set[str] | None = None,
) -> dict:
    rows = ptable[ptable["measure"] == measure]
    current = rows[rows["in_period"]]
    previous = rows[~rows["in_period"]]
    total = len(current)
    out: dict = {
        "label": MEASURE_LABELS[measure],
        "total": total,
        "rate_per_1000": _round(rate_per_1000(total, population.value), 1),
        "previous_total": None,
        "change": None,
        "change_pct": None,
        "previous_rate_per_1000": None,
        "significance": None,
        "comparison": previous_status,
    }
    if previous_status["status"] == "complete":
        prev_total = len(previous)
        test = change_test(current, previous, period, level, method)
        out.update(
            previous_total=prev_total,
            change=total - prev_total,
            change_pct=_round(percent_change(total, prev_total), 1),
            previous_rate_per_1000=_round(rate_per_1000(prev_total, population.value), 1),
            significance=test.to_dict(),
        )
        # three periods' direction: the period before the previous one, where complete
        before = period.previous().previous()
        if comparison_status(months_in_data or set(), before)["status"] == "complete":
            earlier = int(
                ((area["measure"] == measure) & area["month"].isin(set(before.months))).sum()
            )
            out["earlier_total"], out["earlier_period"] = earlier, before.short_label
            out["direction"] = _direction([earlier, prev_total, total])
    wards = ward_counts(current)
    out["top_wards"] = [
        {
            "ward": r.ward_name,
            "ward_code": r.ward_code,
            "count": int(r.count),
            "share": _round(r.share),
        }
        for r in wards.head(top_n).itertuples()
    ]
    out["top_wards_share"] = _round(wards.head(top_n)["share"].sum()) if len(wards) else None
    out["by_ward"] = [
        {
            "ward": r.ward_name,
            "ward_code": r.ward_code,
            "count": int(r.count),
            "share": _round(r.share),
        }
        for r in wards.itertuples()
    ]
    out["rows_without_ward"] = int(current["ward_code"].isna().sum())
    out["monthly"] = monthly_counts(current, period.months)
    out["trend"] = trend(area, measure, period)
    if measure == "crime":
        out["by_type"] = type_breakdown(current)
        out["by_group_change"] = (
            group_changes(rows, area, period, months_in_data or set(), level, method)
            if previous_status["status"] == "complete"
            else None
        )
    return out


def period_table(area: pd.DataFrame, wards: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The area's rows for the period and its comparison period, with the period's wards.

    ``wards`` is the ward set in force at the end of the period (lsoa_vintage, lsoa_code,
    ward_code, ward_name), written by the ingest step.
    """
    months = set(period.months) | set(period.previous().months)
    rows = area.loc[area["month"].isin(months)]
    merged = rows.merge(wards, on=["lsoa_vintage", "lsoa_code"], how="left", validate="many_to_one")
    merged["in_period"] = merged["month"].isin(set(period.months))
    return merged.reset_index(drop=True)


def build_figures(
    *,
    config: AreaConfig,
    period: Period,
    ptable: pd.DataFrame,
    area: pd.DataFrame,
    lad_counts: pd.DataFrame,
    mye: pd.DataFrame,
    ingest_report: list[dict],
    validation: list[dict],
    wards: pd.DataFrame | None = None,
    deprivation: pd.DataFrame | None = None,
) -> dict:
    months_in_data = set(area["month"].unique()) | {r["month"] for r in ingest_report}
    present = [m for m in period.months if m in months_in_data]
    missing = [m for m in period.months if m not in months_in_data]
    population = population_for(
        mye, config.local_authority_codes, period.year, config.population.name
    )
    previous_status = comparison_status(months_in_data, period.previous())
    current_status = comparison_status(months_in_data, period)
    if current_status["status"] != "complete":
        # never compare part of a period with a whole one
        previous_status = {
            **previous_status,
            "status": "current_incomplete",
            "note": current_status["note"].replace(
                "so no comparison is made", "so it is not compared"
            )
            if current_status["status"] == "incomplete"
            else current_status["note"],
        }
    level = float(config.thresholds["significance_level"])
    method = str(config.thresholds["change_test"])
    top_n = int(config.thresholds["top_wards"])
    ward_set = config.ward_set_for(period)

    files = [r for r in ingest_report if r["month"] in set(period.months)]
    excluded = {
        k: sum(r[k] for r in files)
        for k in ("rows", "blank_lsoa", "lsoa_not_in_lookup", "outside_area", "kept")
    }
    figures = {
        "schema": "csp-assessment/figures/1",
        "area": {
            "code": config.area,
            "name": config.name,
            "local_authority_codes": list(config.local_authority_codes),
            "forces": list(config.forces),
            "synthetic": config.synthetic,
        },
        "config": config.record(),
        "period": {**period.to_dict(), "previous": period.previous().to_dict()},
        "months_present": len(present),
        "months_expected": period.length,
        "months_missing": missing,
        "population": {
            "value": population.value,
            "year": population.year,
            "requested_year": population.requested_year,
            "source": population.source,
            "note": (
                f"ONS mid-{population.year} estimate"
                + (
                    f"; the latest in the population data supplied (mid-{population.requested_year} "
                    "is not in it)"
                    if population.is_latest_earlier
                    else ""
                )
            ),
        },
        "wards": {"set": ward_set.name, "count": int(ptable["ward_code"].nunique())},
        "rows": excluded,
        "validation": {
            "critical_failures": sum(
                1 for v in validation if v["severity"] == "critical" and not v["success"]
            ),
            "warnings": sum(
                1 for v in validation if v["severity"] == "warning" and not v["success"]
            ),
            "checks": len(validation),
        },
    }
    for measure in MEASURES:
        figures[measure] = measure_figures(
            ptable, area, measure, period, population, previous_status, level, top_n,
            method=method, months_in_data=months_in_data,
        )  # fmt: skip
        figures[measure]["peers"] = peer_comparison(
            lad_counts, mye, config, period, measure, population.year
        )
        for g in figures[measure].get("by_group_change") or []:
            peers = peer_comparison(lad_counts, mye, config, period, measure, population.year,
                                    group=g["group"])  # fmt: skip
            g["peer_rank"] = peers["rank"] if peers["available"] else None
            g["peer_of"] = peers["of"] if peers["available"] else None
        if wards is not None:
            rows = ptable[(ptable["measure"] == measure) & ptable["in_period"]]
            figures[measure]["context"] = context_figures(rows, wards, deprivation)
    return figures
