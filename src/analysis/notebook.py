"""What a section notebook opens: the run's figures, checks and processed tables.

Notebooks stay thin: they call :func:`load_context`, then display the tables, sentences and
charts of :mod:`analysis.report`. Under a run, the context is the period being built; opened
interactively with default parameters, a notebook finds the last good run's figures, or
builds them (which is why this sits with the entry points, above the report stage).
Nothing here opens a raw file: the partner tables and ward boundaries are the ones the
ingest step wrote to ``data/processed/<area>/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.config import REPO_ROOT, AreaConfig, load_config
from analysis.periods import Period
from analysis.pipeline import ensure_sample_data, ingest_area, prepare_period

OUTPUTS = Path(os.environ.get("CSP_OUTPUT_DIR", REPO_ROOT / "outputs"))


@dataclass
class SectionContext:
    config: AreaConfig
    period: Period
    figures: dict
    checks: list[dict]
    files: list[dict]
    boundaries: dict | None
    work_dir: Path
    processed: Path

    def table(self, name: str) -> pd.DataFrame | None:
        """A partner section's tidy table from the ingest (None when the return is absent)."""
        path = self.processed / "partners" / f"{name}.parquet"
        return pd.read_parquet(path) if path.exists() else None


def load_context(
    area: str, period: str, work_dir: str = "", data_dir: str = "", processed_dir: str = ""
) -> SectionContext:
    """The section's inputs for ``area`` and ``period`` (a slug such as ``fy2024-25``).

    Blank folders mean the defaults; relative ones are relative to the repository, whatever
    the notebook's working folder.
    """
    if data_dir and not Path(data_dir).is_absolute():
        data_dir = str(REPO_ROOT / data_dir)  # relative to the repository, whatever the cwd
    config = load_config(area, data_dir or None)
    per = config.period_by_slug(period)
    base = Path(processed_dir) if processed_dir else store.PROCESSED
    base = base if base.is_absolute() else REPO_ROOT / base
    if work_dir:
        wd = Path(work_dir) if Path(work_dir).is_absolute() else REPO_ROOT / work_dir
    else:
        wd = OUTPUTS / area / period
        if not (wd / "figures.json").exists():
            build = Path(os.environ.get("CSP_BUILD_DIR", REPO_ROOT / ".build"))
            wd = build / "interactive" / area / period
            ensure_sample_data(config)
            prepare_period(config, ingest_area(config, base), per, wd, base)
    processed = base / config.area
    boundaries = store.load_json(processed / "boundaries.json").get(config.ward_set_for(per).name)
    validation = store.load_json(wd / "validation.json")
    return SectionContext(
        config=config,
        period=per,
        figures=store.load_json(wd / "figures.json"),
        checks=validation["checks"],
        files=validation["files"],
        boundaries=boundaries,
        work_dir=wd,
        processed=processed,
    )
