"""What a section notebook needs: its inputs, and the tables and sentences it shows.

Notebooks stay thin: they call :func:`load_context`, then display the tables, sentences and
charts built here from ``figures.json``. Opened interactively with default parameters, a
notebook finds the last good run's figures, or builds them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import summary
from analysis.config import REPO_ROOT, AreaConfig, load_config
from analysis.geography import read_boundaries
from analysis.periods import Period, month_label
from analysis.pipeline import ensure_sample_data, ingest_area, load_json, prepare_period

OUTPUTS = Path(os.environ.get("CSP_OUTPUT_DIR", REPO_ROOT / "outputs"))


@dataclass
class SectionContext:
    config: AreaConfig
    period: Period
    figures: dict
    checks: list[dict]
    files: list[dict]
    boundaries: dict | None
    work_dir: Path

    def table(self, name: str) -> pd.DataFrame | None:
        """A partner section's tidy table saved by the run (None when the return is absent)."""
        path = self.work_dir / f"{name}.pkl"
        return pd.read_pickle(path) if path.exists() else None


def load_context(area: str, period: str, work_dir: str = "", data_dir: str = "") -> SectionContext:
    if data_dir and not Path(data_dir).is_absolute():
        data_dir = str(
            REPO_ROOT / data_dir
        )  # relative to the repository, whatever the kernel's cwd
    config = load_config(area, data_dir or None)
    per = config.period_by_slug(period)
    if work_dir:
        wd = Path(work_dir) if Path(work_dir).is_absolute() else REPO_ROOT / work_dir
    else:
        wd = OUTPUTS / area / period
        if not (wd / "figures.json").exists():
            wd = (
                Path(os.environ.get("CSP_BUILD_DIR", REPO_ROOT / ".build"))
                / "interactive"
                / area
                / period
            )
            ensure_sample_data(config)
            prepare_period(config, ingest_area(config), per, wd)
    ward_set = config.ward_set_for(per)
    boundaries = read_boundaries(ward_set.boundaries) if ward_set.boundaries else None
    validation = load_json(wd / "validation.json")
    return SectionContext(
        config,
        per,
        load_json(wd / "figures.json"),
        validation["checks"],
        validation["files"],
        boundaries,
        wd,
    )


def fmt_int(n: int | None) -> str:
    return "n/a" if n is None else f"{n:,}"


def fmt_pct(x: float | None, signed: bool = True) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.1f}%" if signed else f"{x:.1f}%"


def with_p_value(sentence: str, significance: dict | None) -> str:
    """The summary's sentence with the test's p-value before its full stop, for analysts."""
    if not significance:
        return sentence
    return f"{sentence.rstrip('.')} (p = {significance['p_value']:.3g})."


def headline_markdown(figures: dict, measure: str) -> str:
    fig = figures[measure]
    noun = "crimes" if measure == "crime" else "ASB incidents"
    pop = figures["population"]
    lines = [
        f"**Level:** {fmt_int(fig['total'])} {noun} in {figures['period']['label']}, "
        f"**{fig['rate_per_1000']:.1f} per 1,000 residents** "
        f"(population {pop['value']:,}: {pop['note']}).",
        "**Annual change:** "
        + with_p_value(summary.change_sentence(figures, measure), fig["significance"]),
    ]
    peers = fig.get("peers") or {}
    if peers.get("available"):
        lines.append(
            f"**Peer comparison:** the {summary.ordinal(peers['rank'])} highest rate of the {peers['of']} local "
            f"authorities in the force area ({peers['rule']})."
        )
    if fig["top_wards"]:
        names = ", ".join(w["ward"] for w in fig["top_wards"])
        lines.append(
            f"**Hotspots:** the top {len(fig['top_wards'])} wards ({names}) account for "
            f"{fig['top_wards_share']:.1f}% of all {noun}."
        )
    if figures["months_missing"]:
        lines.append(
            "**Data gap:** no data for "
            + ", ".join(month_label(m) for m in figures["months_missing"])
            + "."
        )
    return "\n\n".join(lines)


def summary_table(figures: dict, measure: str) -> pd.DataFrame:
    fig = figures[measure]
    period, previous = (
        figures["period"]["short_label"],
        figures["period"]["previous"]["short_label"],
    )
    sig = fig["significance"]
    rows = [
        ("Count", fmt_int(fig["total"]), fmt_int(fig["previous_total"])),
        (
            "Rate per 1,000 residents",
            f"{fig['rate_per_1000']:.1f}",
            "n/a"
            if fig["previous_rate_per_1000"] is None
            else f"{fig['previous_rate_per_1000']:.1f}",
        ),
        ("Change (number)", "n/a" if fig["change"] is None else f"{fig['change']:+,}", ""),
        ("Change (% of previous period)", fmt_pct(fig["change_pct"]), ""),
        (
            "More than chance? (Poisson test)",
            "n/a" if sig is None else ("Yes" if sig["significant"] else "No"),
            "",
        ),
    ]
    return pd.DataFrame(rows, columns=["Measure", period, previous]).set_index("Measure")


def wards_table(fig: dict) -> pd.DataFrame:
    df = pd.DataFrame(fig["top_wards"])
    if df.empty:
        return df
    df.index = range(1, len(df) + 1)
    df.index.name = "Rank"
    return pd.DataFrame(
        {
            "Ward": df["ward"],
            "Count": df["count"].map("{:,}".format),
            "Share of area total": df["share"].map("{:.1f}%".format),
        }
    )


def types_table(fig: dict) -> pd.DataFrame:
    df = pd.DataFrame(fig["by_type"])
    return pd.DataFrame(
        {
            "Crime group": df["group"],
            "Count": df["count"].map("{:,}".format),
            "Share": df["share"].map("{:.1f}%".format),
        }
    ).set_index("Crime group")


def peers_table(peers: dict) -> pd.DataFrame:
    df = pd.DataFrame(peers["authorities"])
    return pd.DataFrame(
        {
            "Rank": df["rank"],
            "Local authority": df["lad_name"],
            "Count": df["count"].map("{:,}".format),
            "Population": df["population"].map("{:,}".format),
            "Rate per 1,000": df["rate_per_1000"].map("{:.1f}".format),
        }
    ).set_index("Rank")


SUITE_NAMES = {
    "police_uk_raw": "Raw police.uk extract (every row read)",
    "police_uk_processed": "Area table for the period",
    "partner_performance": "Partners' performance returns",
    "road_safety": "Road casualties (DfT)",
    "fire_activity": "Fire and rescue return",
}


def validation_table(checks: list[dict]):
    """Every check, failures first, the result in words as well as colour (never colour alone)."""
    from analysis.validation import CheckResult, results_frame

    df = results_frame([CheckResult(**c) for c in checks])
    df["Suite"] = df["Suite"].map(SUITE_NAMES).fillna(df["Suite"])
    order = df["Result"].eq("Pass").astype(int) * 2 + df["Severity"].eq("warning").astype(int)
    df = df.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")
    df["Result"] = df["Result"].where(
        df["Result"] == "Pass", df["Result"] + " (" + df["Severity"] + ")"
    )
    df["Unexpected"] = df["Unexpected"].map("{:,}".format)
    # 64-character Crime IDs would swamp the table: show their first 10 characters
    df["Examples"] = df["Examples"].str.replace(
        r"\b([0-9a-f]{10})[0-9a-f]{54}\b", r"\1…", regex=True
    )
    df["Examples"] = df["Examples"].where(
        df["Examples"].str.len() <= 300, df["Examples"].str.slice(0, 297) + "…"
    )
    colours = {"Pass": "#cce2d8", "Fail (warning)": "#fff7bf", "Fail (critical)": "#f4cdc6"}
    return (
        df.style.set_uuid("validation")  # a fixed id keeps the HTML byte-identical between runs
        .hide(axis="index")
        .map(lambda v: f"background-color: {colours.get(v, '')}", subset=["Result"])
        .set_properties(**{"text-align": "left"})
    )


def rows_table(files: list[dict], period: Period) -> pd.DataFrame:
    """Rows read and excluded per file of the period, with totals: nothing dropped silently."""
    df = pd.DataFrame([f for f in files if f["month"] in set(period.months)])
    if df.empty:
        return df
    cols = {
        "rows": "Rows read",
        "blank_lsoa": "Blank LSOA (no location)",
        "lsoa_not_in_lookup": "LSOA not in lookup",
        "outside_area": "Outside the area",
        "kept": "Kept (in the area)",
    }
    out = df.set_index("source_file")[list(cols)].rename(columns=cols)
    out.loc["Total"] = out.sum()
    out.index.name = "File"
    return out.map("{:,}".format)


def config_markdown(record: dict) -> str:
    """The configuration as a YAML block, so a reviewer can see exactly what was run."""
    import yaml

    text = yaml.safe_dump(record["settings"], sort_keys=False, allow_unicode=True)
    return f"From `{record['config_file']}`:\n\n```yaml\n{text}```"


def data_notes(figures: dict, checks: list[dict], files: list[dict]) -> str:
    """Caveats a reviewer needs to weigh the figures, generated for the period (not boilerplate)."""
    period_months = [figures["period"]["start"], figures["period"]["end"]]
    in_period = [f for f in files if period_months[0] <= f["month"] <= period_months[1]]
    rows = figures["rows"]
    notes = [
        f"**Crime and ASB** come from {len(in_period)} data.police.uk street-level file(s) for "
        f"{', '.join(figures['area']['forces'])}, {month_label(period_months[0])} to "
        f"{month_label(period_months[1])} ({rows['rows']:,} rows for the whole force). police.uk moves each "
        "location to a nearby 'snap point' to protect privacy, so counts near ward boundaries may fall in the "
        "neighbouring ward; it excludes some records and is updated after publication, so its counts differ "
        "from official police recorded crime statistics.",
        "**Crime types** are grouped so that police.uk's category changes (for example the 2013 split of "
        "'Public disorder and weapons') do not break trends.",
        f"**Rows excluded:** {rows['blank_lsoa']:,} with no location (blank LSOA), {rows['outside_area']:,} in "
        f"other local authorities and {rows['lsoa_not_in_lookup']:,} with an LSOA code missing from the lookup; "
        f"{rows['kept']:,} rows are in the area.",
        f"**Population:** {figures['population']['value']:,}, the {figures['population']['note']}.",
        f"**Wards:** {figures['wards']['set']}, {figures['wards']['count']} wards with data, the geography in "
        "force at the end of the period.",
    ]
    missing = figures["months_missing"]
    notes.append(
        "**Months missing:** "
        + (
            ", ".join(month_label(m) for m in missing)
            if missing
            else "none; every month of the period has data."
        )
    )
    comparison = figures["crime"]["comparison"]
    if comparison["status"] != "complete":
        notes.append(f"**Comparison:** {comparison['note']}")
    warnings = [c for c in checks if c["severity"] == "warning" and not c["success"]]
    if warnings:
        notes.append(
            "**Validation warnings** (reported, not blocking): "
            + "; ".join(
                f"{c['description'] or c['expectation']} ({c['unexpected_count']:,} rows)"
                for c in warnings
            )
            + "."
        )
    else:
        notes.append("**Validation:** every check passed.")
    perf = figures.get("performance") or {}
    disagreements = [c for c in perf.get("stated_checks", []) if c["agrees"] is False]
    disagreements += [{"indicator": c["indicator"], "period": c["period"], "message": c["check"]}
                      for c in perf.get("value_checks", [])]  # fmt: skip
    if disagreements:
        notes.append(
            "**Figures stated in partners' returns that do not match their own values:** "
            + "; ".join(f"{c['indicator']} ({c['period']}): {c['message']}" for c in disagreements)
        )
    elif perf:
        notes.append(
            "**Figures stated in partners' returns** (comments such as '8% reduction') were "
            "recomputed from the values; none disagrees."
        )
    for key, note in (figures.get("partner_notes") or {}).items():
        notes.append(f"**{key.replace('_', ' ').capitalize()}:** {note}")
    if figures["area"]["synthetic"]:
        notes.insert(
            0, "**Synthetic data:** the area and every figure are generated and fictional."
        )
    return "\n".join(f"- {n}" for n in notes)


def suppress_small(rows: pd.DataFrame, threshold: int = 10) -> pd.DataFrame:
    """Disclosure control for partner indicators in reviewer pages.

    A count below ``threshold`` is shown as "[c]"; so is a percentage whose stated numerator
    is below it ("6% (2 out of 31 young people)" would reveal the 2). Zeros are shown (ONS
    practice: a zero does not identify anyone). The analyst page shows the values.
    """
    out = rows.copy()
    small_count = (out["unit"] == "count") & out["value"].between(1, threshold - 1)
    numerator = out["numerator"] if "numerator" in out else pd.Series(float("nan"), index=out.index)
    small_numerator = numerator.between(1, threshold - 1)
    hide = small_count | small_numerator
    for col in ("value_text", "change_text", "change_vs_baseline_text"):
        if col in out:
            out[col] = out[col].where(~hide, "[c]")
    out["suppressed"] = hide
    return out


def road_markdown(road: dict) -> str:
    """Headline sentences for road safety, from figures.json only."""
    prev = road["previous_year"]
    lines = [
        f"**{road['year']}:** {road['ksi']:,} people killed or seriously injured (KSI) and {road['slight']:,} "
        f"slightly injured in reported road collisions ({road['source']}).",
        f"**Change on {prev['year']}:** KSI {road['ksi_change_text']} (from {prev['ksi']:,}); slight "
        f"{road['slight_change_text']} (from {prev['slight']:,}).",
    ]
    base = road.get("baseline")
    if base:
        lines.append(
            f"**Against the {base['years'][0]}-{base['years'][-1]} baseline average** ({base['ksi']:.1f} KSI a "
            f"year): {road['ksi_vs_baseline_text']}."
        )
    target = road.get("ksi_target")
    if target:
        lines.append(f"**Target:** {target['status']}.")
    return "\n\n".join(lines)


def plain_table(df: pd.DataFrame):
    """A table without the index, numbers with thousands separators, stable HTML ids."""
    shown = df.copy()
    for col in shown.columns:
        if str(col).lower() in ("year", "calendar year"):
            continue
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(
                lambda v: (
                    "" if pd.isna(v) else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}")
                )
            )
        elif pd.api.types.is_integer_dtype(shown[col]):
            shown[col] = shown[col].map("{:,}".format)
    return shown.style.set_uuid("plain").hide(axis="index")
