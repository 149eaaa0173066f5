"""Benchmark the police.uk ingest at Kent and national scale, and time ``make all``.

Usage::

    .venv/bin/python tools/bench.py [--quick] [--out DIR] [--cores N] [--repeat N] [--skip-make]

``make bench`` runs it; ``docs/benchmark.md`` explains the table and records results.

Why a script and not a timed test: timings depend on the machine and on what else runs, so
they are measured and reported (with the targets of issue 5 marked PASS/FAIL), never asserted.

What it does, and why it is done that way:

* **Data.** The sample generator (:mod:`analysis.sample_data`) writes a Kent-size year (one
  force, about 190,000 rows, 13 local authorities of 80 LSOAs) and a national-size year (43
  forces of 8 authorities of 100 LSOAs, about 6 million rows, roughly the 35,000 LSOAs of
  England and Wales) in the real police.uk layout. Each is written once under ``--out`` and
  reused while the generator and its parameters are unchanged (national takes a few seconds to
  generate and 1.3 GB of disk). A configuration like ``config/sample.yaml`` naming every
  generated force is written beside them, so the real :func:`analysis.config.load_config` runs.
* **One subprocess per case.** Each measurement runs in a fresh Python process so its peak
  memory is its own. Peak memory is read from ``VmHWM`` in ``/proc/self/status``, not from
  ``ru_maxrss``: Linux carries ``ru_maxrss`` over ``execve`` from the forking parent, so a child
  of a big parent would report the parent's peak. Times exclude interpreter start-up and
  top-level imports (the same for every case) but include lazy imports inside the call (Great
  Expectations, a few seconds, which every ``--step ingest`` process pays).
* **Cases.** ``ingest_area`` end to end (what ``make`` runs); the same call with its steps
  timed by wrapping the functions it calls (so the breakdown is the real code path, not a copy
  of it, and each step's peak memory is measured by resetting the high-water mark); a DuckDB
  ``read_csv`` scan that counts rows by LSOA code and crime type (the practical floor for
  reading every file); and the naive ``pd.concat(pd.read_csv(f) for f in files)`` an analyst
  would write. Each case but the breakdown runs ``--repeat`` times (median time, worst peak),
  because other work on a shared machine makes one timing noisy. Workers are pinned to ``--cores`` CPUs (default: all this process may use) and
  DuckDB gets that many threads, so the 2-core target can be checked on a bigger machine.
* **make.** ``make all`` from clean and again with nothing changed, with ``CSP_OUTPUT_DIR``,
  ``CSP_PROCESSED_DIR`` and ``CSP_BUILD_DIR`` pointed at empty temporary folders so the
  repository's own outputs are untouched; each step's time is recorded by a timing recipe
  shell passed as ``SHELL=`` on the command line (no Makefile change). Kernel start-up is measured by papermill executing an
  empty notebook (and one holding only the notebooks' import cell) with the project kernel,
  times the notebooks ``make all`` executed; rendering by re-rendering those executed notebooks
  with :func:`analysis.report.render.render_notebook`. Anything the Makefile cannot do yet is reported
  as ``n/a (reason)`` instead of failing the benchmark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "src" / "analysis" / "sample_data.py"
SEED = 20240401
YEAR = ("2024-04", "2025-03")  # one financial year: every file uses 2021 LSOAs
KERNEL = "csp-assessment"
TARGET_RATIO = 1.5  # national ingest time / DuckDB scan time
TARGET_PEAK_MB = 2048  # 2 GB, in MiB (the unit of VmHWM and of the table)
TARGET_NOOP_S = 1.0  # a `make all` with nothing changed (issue 5, part 2)
WORKER_TIMEOUT_S = 3600
MAKE_ENV_DIRS = ("CSP_OUTPUT_DIR", "CSP_PROCESSED_DIR", "CSP_BUILD_DIR")


@dataclass(frozen=True)
class Size:
    """A benchmark data set: generator parameters chosen to match a real volume."""

    key: str
    label: str
    params: dict[str, Any]


# Parameters calibrated against the generator (rows grow with LADs x crimes per year):
# Kent Police publishes about 190,000 street-level rows a year over 13 authorities (12 Kent
# districts and Medway); England and Wales about 6 million over 43 forces and ~330 authorities.
SIZES: dict[str, Size] = {
    "kent": Size(
        "kent",
        "Kent-size year (1 force)",
        {"forces": 1, "n_peer_lads": 12, "lsoas_per_lad": 80, "area_crimes_per_year": 19000},
    ),
    "national": Size(
        "national",
        "national year (43 forces)",
        {"forces": 43, "n_peer_lads": 7, "lsoas_per_lad": 100, "area_crimes_per_year": 25500},
    ),
}


@dataclass
class DataSet:
    """A generated data set and the configuration that reads it."""

    size: Size
    data_dir: Path
    config_dir: Path
    area: str
    rows: int
    files: int
    forces: list[str]


@dataclass
class Row:
    """One line of the results table."""

    size: str
    case: str
    rows: int | None = None
    seconds: float | None = None
    peak_mb: float | None = None
    ratio: float | None = None
    note: str = ""
    indent: bool = False

    @property
    def rate(self) -> float | None:
        """Rows per second, when both are known."""
        if self.rows and self.seconds:
            return self.rows / self.seconds
        return None


@dataclass
class Report:
    """Everything measured in one run, written to ``results.json`` beside the data."""

    machine: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    make: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Memory and CPU helpers (used inside workers)
# ---------------------------------------------------------------------------------------------


def peak_mb() -> float:
    """Peak resident memory of this process in MiB.

    ``VmHWM`` belongs to the current address space, so it starts afresh at ``execve``;
    ``ru_maxrss`` (the fallback off Linux) may include the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


def reset_peak() -> bool:
    """Reset the high-water mark (Linux ``clear_refs`` 5) so a step's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def available_cores() -> list[int]:
    """CPUs this process may run on (respects container and taskset limits)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def pin_to_cores(cores: int) -> None:
    """Run this worker on ``cores`` CPUs only, so "on 2 cores" holds on any machine."""
    cpus = available_cores()
    if hasattr(os, "sched_setaffinity") and cores < len(cpus):
        os.sched_setaffinity(0, cpus[:cores])


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
    from analysis.sample_data import generate_sample

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
    ("analysis.pipeline", "write_parquet", "write Parquet + JSON"),
    ("analysis.pipeline", "write_json", "write Parquet + JSON"),
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
    from analysis.sources.police_uk_ingest import period_table
    from analysis.pipeline import ingest_area, validate_period

    config = _load(spec)
    data = ingest_area(config, Path(spec["processed_dir"]))
    period = config.periods[-1]
    ptable = period_table(data.area, config, period)
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
# Parent: data, subprocesses, make, table
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
            str(Path(__file__).resolve()),
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


def _sha256(path: Path) -> str:
    """Fingerprint of the generator: a changed generator means regenerated data."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_data(size: Size, out: Path, cores: int) -> DataSet:
    """Generate the data set unless the same generator and parameters already wrote it."""
    params = {"seed": SEED, "start": YEAR[0], "end": YEAR[1], "gzip": False, **size.params}
    key = {"parameters": params, "generator_sha256": _sha256(GENERATOR)}
    data_dir = out / "data" / size.key
    stamp = data_dir / "bench.json"
    previous = json.loads(stamp.read_text()) if stamp.exists() else {}
    if {k: previous.get(k) for k in key} == key:
        print(f"  reusing {size.label}: {previous['rows']:,} rows in {data_dir}", flush=True)
    else:
        print(f"  generating {size.label} in {data_dir} ...", flush=True)
        info = run_worker("generate", {"out_dir": str(data_dir), "params": params}, cores)
        previous = {**key, "rows": info["rows"], "files": info["files"]}
        stamp.write_text(json.dumps(previous, indent=2) + "\n", encoding="utf-8")
        print(f"  wrote {info['rows']:,} rows, {info['files']} files in {info['seconds']:.1f}s")
    from analysis.sample_data import force_slug

    forces = [force_slug(f) for f in range(int(size.params["forces"]))]
    config_dir = out / "config"
    area = f"bench_{size.key}"
    write_config(config_dir / f"{area}.yaml", area, size, data_dir, forces)
    return DataSet(size, data_dir, config_dir, area, previous["rows"], previous["files"], forces)


def write_config(path: Path, area: str, size: Size, data_dir: Path, forces: list[str]) -> None:
    """The sample area's configuration with every generated force and one period.

    Lookups, ward sets and population are kept from ``config/sample.yaml``: the generator
    writes the same files at the same places for any number of forces.
    """
    import yaml

    raw = yaml.safe_load((REPO / "config" / "sample.yaml").read_text(encoding="utf-8"))
    raw.update(
        area=area,
        name=f"Sampleton, benchmark: {size.label}",
        forces=forces,
        police_uk=[f"police_uk/{f}" for f in forces],
        data_dir=str(data_dir),
        periods=[{"type": "financial_year", "start": int(YEAR[0][:4])}],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")


def bench_size(ds: DataSet, out: Path, cores: int, repeat: int, report: Report) -> None:
    """DuckDB floor, ingest end to end, ingest by step and naive pandas for one data set.

    Each case but the step breakdown runs ``repeat`` times (other work on the machine makes a
    single timing noisy); the breakdown runs once, as it only apportions the time.
    """
    label = ds.size.key
    spec = {"area": ds.area, "data_dir": str(ds.data_dir), "config_dir": str(ds.config_dir)}
    processed = out / "work" / "processed"

    def attempt(kind: str, times: int = repeat) -> dict[str, Any] | None:
        """Run a case ``times`` times, each in a fresh process: the median time, the worst peak."""
        print(f"  {label}: {kind} x{times} ...", flush=True)
        runs = []
        for _ in range(times):
            shutil.rmtree(processed, ignore_errors=True)
            try:
                runs.append(run_worker(kind, {**spec, "processed_dir": str(processed)}, cores))
            except (WorkerError, subprocess.TimeoutExpired) as exc:
                report.rows.append(Row(label, f"{kind}: n/a (failed: {exc})"))
                return None
            finally:
                shutil.rmtree(processed, ignore_errors=True)
        runs.sort(key=lambda r: r["seconds"])
        return {**runs[len(runs) // 2], "peak_mb": max(r["peak_mb"] for r in runs)}

    duck = attempt("duckdb")
    floor = duck["seconds"] if duck else None

    def ratio(seconds: float | None) -> float | None:
        return seconds / floor if floor and seconds is not None else None

    if duck:
        report.rows.append(
            Row(
                label,
                f"DuckDB scan and count ({cores} threads)",
                duck["rows"],
                duck["seconds"],
                duck["peak_mb"],
                1.0,
            )
        )
    ingest = attempt("ingest")
    if ingest:
        report.rows.append(
            Row(
                label,
                "ingest_area, end to end",
                ingest["rows"],
                ingest["seconds"],
                ingest["peak_mb"],
                ratio(ingest["seconds"]),
            )
        )
    stages = attempt("stages", 1)
    if stages:
        for s in stages["steps"]:
            peak = s["peak_mb"] if stages["per_step_peak"] else None
            rows = stages["rows"] if s.get("rows", True) else None  # none for import, "other"
            report.rows.append(
                Row(label, s["step"], rows, s["seconds"], peak, ratio(s["seconds"]), indent=True)
            )
    gx = attempt("gx")
    if gx:
        report.rows.append(
            Row(
                label,
                "GX processed suite, one period's area rows",
                gx["rows"],
                gx["seconds"],
                gx["peak_mb"],
                None,
            )
        )
    naive = attempt("pandas")
    if naive:
        report.rows.append(
            Row(
                label,
                "naive pandas read_csv, all columns",
                naive["rows"],
                naive["seconds"],
                naive["peak_mb"],
                ratio(naive["seconds"]),
            )
        )
    counts = {
        k: r["rows"]
        for k, r in (
            ("generated", {"rows": ds.rows}),
            ("duckdb", duck),
            ("ingest", ingest),
            ("pandas", naive),
        )
        if r
    }
    if len(set(counts.values())) > 1:
        report.warnings.append(f"{label}: row counts differ: {counts}")
    if label == "national":
        check_targets(ingest, floor, report)


def check_targets(ingest: dict[str, Any] | None, floor: float | None, report: Report) -> None:
    """The two ingest targets of issue 5, judged on the national year."""
    if ingest and floor:
        r = ingest["seconds"] / floor
        verdict = "PASS" if r <= TARGET_RATIO else "FAIL"
        report.targets.append(
            f"national ingest / DuckDB scan: {r:.2f}x (target <= {TARGET_RATIO}x): {verdict}"
        )
    else:
        report.targets.append("national ingest / DuckDB scan: n/a (a case failed)")
    if ingest:
        verdict = "PASS" if ingest["peak_mb"] < TARGET_PEAK_MB else "FAIL"
        report.targets.append(
            f"national ingest peak memory: {ingest['peak_mb']:,.0f} MB "
            f"(target < {TARGET_PEAK_MB:,} MB): {verdict}"
        )


# ------------------------------------------------------------------------------------- make

# A recipe shell that records each command's wall time: given on the command line as SHELL=,
# it overrides the Makefile's own, so every step of `make all` is timed without editing it.
TIMING_SHELL = """#!/bin/bash
start=$(date +%s.%N)
/bin/bash "$@"
rc=$?
end=$(date +%s.%N)
cmd="${*:2}"
printf '%s\\t%s\\t%s\\n' "$start" "$end" "${cmd//$'\\n'/ }" >> "$CSP_BENCH_STEP_LOG"
exit $rc
"""
# What a change to would make `make all` redo work (used to explain a no-op run that was not).
WATCHED = ("Makefile", "config", "expectations", "notebooks", "src/analysis", "data/raw/sample")


def _make_env(dirs: dict[str, Path]) -> dict[str, str]:
    """The caller's environment with outputs redirected; an outer make's flags (e.g. ``-j``
    from ``make -j2 bench``) are dropped so the timed run is the plain ``make all``."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update({k: str(v) for k, v in dirs.items()})
    return env


def _step_of(command: str) -> str | None:
    """``'periods fy2024-25'`` for a runner command with ``--step periods --period fy2024-25``."""
    if "analysis.run" not in command or "--step" not in command:
        return None
    words = command.split("--step", 1)[1].split()
    return " ".join(w for w in words if w != "--period")


def _steps(stdout: str) -> list[str]:
    """The runner steps make executed, e.g. ``['ingest', 'periods fy2024-25', 'index']``."""
    return [step for line in stdout.splitlines() if (step := _step_of(line))]


def _timed_make(
    args: Sequence[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``make ARGS AREA=sample`` in the repository; wall seconds and the result."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        ["make", "--no-print-directory", *args, "AREA=sample"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - t0, proc


def _fail_reason(proc: subprocess.CompletedProcess[str]) -> str:
    """The last lines of a failed command, short enough for one table line."""
    lines = [ln for ln in (proc.stderr + proc.stdout).strip().splitlines() if ln.strip()]
    return " | ".join(lines[-2:])[:300] or f"exit status {proc.returncode}"


def _step_times(log: Path) -> list[tuple[str, float]]:
    """(step, seconds) for each runner command the timing shell recorded, in order."""
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        start, end, cmd = line.split("\t", 2)
        if "analysis.run" not in cmd:
            continue
        label = "make-deps" if "--make-deps" in cmd else (_step_of(cmd) or "run")
        out.append((label, float(end) - float(start)))
    return out


def _changed_since(t0: float) -> list[str]:
    """Files under WATCHED modified after ``t0`` (another session editing while we time)."""
    changed = []
    for name in WATCHED:
        path = REPO / name
        candidates = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        changed += [
            str(p.relative_to(REPO))
            for p in candidates
            if p.is_file() and "__pycache__" not in p.parts and p.stat().st_mtime > t0
        ]
    return sorted(changed)


def bench_make(out: Path, cores: int, report: Report) -> None:
    """``make all`` from clean, where its time goes, and a ``make all`` with nothing changed."""
    lines = report.make
    if not shutil.which("make"):
        lines.append("make all: n/a (make is not installed)")
        return
    root = out / "make"
    dirs = {
        "CSP_OUTPUT_DIR": root / "outputs",
        "CSP_PROCESSED_DIR": root / "processed",
        "CSP_BUILD_DIR": root / "build",
    }
    shutil.rmtree(root, ignore_errors=True)
    for d in dirs.values():
        d.mkdir(parents=True)
    env = _make_env(dirs)

    # `make clean` must clean the redirected folders, or it would wipe the repository's own.
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "clean"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if dry.returncode == 0 and all(str(d) in dry.stdout for d in dirs.values()):
        _, proc = _timed_make(["clean"], env)
        clean_note = "after make clean"
        if proc.returncode != 0:
            clean_note = f"make clean failed ({_fail_reason(proc)}); from empty folders"
    else:
        clean_note = (
            "from empty temporary folders; make clean: n/a (it ignores "
            + ", ".join(MAKE_ENV_DIRS)
            + " and would clean the repository's own outputs)"
        )

    print("  make all from clean ...", flush=True)
    shell = root / "timing-shell.sh"
    shell.write_text(TIMING_SHELL, encoding="utf-8")
    shell.chmod(0o755)
    step_log = root / "steps.tsv"
    started = time.time()
    full_s, proc = _timed_make(
        ["all", f"SHELL={shell}"], {**env, "CSP_BENCH_STEP_LOG": str(step_log)}
    )
    if proc.returncode != 0:
        lines.append(f"make all from clean: n/a (make all failed: {_fail_reason(proc)})")
        return
    steps = _steps(proc.stdout)
    lines.append(f"make all from clean: {full_s:.1f} s ({clean_note})")
    timed = _step_times(step_log)
    if timed:
        lines.append(
            "  by step (each a Python process): "
            + "; ".join(f"{label} {s:.1f} s" for label, s in timed)
        )

    executed = sorted(str(p) for p in dirs["CSP_OUTPUT_DIR"].glob("*/*/notebooks/*.ipynb"))
    processes = sum(1 for s in steps if s.startswith("periods") or s == "all") or 1
    accounted = 0.0
    print("  kernel start-up ...", flush=True)
    try:
        k = run_worker("kernel", {"repeats": 3}, cores)
        # A period's notebooks share one kernel (analysis.run.period_kernel) unless
        # CSP_FRESH_KERNELS is set: one kernel start and one first import per period.
        fresh = os.environ.get("CSP_FRESH_KERNELS", "") not in ("", "0")
        periods_built = {str(Path(p).parent) for p in executed}
        n = len(executed) if fresh else len(periods_built)
        what = (
            "notebook runs"
            if fresh
            else f"periods ({len(executed)} notebooks, a kernel each period)"
        )
        kernel_s = n * k["empty"]
        imports_s = n * max(k["imports"] - k["empty"], 0.0)
        accounted += kernel_s + imports_s
        lines.append(
            f"  kernel start-up: {kernel_s:.1f} s = {n} {what} x {k['empty']:.2f} s "
            f"(papermill running an empty notebook), {kernel_s / full_s:.0%} of the run"
        )
        lines.append(
            f"  notebooks' import cell in each new kernel: {imports_s:.1f} s = {n} x "
            f"{k['imports'] - k['empty']:.2f} s, {imports_s / full_s:.0%}"
        )
    except (WorkerError, subprocess.TimeoutExpired) as exc:
        lines.append(f"  kernel start-up: n/a ({exc})")
    print("  rendering ...", flush=True)
    try:
        if not executed:
            raise WorkerError("no executed notebooks found under the redirected outputs")
        r = run_worker("render", {"notebooks": executed}, cores)
        render_s = r["seconds"] + processes * r["import_s"]
        accounted += render_s
        lines.append(
            f"  rendering: {render_s:.1f} s = {r['pages']} pages x {r['seconds'] / r['pages']:.2f} s"
            f" + {processes} processes x {r['import_s']:.2f} s importing nbconvert, "
            f"{render_s / full_s:.0%}"
        )
    except (WorkerError, subprocess.TimeoutExpired) as exc:
        lines.append(f"  rendering: n/a ({exc})")
    lines.append(
        "  everything else (Python start-up and imports per process, ingest, validation, "
        f"figures, notebook code): {full_s - accounted:.1f} s, {(full_s - accounted) / full_s:.0%}"
    )

    print("  make all with nothing changed ...", flush=True)
    noop_s, proc = _timed_make(["all"], env)
    redone = _steps(proc.stdout)
    changed = _changed_since(started)
    if proc.returncode == 0 and redone and changed:
        # Someone edited a watched file while we timed: that run was right to redo work.
        lines.append(
            f"make all, nothing changed: first try re-ran {', '.join(redone)} because "
            f"{len(changed)} file(s) changed during the benchmark (e.g. {', '.join(changed[:3])}); "
            "timed again"
        )
        started = time.time()
        noop_s, proc = _timed_make(["all"], env)
        redone = _steps(proc.stdout)
        changed = _changed_since(started)
    if proc.returncode != 0:
        lines.append(f"make all, nothing changed: n/a (failed: {_fail_reason(proc)})")
        return
    verdict = "PASS" if noop_s < TARGET_NOOP_S and not redone else "FAIL"
    note = f"; {len(changed)} watched file(s) changed meanwhile" if changed else ""
    lines.append(
        f"make all, nothing changed: {noop_s:.2f} s, steps re-run: {', '.join(redone) or 'none'}"
        f"{note} (target < {TARGET_NOOP_S:.0f} s and no work): {verdict}"
    )


# ------------------------------------------------------------------------------------ table


def _fmt(value: float | None, spec: str) -> str:
    """A number for the table; blank when not measured."""
    return "" if value is None else format(value, spec)


def format_table(rows: list[Row]) -> str:
    """Plain-text table; steps of the ingest are indented under it."""
    head = ("size", "case", "rows", "seconds", "rows/s", "peak MB", "x DuckDB")
    body = [
        (
            r.size,
            ("  " if r.indent else "") + r.case,
            _fmt(r.rows, ","),
            _fmt(r.seconds, ".2f"),
            _fmt(r.rate, ",.0f"),
            _fmt(r.peak_mb, ",.0f"),
            _fmt(r.ratio, ".2f"),
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in (head, *body)) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, body)])


def print_report(report: Report) -> None:
    """The table, the target verdicts and the make timings, to stdout."""
    m = report.machine
    print(
        f"\nMachine: {m['cores']} cores used of {m['cpus']}, {m['memory_gb']} GB RAM, "
        f"Python {m['python']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}, "
        f"duckdb {m['duckdb']}\n"
    )
    print(format_table(report.rows))
    print("\nTargets (issue 5):")
    for t in report.targets or ["n/a (--quick: the national year was not run)"]:
        print(f"  {t}")
    print("\nmake (sample area):")
    for t in report.make or ["n/a (--quick or --skip-make)"]:
        print(f"  {t}")
    for w in report.warnings:
        print(f"\nWARNING: {w}")


def machine_info(cores: int) -> dict[str, Any]:
    """What the numbers were measured on: they mean little without it."""
    from importlib import metadata

    try:
        import psutil

        memory_gb = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        memory_gb = None
    versions = {}
    for pkg in ("pandas", "pyarrow", "duckdb", "great-expectations"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cores": cores,
        "cpus": len(available_cores()),
        "memory_gb": memory_gb,
        "python": sys.version.split()[0],
        **versions,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with the hidden ``--worker``, one measurement of it)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="Kent-size case only, no make timings (a smoke test)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "csp-bench",
        help="folder for generated data (reused), work files and results.json",
    )
    parser.add_argument(
        "--cores",
        type=int,
        default=len(available_cores()),
        help="CPUs each measurement may use (default: all available)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each case; the median is shown (default 5)"
    )
    parser.add_argument("--skip-make", action="store_true", help="do not time make all")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker, args.spec, args.result)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    cores = max(1, min(args.cores, len(available_cores())))
    report = Report(machine=machine_info(cores))
    sizes = ["kent"] if args.quick else ["kent", "national"]
    t0 = time.perf_counter()
    for key in sizes:
        print(f"{SIZES[key].label}:", flush=True)
        ds = ensure_data(SIZES[key], out, cores)
        bench_size(ds, out, cores, args.repeat, report)
    if not (args.quick or args.skip_make):
        print("make:", flush=True)
        bench_make(out, cores, report)
    print_report(report)
    results = {
        "machine": report.machine,
        "rows": [{**r.__dict__, "rows_per_s": r.rate} for r in report.rows],
        "targets": report.targets,
        "make": report.make,
        "warnings": report.warnings,
        "bench_seconds": time.perf_counter() - t0,
    }
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n(results also in {out / 'results.json'}; benchmark took "
        f"{time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
