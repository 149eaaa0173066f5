"""The data quality page: sources and caveats, rows read and excluded, every check run.

Notebook ``10_data_quality`` shows these, so that a reviewer can weigh every figure: what was
read, what was left out and why, and which checks passed.
"""

from __future__ import annotations

import pandas as pd

from analysis.periods import Period, month_label

SUITE_NAMES = {
    "police_uk_raw": "Raw police.uk extract (every row read)",
    "police_uk_processed": "Area table for the period",
    "partner_performance": "Partners' performance returns",
    "road_safety": "Road casualties (DfT)",
    "fire_activity": "Fire and rescue return",
}


def validation_table(checks: list[dict]):
    """Every check, failures first, the result in words as well as colour (never colour alone)."""
    from analysis.checks.results import CheckResult, results_frame

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
    tests, level = [], None
    for measure, label in (("crime", "recorded crime"), ("asb", "ASB")):
        sig = (figures.get(measure) or {}).get("significance")
        if sig:
            extra = f", dispersion {sig['dispersion']:.2f}" if sig.get("dispersion") else ""
            tests.append(f"{label} p = {sig['p_value']:.3g} ({sig['method']}{extra})")
            level = sig["level"]
    if tests:
        notes.append("**Tests of change** (the document says only whether a change is beyond "
                     f"normal variation, at the {level:g} level): "
                     + "; ".join(tests) + ".")  # fmt: skip
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
