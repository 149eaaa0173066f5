"""Benchmark the police.uk ingest at Kent and national scale, and time ``make all``.

Usage::

    .venv/bin/python tools/bench.py [--quick] [--out DIR] [--cores N] [--repeat N] [--skip-make]

``make bench`` runs it; ``docs/benchmark.md`` explains the table and records results.

Why a script and not a timed test: timings depend on the machine and on what else runs, so
they are measured and reported (with the targets of issue 5 marked PASS/FAIL), never asserted.

What it does, and why it is done that way:

* **Data.** The sample generator (:mod:`analysis.sample`) writes a Kent-size year (one
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

The code is in the package ``tools/benchmarks/`` (see its ``__init__``); this script parses the
options and runs the parts, and is also what each worker process runs (hidden ``--worker``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

# The package beside this script. Python puts the script's folder on sys.path itself, except
# under ``-P`` / PYTHONSAFEPATH or when this file is loaded by path from elsewhere.
_TOOLS = str(Path(__file__).resolve().parent)
if _TOOLS not in sys.path:
    sys.path.insert(0, _TOOLS)

from benchmarks.cases import bench_size, ensure_data  # noqa: E402
from benchmarks.common import SIZES, Report, available_cores  # noqa: E402
from benchmarks.make_all import bench_make  # noqa: E402
from benchmarks.report import machine_info, print_report, write_results  # noqa: E402
from benchmarks.workers import WORKERS, worker_main  # noqa: E402


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
    results = write_results(report, out, t0)
    print(f"\n(results also in {results}; benchmark took {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
