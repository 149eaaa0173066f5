"""What every part of the benchmark shares: constants, sizes, result records, process helpers.

Kept apart from the workers and the parent code so that both sides (a worker process and the
process that starts it) import the same definitions without importing each other.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# The script a worker process runs (it re-runs itself with --worker): always tools/bench.py,
# whichever module starts the worker.
ENTRY = REPO / "tools" / "bench.py"
GENERATOR = REPO / "src" / "analysis" / "sample"
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
