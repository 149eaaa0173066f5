"""The benchmark cases: the data sets they read, and every case run on one data set.

For each size the parent makes sure the generated data and a configuration naming its forces
exist (generating only when the generator or its parameters changed, as national is 1.3 GB),
then runs the DuckDB floor, the ingest end to end and by step, GX on the kept rows and naive
pandas, each in worker processes, and adds their rows and the issue-5 verdicts to the report.
Timing ``make all`` is in :mod:`.make_all`; formatting the results is in :mod:`.report`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .common import (
    GENERATOR,
    REPO,
    SEED,
    TARGET_PEAK_MB,
    TARGET_RATIO,
    YEAR,
    DataSet,
    Report,
    Row,
    Size,
)
from .workers import WorkerError, run_worker

# ---------------------------------------------------------------------------------------------
# Data sets
# ---------------------------------------------------------------------------------------------


def _sha256(folder: Path) -> str:
    """Fingerprint of the generator's modules: a changed generator means regenerated data."""
    h = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


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
    from analysis.sample.police import force_slug

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
    raw.pop("survey", None)  # the benchmark folders hold police.uk data and lookups, no surveys
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


# ---------------------------------------------------------------------------------------------
# Cases on one data set, and the ingest targets
# ---------------------------------------------------------------------------------------------


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
