"""Write the section notebooks (outputs stripped). Kept as a script so that the notebooks'
structure is reviewable as code; analysts may equally edit the .ipynb in JupyterLab."""

from pathlib import Path

import nbformat as nbf

KERNEL = {"display_name": "CSP assessment", "language": "python", "name": "csp-assessment"}
ROOT = Path(__file__).resolve().parents[1] / "notebooks"


def code(src, tags=None):
    cell = nbf.v4.new_code_cell(src.strip())
    if tags:
        cell.metadata["tags"] = tags
    return cell


def md(src):
    return nbf.v4.new_markdown_cell(src.strip())


SETUP = """
%load_ext autoreload
%autoreload 2
%matplotlib inline
from IPython.display import Markdown, display

from analysis.notebook import load_context
from analysis.report import charts, crime
from analysis.report.formatting import reader_table
"""

PARAMS = """
# Parameters (papermill replaces these; the defaults run interactively)
area = "sample"  # configuration in config/<area>.yaml
period = "fy2024-25"  # period slug, see: python -m analysis.run --list-periods
work_dir = ""  # folder with figures.json and validation.json (blank: last run, or build now)
data_dir = ""  # raw data folder (blank: the configuration data_dir)
processed_dir = ""  # processed data folder (blank: data/processed)
"""

crime = nbf.v4.new_notebook()
crime.metadata["kernelspec"] = KERNEL
crime.cells = [
    code(SETUP, ["remove"]),
    code(PARAMS + 'measure = "crime"  # "crime" or "asb"\n', ["parameters"]),
    code("""
ctx = load_context(area, period, work_dir, data_dir, processed_dir)
figures, fig = ctx.figures, ctx.figures[measure]
title = "All recorded crime" if measure == "crime" else "Anti-social behaviour (ASB)"
display(Markdown(f"# {title}: {ctx.config.name}, {ctx.period.label}"))
display(Markdown(crime.headline_markdown(figures, measure)))
"""),
    code("""display(reader_table(crime.summary_table(figures, measure), f"summary-{measure}"))"""),
    md(
        "## General trend\nTotals for every period of data held, aligned with the period assessed. "
        "Periods with missing months are shown hatched and are not comparable."
    ),
    code("""charts.show(charts.trend_chart(fig, measure, ctx.config.name))"""),
    md("## Seasonality\nCounts per month in the period; the dashed line is the monthly average."),
    code(
        """charts.show(charts.seasonality_chart(fig, measure, ctx.config.name, ctx.period.label))"""
    ),
    code("""
if measure == "crime":
    display(Markdown("## Breakdown of crime types\\nCrime types are grouped so that they stay comparable "
                     "across police.uk's category changes (e.g. shoplifting, bicycle theft and theft from "
                     "the person are counted under Theft)."))
    charts.show(charts.type_chart(fig["by_type"], ctx.period.label))
    display(reader_table(crime.types_table(fig), "types"))
    display(Markdown("## What drove the change\\n" + crime.drivers_markdown(fig)))
    if fig["by_group_change"]:
        display(reader_table(crime.group_change_table(fig), "drivers"))
        display(Markdown("Whether a change is beyond normal variation allows for crime counts swinging "
                         "more from month to month than chance alone would make them, and for testing "
                         "every group at once."))
else:
    display(Markdown("police.uk publishes ASB incidents without a breakdown by type, so none is shown."))
"""),
    md("## Hotspots: wards"),
    code("""
display(Markdown(f"The {len(fig['top_wards'])} wards with most {'crimes' if measure == 'crime' else 'ASB incidents'} "
                 f"({figures['wards']['set']}); share = their % of the area's total."))
display(reader_table(crime.wards_table(fig), f"wards-{measure}"))
if fig["rows_without_ward"]:
    display(Markdown(f"{fig['rows_without_ward']:,} rows could not be placed in a ward of this ward set."))
if ctx.boundaries and not ctx.boundaries.get("missing"):
    map_title = f"{fig['label'].capitalize()} by ward, {ctx.period.label}"
    charts.show(charts.ward_map(ctx.boundaries, fig["by_ward"], measure, map_title))
elif ctx.boundaries:
    display(Markdown(crime.map_left_out(ctx.boundaries["missing"])))
else:
    display(Markdown("There is no ward boundary file for this ward set, so the ward map is left out."))
"""),
    md("## Peer comparison"),
    code("""
peers = fig["peers"]
if peers.get("available"):
    charts.show(charts.peer_chart(peers, measure, ctx.period.label))
    display(reader_table(crime.peers_table(peers), f"peers-{measure}"))
    display(Markdown(f"Population: {figures['population']['note']} for every authority. "
                     f"Peers: {peers['rule']}." + crime.peers_left_out(peers)))
else:
    display(Markdown("No peer comparison is available for this period."))
"""),
]

context = nbf.v4.new_notebook()
context.metadata["kernelspec"] = KERNEL
context.cells = [
    code(
        SETUP.replace(
            "import charts, crime", "import charts\nfrom analysis.report import context as sections"
        ),
        ["remove"],
    ),
    code(PARAMS, ["parameters"]),
    code("""
ctx = load_context(area, period, work_dir, data_dir, processed_dir)
figures = ctx.figures
display(Markdown(f"# The crime picture in context: {ctx.config.name}, {ctx.period.label}"))
"""),
    md(
        "## Where rates are high for the number of residents\nA funnel plot sets each ward's rate "
        "per 1,000 residents against its population: small wards vary more by chance, so their limits "
        "are wider. Ward populations add up the residents of each ward's neighbourhoods (LSOAs)."
    ),
    code("""
for measure, title in (("crime", "Recorded crime"), ("asb", "Anti-social behaviour")):
    c = figures[measure].get("context") or {}
    display(Markdown(f"### {title}"))
    display(Markdown(sections.wards_markdown(c, measure)))
    if (c.get("funnel") or {}).get("available"):
        charts.show(charts.funnel_chart(c["funnel"], measure, ctx.config.name, ctx.period.label))
        table = sections.wards_outside_table(c)
        if len(table):
            display(table.style.hide(axis="index").set_uuid(f"outside-{measure}"))
    display(Markdown(sections.concentration_markdown(c, measure)))
"""),
    md("## Crime and deprivation"),
    code("""
for measure, title in (("crime", "Recorded crime"), ("asb", "Anti-social behaviour")):
    c = figures[measure].get("context") or {}
    display(Markdown(f"### {title}"))
    display(Markdown(sections.deprivation_markdown(c, measure)))
    dep = c.get("deprivation") or {}
    if dep.get("available"):
        if dep.get("has_population"):
            charts.show(charts.decile_chart(dep["deciles"], measure, ctx.period.label))
        display(sections.deprivation_table(c).style.hide(axis="index").set_uuid(f"deciles-{measure}"))
"""),
]

public = nbf.v4.new_notebook()
public.metadata["kernelspec"] = KERNEL
public.cells = [
    code(
        SETUP.replace("import charts, crime", "import charts, public, plain_table").replace(
            "from analysis.report import charts, public, plain_table",
            "from analysis.report import charts, public\nfrom analysis.report.formatting import plain_table",
        ),
        ["remove"],
    ),
    code(PARAMS, ["parameters"]),
    code("""
ctx = load_context(area, period, work_dir, data_dir, processed_dir)
survey = ctx.figures["public"]
display(Markdown(f"# Listening to the public: {ctx.config.name}, {ctx.period.label}"))
display(Markdown(public.public_markdown(survey)))
"""),
    code("""
if survey.get("available") and survey.get("concerns"):
    display(Markdown("## The problems residents name"))
    charts.show(charts.concerns_chart(survey["concerns"], survey["survey"]))
if survey.get("available"):
    display(Markdown("## Differences between groups of residents"))
    display(Markdown(public.differences_markdown(survey)))
    display(Markdown("## Change since the last survey"))
    display(Markdown(public.changes_markdown(survey)))
"""),
    code("""
if survey.get("available"):
    display(Markdown("## Every answer"))
    for i, q in enumerate(survey["questions"]):
        display(Markdown(f"**{q['question']}** ({q['base']:,} answered)"))
        display(plain_table(public.question_table(q)).set_uuid(f"question-{i}"))
    display(Markdown(public.caveats_markdown(survey)))
"""),
]

priorities = nbf.v4.new_notebook()
priorities.metadata["kernelspec"] = KERNEL
priorities.cells = [
    code(SETUP.replace("import charts, crime", "import priorities"), ["remove"]),
    code(PARAMS, ["parameters"]),
    code("""
ctx = load_context(area, period, work_dir, data_dir, processed_dir)
proposal = ctx.figures["priorities"]
display(Markdown(f"# Proposed priorities: {ctx.config.name}, {ctx.period.label}"))
display(Markdown(priorities.priorities_markdown(proposal)))
"""),
    md(
        "## How the issues were scored\nEach issue is scored 0 to 3 on each criterion that applies to "
        "it (a dash where none does): **volume**, its share of recorded crime and ASB; **trend**, a rise "
        "beyond normal variation scores highest, then a rise three periods running; **peers**, the area's "
        "rank among the force's authorities; **harm**, an indicative weight from the register of "
        "candidate issues (each with its source; the partnership should replace them with weights it "
        "agrees); **public concern**, how high residents "
        "ranked the issue among the problems they named in the survey; **partners**, red and amber indicators in the "
        "partners' returns on the theme. The score is the weighted average of the criteria scored."
    ),
    code("""display(priorities.priorities_styler(proposal))"""),
]

dq = nbf.v4.new_notebook()
dq.metadata["kernelspec"] = KERNEL
dq.cells = [
    code(
        SETUP.replace("import charts, crime", "import data_quality"),
        ["remove"],
    ),
    code(PARAMS, ["parameters"]),
    code("""
ctx = load_context(area, period, work_dir, data_dir, processed_dir)
figures = ctx.figures
display(Markdown(f"# Technical appendix: {ctx.config.name}, {ctx.period.label}"))
display(Markdown("Data sources and caveats, the files read and the rows kept or left out, every data check "
                 "run, and the settings used, for analysts and auditors. The assessment itself is in "
                 "[the full assessment](assessment.html)."))
if figures["area"]["synthetic"]:
    display(Markdown("**This assessment uses synthetic sample data** generated by this project's sample generator: "
                     "the area, its wards and every figure are fictional."))
"""),
    md(
        "## Sources and caveats\nArea and wards come from ONS best-fit LSOA-to-ward-to-local-authority "
        "lookups: each row's LSOA code is joined to the lookup of its LSOA vintage (2011 or 2021)."
    ),
    code("""display(Markdown(data_quality.data_notes(figures, ctx.checks, ctx.files)))"""),
    md("### Rows read and excluded, by file"),
    code("""
display(data_quality.rows_table(ctx.files, ctx.period))
"""),
    md(
        "## Validation summary\nEvery check run on the raw extract and the processed table. A critical "
        "failure stops the run before analysis, so any page you read passed every critical check; "
        "warnings are listed for information."
    ),
    code("""display(data_quality.validation_table(ctx.checks))"""),
    md(
        "## Configuration used\nThe area's settings as read from its configuration file (also in `manifest.json`)."
    ),
    code("""display(Markdown(data_quality.config_markdown(figures["config"])))"""),
]


def partner_setup(*imports: str) -> str:
    """The set-up cell of a partner notebook, importing only what it uses."""
    return SETUP.replace(
        "from analysis.notebook import load_context\nfrom analysis.report import charts, crime",
        "\n".join(imports),
    )


def partner_notebook(key: str, title: str, body: str, imports: tuple[str, ...]) -> nbf.NotebookNode:
    """A partner section: its table from the run, or one line saying the return is absent."""
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.cells = [
        code(partner_setup(*imports), ["remove"]),
        code(
            PARAMS + "suppress_below = 10  # disclosure control: smaller counts are shown as [c]\n",
            ["parameters"],
        ),
        code(f"""
ctx = load_context(area, period, work_dir, data_dir, processed_dir)
figures = ctx.figures
display(Markdown(f"# {title}: {{ctx.config.name}}, {{ctx.period.label}}"))
section_figures = figures.get("{key}")
if section_figures is None:
    display(Markdown(figures["partner_notes"].get("{key}", "No return for this period.")))
"""),
        code(body),
    ]
    if key == "performance":
        nb.cells.append(
            code(
                """
# Analyst view only (tagged analyst-only: left out of reviewer pages): the values hidden as [c].
if section_figures is not None:
    raw = period_rows(ctx.table("performance"), ctx.period.start, ctx.period.end)
    hidden = suppress_indicators(raw, suppress_below)["suppressed"]
    display(Markdown("**RESTRICTED: not for publication.** Values shown as [c] to reviewers: "
                     + (f"{int(hidden.sum())}." if hidden.any() else "none.")))
    if hidden.any():
        display(partners.reviewer_table(raw[hidden.to_numpy()]))
""",
                ["analyst-only"],
            )
        )
    return nb


performance = partner_notebook(
    "performance",
    "Progress on priorities",
    """
if section_figures is not None:
    counts = section_figures["rag_counts"]
    display(Markdown(
        f"{section_figures['n_indicators']} indicators from partners' returns: **{counts['green']} green, {counts['amber']} amber, "
        f"{counts['red']} red**, {counts['n_a']} without a numeric target (N/A). RAG: green where the target "
        "is met, amber where it is missed by no more than the tolerance, red otherwise. Arrows: ▲ up, ▼ down, "
        "◆ no change; counts change in %, percentages in percentage points. Counts below "
        f"{suppress_below} are shown as [c] to protect confidentiality."))
    rows = period_rows(ctx.table("performance"), ctx.period.start, ctx.period.end)
    rows = suppress_indicators(rows, suppress_below)
    for i, (priority, group) in enumerate(rows.groupby("priority", sort=False)):
        display(Markdown(f"## {priority}"))
        table = partners.reviewer_table(group).drop(columns=["Priority"])
        display(partners.rag_styler(table, "RAG").set_uuid(f"rag{i}"))
    if section_figures["not_machine_readable"]:
        display(Markdown("**Targets that are not machine-readable** (kept as written, no RAG): " + "; ".join(
            f"{t['indicator']}: {t['target_text']!r}" for t in section_figures["not_machine_readable"])))
""",
    (
        "from analysis.measures.disclosure import suppress_indicators",
        "from analysis.measures.partners import period_rows",
        "from analysis.notebook import load_context",
        "from analysis.report import partners",
    ),
)
road = partner_notebook(
    "road_safety",
    "Road safety",
    """
if section_figures is not None:
    display(Markdown(partners.road_markdown(section_figures)))
    settings = ctx.config.raw["partners"]["road_safety"]
    table = ctx.table("road_safety")
    charts.show(charts.road_trend_chart(
        table, measure="ksi", baseline=section_figures.get("baseline"), target=settings.get("target"),
        area_name=ctx.config.name))
    shown, source = partners.road_table(table)
    display(plain_table(shown))
    display(Markdown(source))
""",
    (
        "from analysis.notebook import load_context",
        "from analysis.report import charts, partners",
        "from analysis.report.formatting import plain_table",
    ),
)
fire = partner_notebook(
    "fire",
    "Fire and rescue activity",
    """
if section_figures is not None:
    tidy = ctx.table("fire")
    display(Markdown(f"Activity of the fire and rescue service in {ctx.config.name} by financial year "
                     f"({section_figures['basis']})."))
    change = fire_change_table(tidy, section_figures["year"])
    columns = {"activity": "Activity", "previous": section_figures["previous_year"],
               "latest": section_figures["year"], "change": "Change", "change_text": "Change (%)",
               "change_is": "Better or worse"}
    display(plain_table(change[list(columns)].rename(columns=columns)))
    charts.show(charts.fire_trend_chart(tidy, area_name=ctx.config.name))
""",
    (
        "from analysis.measures.fire import fire_change_table",
        "from analysis.notebook import load_context",
        "from analysis.report import charts",
        "from analysis.report.formatting import plain_table",
    ),
)

for name, nb in (
    ("20_crime_and_asb.ipynb", crime),
    ("25_context.ipynb", context),
    ("10_data_quality.ipynb", dq),
    ("30_performance.ipynb", performance),
    ("40_road_safety.ipynb", road),
    ("50_fire.ipynb", fire),
    ("55_public.ipynb", public),
    ("60_priorities.ipynb", priorities),
):
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating gives no diff
    nbf.write(nb, ROOT / name)
    print("wrote", ROOT / name)
