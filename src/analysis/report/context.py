"""The crime picture in context: sentences and tables for wards, concentration, deprivation.

Notebook ``25_context`` shows these, from ``figures[measure]["context"]`` only (see
:mod:`analysis.measures.context` for the methods).
"""

from __future__ import annotations

import pandas as pd

from analysis.report.formatting import fmt_int
from analysis.report.summary import join_names

NOUNS = {"crime": "crime", "asb": "anti-social behaviour"}


def wards_markdown(context: dict, measure: str) -> str:
    """Which wards have rates beyond the funnel plot's limits, in words."""
    funnel = context.get("funnel") or {}
    if not funnel.get("available"):
        return funnel.get("note", "Ward rates are not available.")
    noun = NOUNS[measure]
    text = (
        f"Counted with the neighbourhoods' own populations, the area's rate is "
        f"{funnel['area_rate_per_1000']:,.1f} per 1,000 residents. Each ward's rate is compared "
        "with what that rate would give for its population"
    )
    text += (
        "; the limits allow for how much the area's wards usually differ (which is why they are "
        "almost as wide for large wards as for small ones), so a ward outside them "
        "is unusual, not merely busy."
        if funnel["limits"] != "Poisson"
        else "."
    )
    above = [w for w in funnel["wards"] if w["position"].startswith("above")]
    below = [w for w in funnel["wards"] if w["position"].startswith("below")]
    if above:
        text += (
            f" Higher than expected for {noun}: "
            + join_names(
                [
                    f"{w['ward']} ({w['rate_per_1000']:,.1f} per 1,000; {w['position']})"
                    for w in above
                ]
            )
            + "."
        )
    if below:
        text += " Lower than expected: " + join_names([w["ward"] for w in below]) + "."
    if not above and not below:
        text += " No ward is outside the limits."
    missing = funnel.get("wards_without_population") or []
    if missing:
        text += f" Not shown (no population for every neighbourhood): {join_names(missing)}."
    return text


def wards_outside_table(context: dict) -> pd.DataFrame:
    """The wards outside the limits, highest rate first."""
    funnel = context.get("funnel") or {}
    rows = [w for w in funnel.get("wards", []) if not w["position"].startswith("within")]
    return pd.DataFrame(
        {
            "Ward": [w["ward"] for w in rows],
            "Count": [fmt_int(w["count"]) for w in rows],
            "Residents": [fmt_int(w["population"]) for w in rows],
            "Rate per 1,000": [f"{w['rate_per_1000']:,.1f}" for w in rows],
            "Expected count": [f"{w['expected']:,.0f}" for w in rows],
            "Position": [w["position"] for w in rows],
        }
    )


def concentration_markdown(context: dict, measure: str) -> str:
    conc = context.get("concentration") or {}
    if not conc.get("available"):
        return ""
    return (
        f"**Concentration:** {conc['top_share']:.1f}% of {NOUNS[measure]} happened in the "
        f"{conc['top_lsoas']} neighbourhoods (LSOAs) with most, a tenth of the area's "
        f"{conc['lsoas']}."
    )


def deprivation_table(context: dict) -> pd.DataFrame:
    dep = context.get("deprivation") or {}
    rows = dep.get("deciles") or []
    out = pd.DataFrame(
        {
            "Deprivation decile": [str(d["decile"]) for d in rows],
            "Neighbourhoods": [fmt_int(d["lsoas"]) for d in rows],
            "Count": [fmt_int(d["count"]) for d in rows],
        }
    )
    if dep.get("has_population"):
        out["Residents"] = [fmt_int(d["population"]) for d in rows]
        out["Rate per 1,000"] = [
            "n/a" if d["rate_per_1000"] is None else f"{d['rate_per_1000']:,.1f}" for d in rows
        ]
    return out


def deprivation_markdown(context: dict, measure: str) -> str:
    dep = context.get("deprivation") or {}
    if not dep.get("available"):
        return dep.get("note", "Deprivation is not available.")
    rows = [d for d in dep["deciles"] if d["rate_per_1000"] is not None]
    text = (
        "Neighbourhoods are grouped by the national Index of Multiple Deprivation decile "
        "(1 = the most deprived tenth of England)."
    )
    if len(rows) >= 2:
        most, least = rows[0], rows[-1]
        text += (
            f" The rate of {NOUNS[measure]} is {most['rate_per_1000']:,.1f} per 1,000 residents "
            f"in decile {most['decile']} and {least['rate_per_1000']:,.1f} in decile "
            f"{least['decile']}."
        )
    if dep.get("rows_not_matched"):
        text += (
            f" {dep['rows_not_matched']:,} records are in neighbourhoods the file does not cover."
        )
    return text
