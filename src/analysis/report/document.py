"""The assessment document: every section of a period in one reviewer page, in the order of
a published strategic assessment (cover, contents, introduction, executive summary, overview,
crime and ASB, the crime picture in context, partners' performance, road safety, fire,
listening to the public, proposed priorities, background and data, glossary). The technical
appendix (checks, files, configuration, provenance) is a page of its own.

The section notebooks are executed separately (each is also a page of its own); this module
concatenates their output cells behind generated front matter into one notebook, which the
renderer turns into one self-contained HTML page with a table of contents.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from analysis.report.formatting import fmt_int, fmt_pct
from analysis.report.render import REVIEWER_HIDDEN_TAGS
from analysis.report.summary import join_names

GLOSSARY = {
    "ASB": "Anti-social behaviour: incidents reported to the police that cause or are likely to cause "
    "harassment, alarm or distress; police.uk publishes them without a breakdown by type.",
    "CSP": "Community Safety Partnership: the statutory partnership of council, police, fire, probation "
    "and health that must assess crime and disorder each year (Crime and Disorder Act 1998).",
    "LSOA": "Lower layer Super Output Area: a small statistical area of about 1,500 residents; police.uk "
    "places each record in one.",
    "ONS": "Office for National Statistics, which publishes the population estimates and area lookups used.",
    "NHS": "National Health Service.",
    "IMD": "Index of Multiple Deprivation: the official measure of how deprived each small area of England "
    "is, ranked and split into tenths (deciles) from most to least deprived.",
    "Ward": "An electoral division of the local authority; wards change after boundary reviews.",
    "Rate per 1,000 residents": "Count divided by the ONS mid-year population estimate, times 1,000, so "
    "that areas and years of different size can be compared.",
    "Percentage change": "Change as a percentage of the earlier period's count.",
    "Percentage points": "The difference between two percentages or rates (e.g. 35% to 32% is 3 points).",
    "Normal variation": "The amount crime counts rise and fall from month to month without any real "
    "change; a change 'beyond normal variation' is larger than these swings explain, so very unlikely "
    "to be chance.",
    "Funnel plot": "A chart of each ward's rate against its population, with limits that show how far a "
    "ward's rate can differ from the area's by chance; small wards have wider limits.",
    "RAG": "Red, amber, green status of a performance indicator against its target.",
    "KSI": "Killed or seriously injured casualties in road traffic collisions.",
    "RTC": "Road traffic collision.",
    "ADF": "Accidental dwelling fire: a fire in a home that was not started on purpose.",
    "HSV": "Home safety visit: a fire and rescue service visit to check smoke alarms and give fire safety "
    "advice.",
    "IDVA": "Independent domestic violence adviser: a specialist who supports victims of domestic abuse "
    "at high risk of harm.",
    "MARAC": "Multi-agency risk assessment conference: a regular meeting where agencies share "
    "information and plan support for the domestic abuse victims at highest risk.",
    "CAADA": "Co-ordinated Action Against Domestic Abuse (now SafeLives), the national charity that sets "
    "standards for IDVAs and MARACs.",
    "PACT": "Police and communities together: local meetings where residents raise issues and help set "
    "neighbourhood policing priorities.",
    "FPN": "Fixed penalty notice: a fine for an offence such as dropping litter, paid instead of going "
    "to court.",
    "LAC": "Looked-after children: children in the care of the local authority.",
    "YOT": "Youth offending team: the council-led team that works with children who offend.",
    "[c]": "A value withheld to protect confidentiality (a small number that could identify people).",
}
# Capitalised words that are not abbreviations (RAG statuses as some returns write them).
NOT_ABBREVIATIONS = {"RED", "AMBER", "GREEN"}
_ABBREVIATION = re.compile(r"\b([A-Z][A-Z0-9]*[A-Z])s?\b")


def _plain_text(cells: list) -> str:
    """What a reader reads in the cells: markdown sources and the text of outputs, no markup."""
    parts = []
    for cell in cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(data.get("text/markdown") or data.get("text/html") or "")
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", "\n".join(map(str, parts)), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def undefined_abbreviations(text: str) -> list[str]:
    """Abbreviations a reader meets that the glossary does not define (a test keeps this empty)."""
    found = set(_ABBREVIATION.findall(text)) - NOT_ABBREVIATIONS
    return sorted(found - set(GLOSSARY))


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


# The sections of the public document that need a source the area may not have, and how the
# data note names the missing source in plain words.
NEEDS = {
    "performance": ("performance", "partners' performance returns",
                    "partners' performance returns against the partnership's targets"),
    "road_safety": ("road_safety", "road casualty data",
                    "road casualties: the Department for Transport's road safety data"),
    "fire": ("fire", "fire and rescue service activity data",
             "fire and rescue: the fire and rescue service's activity return"),
}  # fmt: skip
TECHNICAL = "technical"  # the technical appendix: its own page, never in the public document


def has_data(sid: str, figures: dict) -> bool:
    """Whether a section has anything to show; those without are left out of the document."""
    if sid in NEEDS:
        return bool(figures.get(NEEDS[sid][0]))
    if sid == "public":
        return bool((figures.get("public") or {}).get("available"))
    return sid != TECHNICAL


def _missing_sources(figures: dict, sids: list[str]) -> list[str]:
    out = [NEEDS[s][1] for s in sids if s in NEEDS and not has_data(s, figures)]
    if "public" in sids and not has_data("public", figures):
        out.append("residents' survey results")
    return out


def cover(figures: dict, produced: str | None, partners: list[str]) -> nbformat.NotebookNode:
    """The cover: what, where, when, by whom; a page of its own when printed."""
    name, label = figures["area"]["name"], figures["period"]["label"]
    lines = [
        '<section class="csp-cover">',
        '<p class="csp-cover-kicker">Community Safety Partnership</p>',
        "<h1>Community Safety Strategic Assessment</h1>",
        f'<p class="csp-cover-area">{html.escape(name)}</p>',
        f'<p class="csp-cover-period">{html.escape(label)}</p>',
    ]
    if partners:
        lines.append(f"<p>Prepared for the partnership: {html.escape(join_names(partners))}.</p>")
    if produced:
        lines.append(f"<p>Produced {html.escape(produced)}.</p>")
    if figures["area"]["synthetic"]:
        lines.append(
            '<p class="csp-cover-synthetic"><strong>Synthetic sample data.</strong> This document '
            "is produced from a generated, fictional area to show what the pipeline produces; no "
            "figure in it describes a real place.</p>"
        )
    lines.append("</section>")
    return _md("\n".join(lines), anchor="top")


def front_matter(
    figures: dict, toc: list[tuple[str, str]], sentences: list[str]
) -> list[nbformat.NotebookNode]:
    """Contents, introduction, executive summary and overview."""
    name, label = figures["area"]["name"], figures["period"]["label"]
    cells = [
        _md(
            '<nav class="csp-contents" aria-labelledby="contents">\n\n<h2 id="contents">Contents</h2>\n\n'
            + "\n".join(f"{i}. [{title}](#{anchor})" for i, (anchor, title) in enumerate(toc, 1))
            + "\n\n</nav>"
        )
    ]
    compared = figures["crime"].get("previous_total") is not None
    comparison = (
        f"and compares it with {figures['period']['previous']['label']}"
        if compared
        else f"(there is no data for {figures['period']['previous']['label']} to compare it with)"
    )
    cells.append(
        _md(
            "## Introduction\n\n"
            f"{name} Community Safety Partnership brings together the agencies responsible for reducing crime "
            "and disorder. Each year it must assess the levels and patterns of crime, anti-social behaviour and "
            "substance misuse, review progress against its priorities and set priorities for the year ahead. "
            f"This assessment covers **{label}** {comparison}. Every figure in it is produced by a "
            "reproducible pipeline from the sources listed under *Background and data*; the technical "
            "appendix lists every check, file and setting used.",
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


def background(figures: dict, sids: list[str], unchecked: list[str]) -> nbformat.NotebookNode:
    """The statutory basis and a short data note, in plain words; detail is in the appendix."""
    name = figures["area"]["name"]
    months = figures.get("months_present")
    text = (
        "## Background and data\n\n"
        "Community Safety Partnerships must carry out an annual strategic assessment of crime and "
        "disorder under Regulation 5 of the Crime and Disorder (Formulation and Implementation of "
        "Strategy) Regulations 2007. This assessment is based on published and partner data:\n\n"
        f"- recorded crime and anti-social behaviour: police.uk street-level data ({months} months "
        "of the period); locations are approximate, to protect privacy;\n"
        "- population: Office for National Statistics mid-year estimates;\n"
        "- wards and neighbourhoods: Office for National Statistics lookups"
    )
    context = (figures["crime"].get("context") or {}).get("deprivation") or {}
    if context.get("available"):
        text += ";\n- deprivation: the English Indices of Deprivation"
    for sid, (_key, _missing, words) in NEEDS.items():
        if sid in sids and has_data(sid, figures):
            text += f";\n- {words}"
    if "public" in sids and has_data("public", figures):
        text += f";\n- residents' views: the {figures['public']['survey']}"
    text += ".\n\n"
    missing = _missing_sources(figures, sids)
    if missing:
        text += (
            f"{'This source is' if len(missing) == 1 else 'These sources are'} not available for "
            f"{name} in this assessment, so {'its section is' if len(missing) == 1 else 'their sections are'} "
            f"left out: {join_names(missing)}.\n\n"
        )
    if unchecked:
        text += (
            "Numbers typed in the partnership's commentary that match no figure in this assessment, "
            f"so have not been checked: {join_names(unchecked)}.\n\n"
        )
    text += (
        "Every check run on the data, the files read and the settings used are in the "
        "[technical appendix](technical.html)."
    )
    return _md(text, anchor="background")


def glossary(text: str = "") -> nbformat.NotebookNode:
    """The terms the document uses, defined (all of them when ``text`` is empty)."""
    used = [t for t in GLOSSARY
            if not text or (t in text if t.isupper() or t == "[c]" else t.lower() in text.lower())]  # fmt: skip
    items = "\n".join(f"- **{term}**: {GLOSSARY[term]}" for term in used)
    return _md("## Glossary of terms\n\n" + items, anchor="glossary")


def assemble(
    figures: dict,
    sections: list[tuple[str, str, Path]],
    *,
    produced: str | None = None,
    partners: list[str] | None = None,
    unchecked: list[str] | None = None,
) -> nbformat.NotebookNode:
    """The public document: cover, contents, front matter, each section with data, background,
    glossary. The technical appendix and sections without data are left out (the data note
    names what is missing).

    ``sections`` is ``[(anchor, title, executed_notebook_path), ...]`` in reading order.
    Cells tagged ``parameters``, ``injected-parameters`` or ``remove`` are left out.
    """
    sentences = _summary(figures)
    sids = [a for a, _, _ in sections]
    shown = [(a, t, p) for a, t, p in sections if has_data(a, figures)]
    toc = [("introduction", "Introduction")]
    toc += [("summary", "Executive summary")] if sentences else []
    toc += [
        ("overview", "Overview"),
        *[(a, t) for a, t, _ in shown],
        ("background", "Background and data"),
        ("glossary", "Glossary of terms"),
    ]
    doc = nbformat.v4.new_notebook()
    doc.cells = [cover(figures, produced, partners or []), *front_matter(figures, toc, sentences)]
    for anchor, _title, path in shown:
        nb = nbformat.read(path, as_version=4)
        doc.metadata = nb.metadata
        doc.cells.append(_md("", anchor=anchor))
        for cell in nb.cells:
            if set(cell.get("metadata", {}).get("tags", [])) & REVIEWER_HIDDEN_TAGS:
                continue
            doc.cells.append(cell)
    doc.cells.append(background(figures, sids, unchecked or []))
    doc.cells.append(glossary(_plain_text(doc.cells)))
    for i, cell in enumerate(doc.cells):
        cell["id"] = f"doc-{i:03d}"  # unique, stable ids across the merged notebooks
    return doc
