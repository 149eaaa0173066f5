"""The partner sections' tables and sentences: performance with RAG, road safety, fire.

RAG is shown as a coloured cell *with its word* (:func:`rag_styler`), since colour alone
fails readers who cannot tell red from green. Figures come from ``figures.json`` and the
tidy tables of the run; small counts are suppressed by
:func:`analysis.measures.disclosure.suppress_indicators` before a table is shown.
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.rag import AMBER, GREEN, NA, RED

#: Cell colours for RAG (GOV.UK palette); text colour chosen for contrast.
RAG_COLOURS: dict[str, tuple[str, str]] = {
    GREEN: ("#00703c", "#ffffff"),
    AMBER: ("#ffdd00", "#0b0c0c"),
    RED: ("#d4351c", "#ffffff"),
    NA: ("#f3f2f1", "#0b0c0c"),
}


def reviewer_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns a reviewer reads, with plain headings (pair with ``rag_styler(t, "RAG")``).

    ``rows`` is typically :func:`analysis.measures.partners.period_rows` of the run's table. The value is
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


ROAD_COLUMNS = {"year": "Year", "fatal": "Fatal", "serious": "Serious",
                "ksi": "Killed or seriously injured", "slight": "Slight",
                "casualties": "All casualties", "ksi_trajectory": "Target path (killed or seriously injured)"}  # fmt: skip


def road_table(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Casualties by year with headings in words, and the source said once (not on every row)."""
    shown = table[[c for c in ROAD_COLUMNS if c in table.columns]].rename(columns=ROAD_COLUMNS)
    sources = sorted(set(table["source"].dropna())) if "source" in table.columns else []
    note = f"Source: {', '.join(sources)}." if sources else ""
    return shown, note
