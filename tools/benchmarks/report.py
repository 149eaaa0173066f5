"""Presenting the results: what machine they came from, the table, stdout and ``results.json``.

Kept apart from the measuring code so the output format (documented in
``docs/benchmark.md``) can be read, and changed, in one place.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import Report, Row, available_cores


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


def write_results(report: Report, out: Path, t0: float) -> Path:
    """Write everything measured to ``OUT/results.json`` and return its path.

    JSON as well as the printed table, so runs on different machines can be compared without
    parsing text; ``t0`` (a ``time.perf_counter()`` reading) gives the benchmark's own duration.
    """
    results = {
        "machine": report.machine,
        "rows": [{**r.__dict__, "rows_per_s": r.rate} for r in report.rows],
        "targets": report.targets,
        "make": report.make,
        "warnings": report.warnings,
        "bench_seconds": time.perf_counter() - t0,
    }
    path = out / "results.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path
