"""Provenance of a period's outputs: the commit, configuration, inputs with checksums, versions.

Written to ``manifest.json`` beside every period's pages and summarised in their footers, so
that any figure can be traced to the exact inputs and code that made it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from analysis.config import REPO_ROOT, AreaConfig
from analysis.periods import Period
from analysis.pipeline import AreaData
from analysis.sources.partners import configured_files
from analysis.sources.survey import survey_settings

PACKAGES = ["pandas", "pyarrow", "numpy", "scipy", "matplotlib", "seaborn", "great-expectations",
            "papermill", "nbconvert", "duckdb"]  # fmt: skip


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
        date = subprocess.run(
            ["git", "log", "-1", "--format=%cs"], cwd=REPO_ROOT, capture_output=True, text=True,
            check=True,
        ).stdout.strip()  # fmt: skip
        return {"commit": commit, "dirty": dirty, "date": date or None}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None, "date": None}


def manifest(config: AreaConfig, data: AreaData, period: Period, started: str) -> dict:
    """Provenance of one period's outputs. Paths are relative to the data folder."""
    rows = {r["source_file"]: r["rows"] for r in data.report}
    inputs = []
    police_files = {f["file"] for f in data.files}
    for rel in sorted(police_files):
        inputs.append(
            {"file": rel, "sha256": data.checksums[rel], "rows": rows.get(Path(rel).name)}
        )
    others = {config.population, *config.lsoa_lookups.values()}
    others |= {config.deprivation} if config.deprivation else set()
    ward_set = config.ward_set_for(period)
    others |= set(ward_set.lookups.values()) | (
        {ward_set.boundaries} if ward_set.boundaries else set()
    )
    # partners' returns and residents' surveys: every file the ingest read (the period uses
    # the rows that fall in it)
    others |= {p for p in configured_files(config.raw.get("partners"), config.data_dir)
               if p.is_relative_to(config.data_dir)}  # fmt: skip
    surveys = survey_settings(config.raw.get("survey"), config.data_dir)
    others |= {f.path for f in surveys.files} if surveys else set()
    for path in sorted(others):
        rel = path.relative_to(config.data_dir).as_posix()
        inputs.append({"file": rel, "sha256": data.checksums.get(rel), "rows": None})
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


def produced_date(provenance: dict) -> str | None:
    """The cover's date of production: the pipeline commit's date (stable between re-runs)."""
    date = (provenance.get("git") or {}).get("date")
    if not date:
        return None
    d = dt.date.fromisoformat(date)
    return f"{d.day} {d.strftime('%B %Y')}"
