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
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from analysis.config import REPO_ROOT, AreaConfig, ConfigError, check_inputs_exist, load_config
from analysis.errors import PipelineError
from analysis.periods import Period
from analysis.pipeline import AreaData, ensure_sample_data, ingest_area, prepare_period
from analysis.render import render_notebook, write_index

log = logging.getLogger("analysis.run")
NOTEBOOKS = REPO_ROOT / "notebooks"
OUTPUTS = Path(os.environ.get("CSP_OUTPUT_DIR", REPO_ROOT / "outputs"))
BUILD = Path(os.environ.get("CSP_BUILD_DIR", REPO_ROOT / ".build"))
KERNEL = "csp-assessment"

# (section id, title, notebook, extra parameters) in reading order
SECTIONS = [
    ("crime", "All recorded crime", "20_crime_and_asb.ipynb", {"measure": "crime"}),
    ("asb", "Anti-social behaviour", "20_crime_and_asb.ipynb", {"measure": "asb"}),
    ("data_quality", "Data sources and validation", "10_data_quality.ipynb", {}),
]
PACKAGES = ["pandas", "pyarrow", "numpy", "scipy", "matplotlib", "seaborn", "great-expectations",
            "papermill", "nbconvert", "duckdb"]  # fmt: skip


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Papermill only warns about unknown parameters; we refuse them."""
    import papermill as pm

    declared = set(pm.inspect_notebook(str(notebook)).keys())
    unknown = set(parameters) - declared
    if unknown:
        raise ConfigError(
            f"{notebook.name} has no parameter(s) {', '.join(sorted(unknown))}; it declares: {', '.join(sorted(declared))}"
        )


def _git_state() -> dict:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest(config: AreaConfig, data: AreaData, period: Period, started: str) -> dict:
    """Provenance of one period's outputs. Paths are relative to the data folder."""
    rows = {r["source_file"]: r["rows"] for r in data.report}
    inputs = []
    police_files = {f["file"] for f in data.files}
    for rel in sorted(police_files):
        path = config.data_dir / rel
        inputs.append({"file": rel, "sha256": _sha256(path), "rows": rows.get(Path(rel).name)})
    others = {config.population, *config.lsoa_lookups.values()}
    ward_set = config.ward_set_for(period)
    others |= set(ward_set.lookups.values()) | (
        {ward_set.boundaries} if ward_set.boundaries else set()
    )
    for path in sorted(others):
        inputs.append(
            {
                "file": path.relative_to(config.data_dir).as_posix(),
                "sha256": _sha256(path),
                "rows": None,
            }
        )
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "area": config.area,
        "period": period.to_dict(),
        "git": _git_state(),
        "config": config.record(),
        "inputs": inputs,
        "python": sys.version.split()[0],
        "packages": versions,
        "run": {
            "started": started,
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    }


def _nav(config: AreaConfig, period: Period, current: str, prefix: str = "") -> str:
    links = [f'<a href="{prefix}../../index.html">All assessments</a>']
    for sid, title, _, _ in SECTIONS:
        label = f"<strong>{title}</strong>" if sid == current else title
        links.append(f'<a href="{sid}.html">{label}</a>')
    return f"{config.name} &middot; {period.label}: " + " ".join(links)


def run_period(config: AreaConfig, data: AreaData, period: Period, started: str) -> Path:
    """Build one period aside, then swap it into outputs/<area>/<period>/."""
    import papermill as pm

    build = BUILD / config.area / f"{period.slug}.{os.getpid()}"
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    try:
        prepare_period(config, data, period, build)
        rel_build = os.path.relpath(build, REPO_ROOT)
        sections = []
        banner = (
            "Synthetic sample data: every number on this page comes from a generated, fictional area "
            "and describes no real place."
            if config.synthetic
            else ""
        )
        for sid, title, nb_name, extra in SECTIONS:
            params = {
                "area": config.area,
                "period": period.slug,
                "work_dir": rel_build,
                "data_dir": os.path.relpath(config.data_dir, REPO_ROOT),
                **extra,
            }
            nb = NOTEBOOKS / nb_name
            check_parameters(nb, params)
            executed = build / "notebooks" / f"{sid}.ipynb"
            executed.parent.mkdir(exist_ok=True)
            log.info("%s %s: running %s (%s)", config.area, period.slug, nb_name, sid)
            pm.execute_notebook(
                str(nb),
                str(executed),
                parameters=params,
                kernel_name=KERNEL,
                progress_bar=False,
                cwd=str(NOTEBOOKS),
                log_output=False,
            )
            render_notebook(
                executed,
                build / f"{sid}.html",
                with_code=False,
                title=f"{title}: {config.name} {period.short_label}",
                nav_html=_nav(config, period, sid),
                banner=banner,
            )
            render_notebook(
                executed,
                build / "analyst" / f"{sid}.html",
                with_code=True,
                title=f"{title} (analyst view)",
                nav_html=_nav(config, period, sid, "../"),
                banner=banner,
            )
            sections.append({"id": sid, "title": title, "file": f"{sid}.html"})
        (build / "sections.json").write_text(json.dumps(sections, indent=2) + "\n")
        (build / "manifest.json").write_text(
            json.dumps(manifest(config, data, period, started), indent=2) + "\n"
        )
    except BaseException:
        log.error(
            "%s %s failed; partial build kept for inspection in %s",
            config.area,
            period.slug,
            os.path.relpath(build, REPO_ROOT),
        )
        raise
    final = OUTPUTS / config.area / period.slug
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{period.slug}.old.{os.getpid()}")
    if final.exists():
        final.rename(old)
    build.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    log.info("%s %s: wrote %s", config.area, period.slug, os.path.relpath(final, REPO_ROOT))
    return final


def run(area: str, data_dir: str | None = None, periods: list[str] | None = None) -> list[Path]:
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    config = load_config(area, data_dir)
    ensure_sample_data(config)
    check_inputs_exist(config)
    chosen = [config.period_by_slug(p) for p in periods] if periods else list(config.periods)
    os.environ.pop("MPLBACKEND", None)  # agg would silently drop inline charts from notebooks
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    data = ingest_area(config)
    written = [run_period(config, data, p, started) for p in chosen]
    write_index(OUTPUTS)
    return written


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
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format=fmt, datefmt="%H:%M:%S"
    )
    (BUILD / "logs").mkdir(parents=True, exist_ok=True)
    log_file = logging.FileHandler(BUILD / "logs" / f"{args.area}.log", mode="w", encoding="utf-8")
    log_file.setFormatter(logging.Formatter(fmt))
    logging.getLogger().addHandler(log_file)
    for noisy in ("papermill", "traitlets", "great_expectations", "matplotlib", "nbconvert"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        if args.list_periods:
            config = load_config(args.area, args.data_dir)
            print("\n".join(p.slug for p in config.periods))
            return 0
        run(args.area, args.data_dir, args.period)
    except Exception as exc:
        from analysis.validation import DataValidationError

        if not isinstance(exc, (PipelineError, DataValidationError)):
            raise  # a bug: show the traceback
        log.error("%s", exc)
        print(f"\nERROR: {exc}\nPrevious outputs were left unchanged.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
