"""The assessment document: every section of a period in one reviewer page, in the order of
a published strategic assessment (introduction, executive summary, overview, crime and ASB,
partners' performance, road safety, fire, data sources and caveats, glossary).

The section notebooks are executed separately (each is also a page of its own); this module
concatenates their output cells behind generated front matter into one notebook, which the
renderer turns into one self-contained HTML page with a table of contents.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from analysis.report.formatting import fmt_int, fmt_pct
from analysis.report.render import REVIEWER_HIDDEN_TAGS

GLOSSARY = {
    "ASB": "Anti-social behaviour: incidents reported to the police that cause or are likely to cause "
    "harassment, alarm or distress; police.uk publishes them without a breakdown by type.",
    "CSP": "Community Safety Partnership: the statutory partnership of council, police, fire, probation "
    "and health that must assess crime and disorder each year (Crime and Disorder Act 1998).",
    "LSOA": "Lower layer Super Output Area: a small statistical area of about 1,500 residents; police.uk "
    "places each record in one.",
    "Ward": "An electoral division of the local authority; wards change after boundary reviews.",
    "Rate per 1,000 residents": "Count divided by the ONS mid-year population estimate, times 1,000, so "
    "that areas and years of different size can be compared.",
    "Percentage change": "Change as a percentage of the earlier period's count.",
    "Percentage points": "The difference between two percentages or rates (e.g. 35% to 32% is 3 points).",
    "Poisson test": "A test of whether the change between two counts is larger than the variation "
    "expected by chance; 'more than chance' means p < 0.05.",
    "Normal variation": "The amount crime counts rise and fall from month to month without any real "
    "change; a change 'beyond normal variation' is larger than these swings explain (p < 0.05).",
    "RAG": "Red, amber, green status of a performance indicator against its target.",
    "KSI": "Killed or seriously injured casualties in road traffic collisions.",
    "[c]": "A value withheld to protect confidentiality (a small number that could identify people).",
}


def _md(text: str, anchor: str | None = None) -> nbformat.NotebookNode:
    if anchor:
        text = f'<a id="{anchor}"></a>\n\n{text}'
    return nbformat.v4.new_markdown_cell(text)


def _overview_table(figures: dict) -> str:
    period, previous = (
        figures["period"]["short_label"],
        figures["period"]["previous"]["short_label"],
    )
    rows = [f"| | {period} | {previous} | Change | Rate per 1,000 |", "|---|---:|---:|---:|---:|"]
    for key, label in (("crime", "Recorded crime"), ("asb", "Anti-social behaviour")):
        f = figures[key]
        change = "n/a" if f["change"] is None else f"{f['change']:+,} ({fmt_pct(f['change_pct'])})"
        rows.append(
            f"| {label} | {fmt_int(f['total'])} | {fmt_int(f['previous_total'])} | {change} | "
            f"{f['rate_per_1000']:.1f} |"
        )
    perf = figures.get("performance") or {}
    counts = perf.get("rag_counts")
    text = "\n".join(rows)
    if counts:
        text += (
            "\n\nPartners' indicators: "
            + ", ".join(
                f"{counts.get(k, 0)} {k.replace('_', '/').upper() if k == 'n_a' else k}"
                for k in ("green", "amber", "red", "n_a")
            )
            + "."
        )
    return text


def _summary(figures: dict) -> list[str]:
    try:
        from analysis.report.summary import executive_summary
    except ImportError:  # the summary module is optional while it is being built
        return []
    return executive_summary(figures)


def front_matter(
    figures: dict, toc: list[tuple[str, str]], sentences: list[str]
) -> list[nbformat.NotebookNode]:
    name, label = figures["area"]["name"], figures["period"]["label"]
    cells = [_md(f"# Community Safety Strategic Assessment\n\n## {name}: {label}", anchor="top")]
    if figures["area"]["synthetic"]:
        cells.append(
            _md(
                "**Synthetic sample data.** This document is produced from a generated, fictional area "
                "to show what the pipeline produces; no figure in it describes a real place."
            )
        )
    cells.append(
        _md(
            "**Contents**\n\n"
            + "\n".join(
                f"{i}. [{title}](#{anchor})" for i, (anchor, title) in enumerate(toc, start=1)
            )
        )
    )
    cells.append(
        _md(
            "## Introduction\n\n"
            f"{name} Community Safety Partnership brings together the agencies responsible for reducing crime "
            "and disorder. Each year it must assess the levels and patterns of crime, anti-social behaviour and "
            "substance misuse, review progress against its priorities and set priorities for the year ahead. "
            f"This assessment covers **{label}** and compares it with {figures['period']['previous']['label']}. "
            "Every figure in it is produced by a reproducible pipeline from the sources listed under *Data "
            "sources and caveats*, and can be traced to `figures.json` and the inputs listed in the provenance "
            "note at the end.",
            anchor="introduction",
        )
    )
    if sentences:
        cells.append(
            _md(
                "## Executive summary\n\n" + "\n".join(f"- {s}" for s in sentences),
                anchor="summary",
            )
        )
    cells.append(_md("## Overview\n\n" + _overview_table(figures), anchor="overview"))
    return cells


def glossary() -> nbformat.NotebookNode:
    items = "\n".join(f"- **{term}**: {text}" for term, text in GLOSSARY.items())
    return _md("## Glossary of terms\n\n" + items, anchor="glossary")


def assemble(figures: dict, sections: list[tuple[str, str, Path]]) -> nbformat.NotebookNode:
    """One notebook: front matter, then each executed section's cells, then the glossary.

    ``sections`` is ``[(anchor, title, executed_notebook_path), ...]`` in reading order.
    Cells tagged ``parameters``, ``injected-parameters`` or ``remove`` are left out.
    """
    sentences = _summary(figures)
    toc = [("introduction", "Introduction")]
    toc += [("summary", "Executive summary")] if sentences else []
    toc += [
        ("overview", "Overview"),
        *[(a, t) for a, t, _ in sections],
        ("glossary", "Glossary of terms"),
    ]
    doc = nbformat.v4.new_notebook()
    doc.cells = front_matter(figures, toc, sentences)
    for anchor, _title, path in sections:
        nb = nbformat.read(path, as_version=4)
        doc.metadata = nb.metadata
        doc.cells.append(_md("", anchor=anchor))
        for cell in nb.cells:
            if set(cell.get("metadata", {}).get("tags", [])) & REVIEWER_HIDDEN_TAGS:
                continue
            doc.cells.append(cell)
    doc.cells.append(glossary())
    for i, cell in enumerate(doc.cells):
        cell["id"] = f"doc-{i:03d}"  # unique, stable ids across the merged notebooks
    return doc
