"""One entry point: ``python -m analysis.run --area sample [--data-dir DIR] [--period SLUG]``.

For each period of the area: ingest and validate (once per area), compute figures, execute
the section notebooks with papermill (through its API, in this one process), render a
reviewer and an analyst HTML for each, write a manifest, and only then swap the finished
folder into ``outputs/<area>/<period>/``. A failure at any step leaves the previous good
outputs untouched. Exit status: 0 on success, 2 on bad input or configuration (with a
message naming the file, row and column), 1 on an unexpected error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import sys
from pathlib import Path

import nbformat

from analysis import store
from analysis.config import REPO_ROOT, AreaConfig, ConfigError, check_inputs_exist, load_config
from analysis.errors import PipelineError
from analysis.kernel import KERNEL, NOTEBOOKS, SharedKernel, period_kernel
from analysis.periods import Period
from analysis.pipeline import (
    AreaData,
    ensure_sample_data,
    ingest_area,
    load_processed,
    prepare_period,
)
from analysis.provenance import manifest, produced_date
from analysis.report.commentary import commentary_cell_source, commentary_files, load_commentary
from analysis.report.document import assemble, has_data
from analysis.report.pdf import write_pdf
from analysis.report.render import (
    provenance_html,
    render_notebook,
    short_provenance_html,
    write_index,
)
from analysis.sources.partners import configured_files
from analysis.sources.survey import survey_settings

log = logging.getLogger("analysis.run")
OUTPUTS = Path(os.environ.get("CSP_OUTPUT_DIR", REPO_ROOT / "outputs"))
BUILD = Path(os.environ.get("CSP_BUILD_DIR", REPO_ROOT / ".build"))

# (section id, title, notebook, extra parameters) in reading order
SECTIONS = [
    ("crime", "All recorded crime", "20_crime_and_asb.ipynb", {"measure": "crime"}),
    ("asb", "Anti-social behaviour", "20_crime_and_asb.ipynb", {"measure": "asb"}),
    ("context", "The crime picture in context", "25_context.ipynb", {}),
    ("performance", "Progress on priorities", "30_performance.ipynb", {}),
    ("road_safety", "Road safety", "40_road_safety.ipynb", {}),
    ("fire", "Fire and rescue activity", "50_fire.ipynb", {}),
    ("public", "Listening to the public", "55_public.ipynb", {}),
    ("priorities", "Proposed priorities", "60_priorities.ipynb", {}),
    ("technical", "Technical appendix", "10_data_quality.ipynb", {}),
]


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Papermill only warns about unknown parameters; we refuse them."""
    import papermill as pm

    declared = set(pm.inspect_notebook(str(notebook)).keys())
    unknown = set(parameters) - declared
    if unknown:
        raise ConfigError(
            f"{notebook.name} has no parameter(s) {', '.join(sorted(unknown))}; it declares: {', '.join(sorted(declared))}"
        )


def _nav(
    config: AreaConfig, period: Period, current: str, prefix: str = "", figures: dict | None = None
) -> str:
    """The menu: sections without data are left out (their pages only say so)."""
    links = [f'<a href="{prefix}../../index.html">All assessments</a>']
    full = "<strong>Full assessment</strong>" if current == "assessment" else "Full assessment"
    links.append(f'<a href="{prefix}assessment.html">{full}</a>')
    for sid, title, _, _ in SECTIONS:
        if (
            figures is not None
            and sid != "technical"
            and sid != current
            and not has_data(sid, figures)
        ):
            continue
        label = f"<strong>{title}</strong>" if sid == current else title
        links.append(f'<a href="{sid}.html">{label}</a>')
    return f"{config.name} &middot; {period.label}: " + " ".join(links)


def build_period(
    config: AreaConfig, data: AreaData, period: Period, started: str, processed: Path
) -> Path:
    """Build one period aside (``.build/``), from the processed tables under ``processed``."""
    build = BUILD / config.area / f"{period.slug}.{os.getpid()}"
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    try:
        with period_kernel() as kernel:
            _build_period(config, data, period, started, build, kernel, processed)
    except BaseException:
        log.error(
            "%s %s failed; partial build kept for inspection in %s",
            config.area,
            period.slug,
            os.path.relpath(build, REPO_ROOT),
        )
        raise
    return build


def publish_period(config: AreaConfig, period: Period, build: Path) -> Path:
    """Swap a finished build into outputs/<area>/<period>/ (two renames)."""
    final = OUTPUTS / config.area / period.slug
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{period.slug}.old.{os.getpid()}")
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    log.info("%s %s: wrote %s", config.area, period.slug, os.path.relpath(final, REPO_ROOT))
    return final


def run_period(config: AreaConfig, data: AreaData, period: Period, started: str) -> Path:
    """Build one period aside, then swap it into outputs/<area>/<period>/."""
    return publish_period(
        config, period, build_period(config, data, period, started, store.PROCESSED)
    )


def publish_processed(staging: Path, area: str) -> None:
    """Swap a whole run's processed tables into data/processed/<area>/, keeping the tables of
    periods this run did not build."""
    final = store.PROCESSED / area
    if final.exists():
        for child in final.iterdir():
            if child.is_dir() and not (staging / child.name).exists():
                shutil.copytree(child, staging / child.name)
        old = final.with_name(f".{area}.old.{os.getpid()}")
        final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(final)


def _build_period(
    config: AreaConfig,
    data: AreaData,
    period: Period,
    started: str,
    build: Path,
    kernel: SharedKernel | None,
    processed: Path,
) -> None:
    """Figures, notebooks, pages and manifest of one period, all written into ``build``."""
    import papermill as pm

    figures = prepare_period(config, data, period, build, processed)
    rel_build = os.path.relpath(build, REPO_ROOT)
    provenance = manifest(config, data, period, started)
    commentary = load_commentary(config.source_file.parent, config.area, period.slug, figures,
                                 [sid for sid, *_ in SECTIONS])  # fmt: skip
    provenance["inputs"] += [
        {"file": c.path.relative_to(config.source_file.parent).as_posix(), "sha256": c.sha256,
         "rows": None, "kind": "commentary"} for c in commentary.values()
    ]  # fmt: skip
    footer, short_footer = provenance_html(provenance), short_provenance_html(provenance)
    banner = (
        "Synthetic sample data: every number on this page comes from a generated, fictional area "
        "and describes no real place."
        if config.synthetic
        else ""
    )
    sections = [{"id": "assessment", "title": "Full assessment", "file": "assessment.html"}]
    executed_sections = []
    for sid, title, nb_name, extra in SECTIONS:
        params = {
            "area": config.area,
            "period": period.slug,
            "work_dir": rel_build,
            "data_dir": os.path.relpath(config.data_dir, REPO_ROOT),
            "processed_dir": os.path.relpath(processed, REPO_ROOT),
            **extra,
        }
        nb = NOTEBOOKS / nb_name
        check_parameters(nb, params)
        executed = build / "notebooks" / f"{sid}.ipynb"
        executed.parent.mkdir(exist_ok=True)
        log.info("%s %s: running %s (%s)", config.area, period.slug, nb_name, sid)
        shared = {"km": kernel.km} if kernel else {}
        pm.execute_notebook(
            str(nb),
            str(executed),
            parameters=params,
            kernel_name=KERNEL,
            progress_bar=False,
            cwd=str(NOTEBOOKS),
            log_output=False,
            **shared,
        )
        if kernel:
            kernel.reset()
        if sid in commentary:  # the analysts' words, under the generated text
            done = nbformat.read(executed, as_version=4)
            cell = nbformat.v4.new_markdown_cell(commentary_cell_source(commentary[sid]))
            cell["id"] = "commentary"
            done.cells.append(cell)
            nbformat.write(done, executed)
        for with_code, out in (
            (False, build / f"{sid}.html"),
            (True, build / "analyst" / f"{sid}.html"),
        ):
            render_notebook(
                executed,
                out,
                with_code=with_code,
                title=f"{title}: {config.name} {period.short_label}"
                + (" (analyst view)" if with_code else ""),
                nav_html=_nav(config, period, sid, "../" if with_code else "", figures),
                banner=banner,
                # checksums and versions: the technical appendix and the analyst pages only
                footer_html=footer if with_code or sid == "technical" else short_footer,
            )
        if sid == "technical" or has_data(sid, figures):  # the index links sections with data
            sections.append({"id": sid, "title": title, "file": f"{sid}.html"})
        executed_sections.append((sid, title, executed))
    public = [s for s in executed_sections if s[0] != "technical"]
    unchecked = [f"{n} (commentary on {dict((a, t) for a, t, _ in executed_sections)[c.section].lower()})"
                 for c in commentary.values() for n in c.unchecked]  # fmt: skip
    render_notebook(
        assemble(
            figures,
            public,
            produced=produced_date(provenance),
            unchecked=unchecked,
            partners=[str(p) for p in config.raw.get("partnership") or []],
        ),
        build / "assessment.html",
        with_code=False,
        title=f"Community Safety Strategic Assessment: {config.name} {period.short_label}",
        nav_html=_nav(config, period, "assessment", figures=figures),
        banner=banner,
        footer_html=short_footer,
    )
    if write_pdf(build / "assessment.html", build / "assessment.pdf") is None:
        log.warning("%s %s: assessment.pdf not made: Chromium was not found (Debian: apt-get "
                    "install chromium; or set CSP_CHROMIUM)", config.area, period.slug)  # fmt: skip
    else:
        sections.append(
            {"id": "pdf", "title": "Full assessment (PDF, A4)", "file": "assessment.pdf"}
        )
    (build / "sections.json").write_text(json.dumps(sections, indent=2) + "\n")
    provenance["run"]["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    (build / "manifest.json").write_text(json.dumps(provenance, indent=2) + "\n")


def check_sections(config: AreaConfig) -> None:
    """The partners', survey and priorities settings, checked before any work is done (their
    readers own the rules); the message names the configuration file."""
    from analysis.measures.priorities import check_priority_settings
    from analysis.sources.partners import check_settings

    try:
        check_settings(config.raw.get("partners"))
        survey_settings(config.raw.get("survey"), config.data_dir)
        check_priority_settings(config.raw.get("priorities"))
    except ConfigError as exc:
        raise ConfigError(f"{config.source_file.name} {exc}") from None


def _prepare(area: str, data_dir: str | None) -> AreaConfig:
    config = load_config(area, data_dir)
    check_sections(config)
    ensure_sample_data(config)
    check_inputs_exist(config)
    os.environ.pop("MPLBACKEND", None)  # agg would silently drop inline charts from notebooks
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    return config


def run(
    area: str, data_dir: str | None = None, periods: list[str] | None = None, step: str = "all"
) -> list[Path]:
    """Run the pipeline, or one step of it (what ``make`` calls, so it can skip work).

    ``ingest`` reads and validates raw files into ``data/processed``; ``periods`` builds the
    chosen periods from the processed tables; ``index`` rewrites ``outputs/index.html``;
    ``all`` does the three in turn. Periods always read the processed tables back from disk,
    so a full run and a step-by-step ``make`` give identical results.
    """
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    config = _prepare(area, data_dir)
    chosen = [config.period_by_slug(p) for p in periods] if periods else list(config.periods)
    if step == "all":
        # the whole run aside: processed tables in a staging folder, periods in .build/; only
        # when every period has built are the processed tables, the periods and the index
        # swapped in, so a failed or interrupted run leaves outputs/ and data/processed/ as
        # they were
        staging = store.PROCESSED / f".staging-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            data = ingest_area(config, staging)
            builds = [(p, build_period(config, data, p, started, staging)) for p in chosen]
            publish_processed(staging / config.area, config.area)
            written = [publish_period(config, p, b) for p, b in builds]
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        write_index(OUTPUTS)
        return written
    written: list[Path] = []
    if step == "ingest":
        ingest_area(config)
    if step == "periods":
        data = load_processed(config)
        written = [run_period(config, data, p, started) for p in chosen]
    if step == "index":
        write_index(OUTPUTS)
    return written


def make_dependencies(area: str, data_dir: str | None, run_args: str) -> str:
    """Make rules for one area: what each period's outputs depend on.

    A period depends on the raw files up to its last month (its months, the comparison
    period and the trend), the lookups, population and boundaries it uses, the notebooks,
    the package and the suites. So a new month of data re-runs only the periods that
    include it, and a no-op ``make all`` runs nothing.
    """
    from analysis.periods import month_index
    from analysis.sources.police_uk import discover

    config = load_config(area, data_dir)
    ensure_sample_data(config)
    check_inputs_exist(config)
    files = discover(config.police_uk, config.forces)
    code = sorted(
        str(p)
        for pattern in (
            "src/analysis/**/*.py",
            "src/analysis/report/templates/**/*",
            "expectations/*.json",
        )
        for p in REPO_ROOT.glob(pattern)
        if p.is_file()
    )
    notebooks = sorted(str(p) for p in NOTEBOOKS.glob("*.ipynb"))
    settings = config.raw.get("partners")
    surveys = survey_settings(config.raw.get("survey"), config.data_dir)
    extra = {p for w in config.ward_sets for p in [*w.lookups.values(), w.boundaries] if p}
    common = [
        str(config.source_file),
        str(config.population),
        *map(str, config.lsoa_lookups.values()),
        *sorted(map(str, extra)),
        *([str(config.deprivation)] if config.deprivation else []),
        *map(str, configured_files(settings, config.data_dir)),
        *[str(f.path) for f in (surveys.files if surveys else ())],
    ]
    stamp = store.PROCESSED / config.area / "ingest_report.json"
    folders = sorted(
        {str(p) for folder in config.police_uk for p in [folder, *folder.rglob("*")] if p.is_dir()}
    )

    def listing(name: str, paths: list[str]) -> str:
        """A file naming the inputs, rewritten only when the set changes: a month that arrives
        with an old timestamp (copied with its dates kept) still triggers a rebuild."""
        path = BUILD / "deps" / f"{config.area}.{name}.inputs"
        text = "\n".join(paths) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        return str(path)

    def esc(paths: list[str]) -> str:
        return " \\\n  ".join(p.replace(" ", "\\ ") for p in paths)

    key = BUILD / "deps" / f"{config.area}.key"  # the data folder of the last build (Makefile)
    common.append(str(key))
    lines = [
        f"# Generated by python -m analysis.run --make-deps for area {config.area}; do not edit.",
        f"{key}:",
        "\t@mkdir -p $(dir $@) && touch $@",
        "",
        f"DEPS_{config.area} := {esc(folders + [str(config.source_file)])}",
        f"{stamp}: {esc([str(f.path) for f in files] + common + code)} \\\n  "
        + listing("ingest", [str(f.path) for f in files]),
        f"\t$(PY) -m analysis.run {run_args} --step ingest",
        "",
    ]
    manifests = []
    for period in config.periods:
        raw = [str(f.path) for f in files if month_index(f.month) <= month_index(period.end)]
        notes = [str(p) for p in commentary_files(config.source_file.parent, config.area,
                                                  period.slug)]  # fmt: skip
        target = OUTPUTS / config.area / period.slug / "manifest.json"
        manifests.append(str(target))
        lines += [
            f"{target}: {esc(raw + common + notes + notebooks + code)} \\\n  "
            + f"{listing(period.slug, raw + notes)} | {stamp}",
            f"\t$(PY) -m analysis.run {run_args} --step periods --period {period.slug}",
            "",
        ]
    lines += [
        f"INDEX_FILE := {OUTPUTS / 'index.html'}",
        f"AREA_TARGETS := {stamp} {esc(manifests)}",
        f"INDEX_INPUTS += {esc(manifests)}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--area", default="sample", help="configuration name in config/ (default: sample)"
    )
    parser.add_argument(
        "--data-dir", default=None, help="folder holding the area's raw data (overrides the config)"
    )
    parser.add_argument(
        "--period", action="append", help="period slug to run (repeatable; default: all configured)"
    )
    parser.add_argument(
        "--list-periods", action="store_true", help="print the configured period slugs and exit"
    )
    parser.add_argument(
        "--step",
        choices=["all", "ingest", "periods", "index"],
        default="all",
        help="run one step only (make uses this to skip work that is up to date)",
    )
    parser.add_argument(
        "--make-deps", action="store_true", help="print Make rules for this area's outputs and exit"
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format=fmt, datefmt="%H:%M:%S"
    )
    (BUILD / "logs").mkdir(parents=True, exist_ok=True)
    log_name = f"{args.area}-{args.step}{'-' + '-'.join(args.period) if args.period else ''}.log"
    log_file = logging.FileHandler(BUILD / "logs" / log_name, mode="w", encoding="utf-8")
    log_file.setFormatter(logging.Formatter(fmt))
    logging.getLogger().addHandler(log_file)
    for noisy in ("papermill", "traitlets", "great_expectations", "matplotlib", "nbconvert"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        if args.list_periods:
            config = load_config(args.area, args.data_dir)
            print("\n".join(p.slug for p in config.periods))
            return 0
        if args.make_deps:
            run_args = f"--area {args.area}" + (
                f" --data-dir {args.data_dir}" if args.data_dir else ""
            )
            print(make_dependencies(args.area, args.data_dir, run_args))
            return 0
        run(args.area, args.data_dir, args.period, args.step)
    except KeyboardInterrupt:
        # one line, not a traceback: each period is built aside and swapped in whole, so what
        # was being built is simply not there
        print("\nInterrupted: nothing half-built was kept; outputs are as before the run "
              "(or hold only the periods that finished).", file=sys.stderr)  # fmt: skip
        return 130
    except Exception as exc:
        from analysis.checks.results import DataValidationError

        if not isinstance(exc, (PipelineError, DataValidationError)):
            raise  # a bug: show the traceback
        log.error("%s", exc)
        print(f"\nERROR: {exc}\nPrevious outputs were left unchanged.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
