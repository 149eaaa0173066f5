"""Render executed notebooks to self-contained HTML, and the index of all assessments.

Two renderings per notebook: a reviewer page with no code, prompts or stderr (what a
councillor reads), and an analyst page with the code. Both use the ``csp`` template, which
removes every script nbconvert would fetch from a CDN, so pages open offline; charts are
already embedded as PNG data in the notebook outputs.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"


# Cells with these tags never reach reviewers: parameters, set-up, and analyst-only cells that
# show restricted (unsuppressed) values.
REVIEWER_HIDDEN_TAGS = {"parameters", "injected-parameters", "remove", "analyst-only"}


def _strip_for_reviewer(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove stderr streams and cells tagged ``remove`` or ``parameters`` from reviewer output."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REVIEWER_HIDDEN_TAGS:
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        cells.append(cell)
    nb.cells = cells
    return nb


def render_notebook(
    executed: Path | nbformat.NotebookNode,
    out_html: Path,
    *,
    with_code: bool,
    title: str,
    nav_html: str = "",
    banner: str = "",
    footer_html: str = "",
) -> None:
    """Write one HTML page from an executed notebook (temp file, then rename)."""
    if isinstance(executed, nbformat.NotebookNode):
        nb = executed
    else:
        nb = nbformat.read(executed, as_version=4)
    if not with_code:
        nb = _strip_for_reviewer(nb)
    exporter = HTMLExporter(
        template_name="csp",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not with_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "csp_nav": nav_html,
            "csp_banner": banner,
            "csp_footer": footer_html,
        },
    )
    # tables scroll sideways on a phone (their own scroll box): keyboard users must reach them
    body = re.sub(r"<table(?![^>]*tabindex)", '<table tabindex="0"', body)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_html.with_suffix(".html.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out_html)


INDEX_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:1000px;margin:0 auto;padding:12px;color:#1b1b1b}
table{border-collapse:collapse;margin:8px 0 24px;display:block;overflow-x:auto;max-width:100%}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left}td.n{text-align:right}
.synthetic{background:#fff3cd;border:1px solid #e0c060;padding:2px 6px}
a{color:#1d70b8}
@media (max-width:700px){table,thead,tbody,tr,td{display:block}thead{position:absolute;left:-9999px}
tr{border:1px solid #bbb;margin:0 0 12px;padding:4px}td{border:none;padding:2px 4px;text-align:left}
td.n{text-align:left}td::before{content:attr(data-label) ": ";font-weight:600}}
"""


def provenance_html(manifest: dict) -> str:
    """The provenance note that ends every page: commit, configuration, inputs, versions.

    Run times are left out so that the pages are byte-identical between runs; they are in
    ``manifest.json``. Paths are relative to the data folder: no local paths or user names.
    """
    git = manifest["git"]
    commit = (git["commit"] or "unknown")[:12] + (
        " (with uncommitted changes)" if git["dirty"] else ""
    )
    inputs = "".join(
        f"<tr><td>{html.escape(i['file'])}</td><td class=n>{_fmt(i['rows']) if i['rows'] is not None else ''}</td>"
        f"<td><code>{i['sha256'][:16]}</code></td></tr>"
        for i in manifest["inputs"]
    )
    versions = ", ".join(f"{k} {v}" for k, v in manifest["packages"].items() if v)
    return (
        '<footer class="csp-provenance"><h2 id="provenance">Provenance</h2>'
        f"<p>Produced by the CSP assessment pipeline, commit <code>{html.escape(commit)}</code>, from "
        f"<code>{html.escape(manifest['config']['config_file'])}</code> (settings in <code>manifest.json</code>). "
        f"Python {manifest['python']}; {html.escape(versions)}.</p>"
        "<details><summary>Input files (SHA-256)</summary><table><thead><tr><th>File</th><th>Rows</th>"
        f"<th>SHA-256 (first 16)</th></tr></thead><tbody>{inputs}</tbody></table></details></footer>"
    )


def short_provenance_html(manifest: dict) -> str:
    """The public document's provenance line: the commit, and where the full record is."""
    git = manifest["git"]
    commit = (git["commit"] or "unknown")[:12]
    return (
        '<footer class="csp-provenance"><h2 id="provenance">Provenance</h2>'
        f"<p>Produced by the CSP assessment pipeline (version <code>{html.escape(commit)}</code>). "
        'The <a href="technical.html">technical appendix</a> lists every data check, file read '
        "and setting used, with the files' checksums.</p></footer>"
    )


def _fmt(n: object, suffix: str = "") -> str:
    if n is None:
        return "n/a"
    if isinstance(n, float):
        return f"{n:+,.1f}{suffix}" if suffix else f"{n:,.1f}"
    return f"{n:,}"


def _rag_counts(fig: dict) -> str:
    perf = fig.get("performance") or {}
    counts = perf.get("rag_counts")
    if not counts:
        return "no return"
    return ", ".join(f"{counts.get(k, 0)} {label}" for k, label in
                     (("green", "green"), ("amber", "amber"), ("red", "red"), ("n_a", "N/A")))  # fmt: skip


def write_index(outputs_dir: Path) -> Path:
    """``outputs/index.html``: every area and period found, with headline numbers and links."""
    rows_by_area: dict[str, list[tuple[tuple[str, str], str]]] = {}
    names: dict[str, tuple[str, bool]] = {}
    for fig_path in sorted(outputs_dir.glob("*/*/figures.json")):
        fig = json.loads(fig_path.read_text(encoding="utf-8"))
        area_dir, period_dir = fig_path.parent.parent.name, fig_path.parent.name
        names[area_dir] = (fig["area"]["name"], fig["area"]["synthetic"])
        sections = (
            json.loads((fig_path.parent / "sections.json").read_text())
            if (fig_path.parent / "sections.json").exists()
            else []
        )
        links = " · ".join(
            f'<a href="{area_dir}/{period_dir}/{html.escape(s["file"])}">{html.escape(s["title"])}</a>'
            + (
                f' (<a href="{area_dir}/{period_dir}/analyst/{html.escape(s["file"])}">with code</a>)'
                if (fig_path.parent / "analyst" / s["file"]).exists()
                else ""
            )
            for s in sections
        )
        c, a = fig["crime"], fig["asb"]
        cells = [
            ("Period", "", html.escape(fig["period"]["label"])),
            ("Crimes", "n", _fmt(c["total"])), ("Change", "n", _fmt(c["change_pct"], "%")),
            ("Crimes per 1,000", "n", _fmt(c["rate_per_1000"])),
            ("Rate rank in force", "n", f"{c['peers']['rank']} of {c['peers']['of']}"
             if (c.get("peers") or {}).get("available") else "n/a"),
            ("ASB incidents", "n", _fmt(a["total"])), ("Change", "n", _fmt(a["change_pct"], "%")),
            ("Months of data", "n", f"{fig['months_present']} of {fig['months_expected']}"),
            ("Partners' indicators (RAG)", "", _rag_counts(fig)), ("Sections", "", links),
        ]  # fmt: skip
        row = "<tr>" + "".join(
            f'<td data-label="{label}"{" class=n" if cls else ""}>{value}</td>'
            for label, cls, value in cells
        ) + "</tr>"  # fmt: skip
        # latest first: by the period's last month, then its first (a 12-month period before a
        # shorter one ending the same month)
        key = (fig["period"]["end"], fig["period"]["start"])
        rows_by_area.setdefault(area_dir, []).append((key, row))
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Community Safety Strategic Assessments</title><style>{INDEX_CSS}</style></head><body>",
        "<h1>Community Safety Strategic Assessments</h1>",
    ]
    if not rows_by_area:
        parts.append("<p>No assessments have been produced yet. Run <code>make all</code>.</p>")
    for area_dir, rows in sorted(rows_by_area.items()):
        name, synthetic = names[area_dir]
        flag = ' <span class="synthetic">synthetic sample data</span>' if synthetic else ""
        parts.append(f"<h2>{html.escape(name)}{flag}</h2>")
        parts.append(
            "<table><thead><tr><th>Period</th><th>Crimes</th><th>Change</th><th>Crimes per 1,000</th>"
            "<th>Rate rank in force</th>"
            "<th>ASB incidents</th><th>Change</th><th>Months of data</th><th>Partners' indicators (RAG)</th>"
            "<th>Sections</th></tr></thead><tbody>"
        )
        parts.extend(row for _, row in sorted(rows, key=lambda r: r[0], reverse=True))
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    out = outputs_dir / "index.html"
    outputs_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".html.{os.getpid()}.tmp")  # unique: areas may finish in parallel
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(out)
    return out
