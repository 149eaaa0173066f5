"""The measurements, each run in its own Python process, and how the parent runs one.

A measurement runs in a fresh interpreter so that its peak memory (``VmHWM``) is its own and
not the parent's or an earlier case's. The parent calls :func:`run_worker`, which re-runs
``tools/bench.py --worker KIND``; that process calls :func:`worker_main`. Every ``analysis``
import is inside the worker that needs it, so a worker pays only for what it measures and the
parent stays small.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import (
    ENTRY,
    KERNEL,
    REPO,
    WORKER_TIMEOUT_S,
    available_cores,
    peak_mb,
    pin_to_cores,
    reset_peak,
)

# ---------------------------------------------------------------------------------------------
# Workers: each runs in its own process and writes one JSON result
# ---------------------------------------------------------------------------------------------


def _load(spec: dict[str, Any]) -> Any:
    """The benchmark area's configuration, through the pipeline's own loader."""
    from analysis.config import load_config

    return load_config(spec["area"], spec["data_dir"], Path(spec["config_dir"]))


def _street_files(spec: dict[str, Any]) -> list[str]:
    """The files the ingest reads, found by the ingest's own discovery (same set for all)."""
    from analysis.sources.police_uk import discover

    config = _load(spec)
    return [str(f.path) for f in discover(config.police_uk, config.forces)]


def work_generate(spec: dict[str, Any]) -> dict[str, Any]:
    """Write a data set (in a worker so the parent process stays small)."""
    from analysis.sample import generate_sample

    t0 = time.perf_counter()
    summary = generate_sample(Path(spec["out_dir"]), **spec["params"])
    return {
        "seconds": time.perf_counter() - t0,
        "rows": summary["rows_total"],
        "files": sum(1 for f in summary["files"] if f.endswith("-street.csv")),
    }


def work_ingest(spec: dict[str, Any]) -> dict[str, Any]:
    """``ingest_area`` end to end, exactly as ``python -m analysis.run --step ingest`` calls it."""
    from analysis.pipeline import ingest_area

    config = _load(spec)
    t0 = time.perf_counter()
    data = ingest_area(config, Path(spec["processed_dir"]))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "rows": sum(r["rows"] for r in data.report),
        "kept": len(data.area),
        "peak_mb": peak_mb(),
    }


# (module, function, step label): what ingest_area calls, wrapped where it looks them up.
INGEST_STEPS: tuple[tuple[str, str, str], ...] = (
    ("analysis.sources.police_uk_ingest", "discover", "find the files"),
    ("analysis.sources.police_uk_ingest", "make_scanner", "lookups + raw suite (once per run)"),
    ("analysis.sources.police_uk_ingest", "scan_files", "read, check, reduce each file (threads)"),
    ("analysis.sources.police_uk_ingest", "check_forces", "cross-file checks"),
    ("analysis.sources.police_uk_ingest", "raise_for_critical", "cross-file checks"),
    ("analysis.sources.police_uk_ingest", "check_unmatched", "cross-file checks"),
    ("analysis.sources.police_uk_ingest", "build_area_table", "area table + LAD-month counts"),
    ("analysis.sources.police_uk_ingest", "lad_month_counts", "area table + LAD-month counts"),
    ("analysis.pipeline", "ward_table", "wards, population, boundaries"),
    ("analysis.pipeline", "read_mye", "wards, population, boundaries"),
    ("analysis.pipeline", "read_boundaries", "wards, population, boundaries"),
    ("analysis.pipeline", "read_partner_tables", "partner returns (read, RAG, checks)"),
    ("analysis.measures.partners", "add_measures", "partner returns (read, RAG, checks)"),
    ("analysis.checks.suites", "validate", "partner returns (read, RAG, checks)"),
    ("analysis.pipeline", "sha256", "input checksums"),
    ("analysis.store", "write_parquet", "write Parquet + JSON"),
    ("analysis.store", "write_json", "write Parquet + JSON"),
)


def work_stages(spec: dict[str, Any]) -> dict[str, Any]:
    """``ingest_area`` with each step it calls timed, and each step's own peak memory.

    The functions are wrapped in place rather than the steps re-coded here, so the breakdown
    follows whatever ``ingest_area`` does today. A step that no longer exists is skipped; time
    outside the wrapped steps is reported as "other".
    """
    import importlib

    from analysis.pipeline import ingest_area

    config = _load(spec)
    can_reset = reset_peak()
    steps: dict[str, dict[str, float]] = {}
    depth = 0

    def wrap(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            nonlocal depth
            if depth:  # a wrapped step calling another: count it once, in the outer step
                return func(*args, **kwargs)
            depth += 1
            if can_reset:
                reset_peak()
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                step = steps.setdefault(label, {"seconds": 0.0, "peak_mb": 0.0})
                step["seconds"] += time.perf_counter() - t0
                step["peak_mb"] = max(step["peak_mb"], peak_mb())
                depth -= 1

        return timed

    for module_name, name, label in INGEST_STEPS:
        module = importlib.import_module(module_name)
        if callable(getattr(module, name, None)):
            setattr(module, name, wrap(label, getattr(module, name)))

    t0 = time.perf_counter()
    data = ingest_area(config, Path(spec["processed_dir"]))
    total = time.perf_counter() - t0
    ordered = [{"step": k, **v} for k, v in steps.items()]
    other = total - sum(v["seconds"] for v in steps.values())
    ordered.append({"step": "other (between steps)", "seconds": other, "peak_mb": None, "rows": 0})
    return {
        "seconds": total,
        "rows": sum(r["rows"] for r in data.report),
        "steps": ordered,
        "per_step_peak": can_reset,
        "peak_mb": max(s["peak_mb"] or 0.0 for s in ordered),
    }


def work_gx(spec: dict[str, Any]) -> dict[str, Any]:
    """Great Expectations on what the ingest keeps: the processed suite on a period's rows.

    This is where GX runs in a real build (the period step, ``validate_period``), on the area's
    rows rather than on every row read. The ingest runs first, untimed; the time includes
    importing GX, which the period step pays once.
    """
    from analysis.measures.figures import period_table
    from analysis.pipeline import ingest_area, validate_period

    config = _load(spec)
    data = ingest_area(config, Path(spec["processed_dir"]))
    period = config.periods[-1]
    ptable = period_table(data.area, data.wards_of(config.ward_set_for(period).name), period)
    t0 = time.perf_counter()
    validate_period(ptable, config, period, [f["month"] for f in data.files])
    return {"seconds": time.perf_counter() - t0, "rows": len(ptable), "peak_mb": peak_mb()}


def work_duckdb(spec: dict[str, Any]) -> dict[str, Any]:
    """The floor: DuckDB reads every file and counts rows by LSOA code and crime type.

    The month range of each group is also taken so the Month column is parsed, as the ingest
    checks it. ``all_varchar`` because the files are unioned under one schema and a column
    blank in the file DuckDB sniffs must not fail on another. The result comes back as Arrow:
    turning ~440,000 groups into Python tuples would time Python, not the scan.
    """
    import duckdb
    import pyarrow.compute as pc

    files = _street_files(spec)
    t0 = time.perf_counter()
    con = duckdb.connect(config={"threads": int(spec["cores"])})
    relation = con.sql(
        """
        SELECT "LSOA code", "Crime type", count(*) AS n,
               min("Month") AS first_month, max("Month") AS last_month
        FROM read_csv($files, header = true, all_varchar = true)
        GROUP BY ALL
        """,
        params={"files": files},
    )
    groups = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "rows": int(pc.sum(groups["n"]).as_py()),
        "groups": groups.num_rows,
        "peak_mb": peak_mb(),
    }


def work_pandas(spec: dict[str, Any]) -> dict[str, Any]:
    """What an analyst would write: every column of every file, default types."""
    import pandas as pd

    files = _street_files(spec)
    t0 = time.perf_counter()
    df = pd.concat(pd.read_csv(f) for f in files)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": len(df), "peak_mb": peak_mb()}


def _probe_notebook(path: Path, source: str) -> None:
    """A one-cell notebook for the project kernel (what papermill needs to start it)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": KERNEL, "language": "python"}
    nbformat.write(nb, path)


def work_kernel(spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds papermill takes to run an empty notebook (kernel start and stop), and one
    holding only the section notebooks' first (import) cell, with the project kernel."""
    t0 = time.perf_counter()
    import nbformat
    import papermill as pm

    import_s = time.perf_counter() - t0
    first = next(
        c
        for c in nbformat.read(REPO / "notebooks" / "20_crime_and_asb.ipynb", as_version=4).cells
        if c.cell_type == "code"
    )
    out: dict[str, Any] = {"papermill_import_s": import_s}
    with tempfile.TemporaryDirectory() as tmp:
        for label, source in (("empty", ""), ("imports", first.source)):
            src = Path(tmp) / f"{label}.ipynb"
            _probe_notebook(src, source)
            times = []
            for _ in range(int(spec.get("repeats", 3))):
                t0 = time.perf_counter()
                pm.execute_notebook(
                    str(src),
                    str(Path(tmp) / f"{label}-out.ipynb"),
                    kernel_name=KERNEL,
                    progress_bar=False,
                    log_output=False,
                    cwd=str(REPO / "notebooks"),
                )
                times.append(time.perf_counter() - t0)
            out[label] = statistics.median(times)
    return out


def work_render(spec: dict[str, Any]) -> dict[str, Any]:
    """Re-render executed notebooks as ``analysis.run`` does: a reviewer and an analyst page."""
    t0 = time.perf_counter()
    from analysis.report.render import render_notebook

    import_s = time.perf_counter() - t0
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        for i, executed in enumerate(spec["notebooks"]):
            for with_code in (False, True):
                out = Path(tmp) / f"{i}-{with_code}.html"
                render_notebook(Path(executed), out, with_code=with_code, title="benchmark")
                pages += 1
        seconds = time.perf_counter() - t0
    return {"import_s": import_s, "seconds": seconds, "pages": pages}


WORKERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": work_generate,
    "ingest": work_ingest,
    "stages": work_stages,
    "gx": work_gx,
    "duckdb": work_duckdb,
    "pandas": work_pandas,
    "kernel": work_kernel,
    "render": work_render,
}


def worker_main(kind: str, spec_json: str, result: Path) -> int:
    """Entry point of a worker process: pin, quieten, run, write the result."""
    import logging

    spec = json.loads(spec_json)
    if spec.get("cores"):
        pin_to_cores(int(spec["cores"]))
    logging.basicConfig(level=logging.WARNING)
    out = WORKERS[kind](spec)
    result.write_text(json.dumps(out), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------
# Parent side: run one worker in a fresh interpreter
# ---------------------------------------------------------------------------------------------


class WorkerError(RuntimeError):
    """A worker failed; the message carries the end of its error output."""


def run_worker(kind: str, spec: dict[str, Any], cores: int) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    if cores < len(available_cores()):
        env["OMP_NUM_THREADS"] = str(cores)  # Arrow sizes its thread pool from this
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        cmd = [
            sys.executable,
            str(ENTRY),
            "--worker",
            kind,
            "--spec",
            json.dumps({**spec, "cores": cores}),
            "--result",
            str(result),
        ]
        proc = subprocess.run(
            cmd,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
            check=False,
        )
        if proc.returncode != 0 or not result.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise WorkerError(" | ".join(tail) or f"exit status {proc.returncode}")
        return json.loads(result.read_text(encoding="utf-8"))
