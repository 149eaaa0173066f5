"""The proposed priorities: the scoring table, the comparison with current priorities, and
the sensitivity check, in words. From ``figures["priorities"]`` only (the rules are in
:mod:`analysis.measures.priorities`).
"""

from __future__ import annotations

import pandas as pd

from analysis.measures.priorities import CRITERIA, TOP
from analysis.report.formatting import SCROLL_HINT
from analysis.report.summary import join_names

HEADINGS = {"volume": "Volume", "trend": "Trend", "peers": "Peers", "harm": "Harm",
            "public": "Public concern", "partners": "Partners"}  # fmt: skip


def priorities_table(priorities: dict) -> pd.DataFrame:
    """Every candidate, ranked: its score, each criterion's score (a dash where it does not
    apply), the proposal against current priorities and the reasons."""
    rows = priorities["candidates"]
    table = {"Rank": [r["rank"] for r in rows], "Issue": [r["candidate"] for r in rows],
             "Score (0-3)": ["–" if r["score"] is None else f"{r['score']:.2f}" for r in rows]}  # fmt: skip
    for k in CRITERIA:
        if k in priorities.get("not_scored", {}):
            continue
        table[HEADINGS[k]] = ["–" if r["scores"][k] < 0 else str(r["scores"][k]) for r in rows]
    if priorities["current"]:
        table["Against current priorities"] = [r["proposal"] for r in rows]
    table["Why"] = ["; ".join(r["reasons"]) or "–" for r in rows]
    return pd.DataFrame(table)


def priorities_markdown(priorities: dict) -> str:
    """The proposal in words: the top five, the comparison, the sensitivity, what is missing."""
    top = priorities["top"]
    text = f"By the scoring below, the proposed priorities are {join_names(top)}."
    rows = {r["candidate"]: r for r in priorities["candidates"]}
    if priorities["current"]:
        remain = [c for c in top if rows[c]["proposal"] == "remains a priority"]
        emerging = [c for c in top if rows[c]["proposal"] == "emerging"]
        retire = [
            r["candidate"] for r in priorities["candidates"] if r["proposal"] == "consider retiring"
        ]
        if remain:
            text += f" Of the current priorities, {join_names(remain)} {'remains' if len(remain) == 1 else 'remain'}."
        if emerging:
            text += f" Emerging: {join_names(emerging)}."
        if retire:
            text += f" Consider retiring or reshaping: {join_names(retire)}."
        if priorities["current_not_candidates"]:
            text += f" Not among the candidates scored: {join_names(priorities['current_not_candidates'])}."
    if priorities.get("no_evidence"):
        text += (" Not scored, because this assessment has no data on them beyond their harm "
                 f"weight: {join_names(priorities['no_evidence'])}.")  # fmt: skip
    scored = [r for r in priorities["candidates"] if r["score"] is not None]
    if len(scored) > TOP and scored[TOP - 1]["score"] == scored[TOP]["score"]:
        tied = [r["candidate"] for r in scored if r["score"] == scored[TOP - 1]["score"]]
        places = [r["rank"] for r in scored if r["candidate"] in tied]
        text += (f" {join_names(tied)} score the same ({scored[TOP - 1]['score']:.2f}) for places "
                 f"{min(places)} to {max(places)}: the table breaks the tie by the harm weight, then "
                 "by name, so the partnership should choose between them.")  # fmt: skip
    if priorities["stable"]:
        text += " The top five stay the same when any one weight is halved or increased by half."
    else:
        came_in = sorted({c for s in priorities["sensitivity"] for c in s["in"]})
        went_out = sorted({c for s in priorities["sensitivity"] for c in s["out"]})
        text += (" The top five are not robust to the weights: halving or raising any one weight "
                 f"by half can bring in {join_names(came_in)} in place of "
                 f"{join_names(went_out)}.")  # fmt: skip
    for k, why in priorities.get("not_scored", {}).items():
        text += f" {HEADINGS[k]} is not scored: {why}."
    return text


def priorities_styler(priorities: dict):
    """The table as shown: words left-aligned, scores right-aligned, a stable HTML id."""
    table = priorities_table(priorities)
    words = [c for c in ("Issue", "Against current priorities", "Why") if c in table.columns]
    return (
        table.style.hide(axis="index")
        .set_uuid("priorities")
        .set_caption(SCROLL_HINT)
        .set_properties(subset=words, **{"text-align": "left"})
        .set_table_styles([{"selector": "th", "props": "text-align: left"}])
    )
