"""`make all` redoes only what changed, and runs periods in parallel safely.

Runs the real Makefile on a small generated area (one force, 14 months, two periods) with
outputs, processed data, builds and configuration redirected to a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import MINI_CONFIG, MINI_POPULATION, REPO

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def area(tmp_path_factory):
    from analysis.sample import generate_sample

    root = tmp_path_factory.mktemp("make")
    generate_sample(root / "data", start="2023-09", end="2025-01", area_crimes_per_year=3000,
                    n_peer_lads=2, lsoas_per_lad=30)  # fmt: skip
    # 2025-01 is held back, to arrive later as "a new month of data"
    shutil.move(root / "data/police_uk/sampleshire/2025-01", root / "new-month")
    (root / "config").mkdir()
    periods = (
        "  - {type: calendar_year, year: 2024}\n  - {type: twelve_months_ending, end: 2024-09}"
    )
    (root / "config" / "mini.yaml").write_text(
        MINI_CONFIG.format(data=root / "data", population=MINI_POPULATION, periods=periods)
    )
    return root


def make(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "CSP_CONFIG_DIR": str(root / "config"),
        "CSP_OUTPUT_DIR": str(root / "outputs"),
        "CSP_PROCESSED_DIR": str(root / "processed"),
        "CSP_BUILD_DIR": str(root / "build"),
    }
    result = subprocess.run(["make", "--no-print-directory", *args, "AREA=mini"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def steps(stdout: str) -> list[str]:
    """The runner commands make executed, e.g. ['ingest', 'periods cy2024', 'index']."""
    out = []
    for line in stdout.splitlines():
        if "-m analysis.run" in line and "--step" in line:
            words = line.split("--step", 1)[1].split()
            out.append(" ".join(w for w in words if w != "--period"))
    return out


def test_incremental_and_parallel_make(area):
    first = make(area, "-j2", "all")
    assert sorted(steps(first)) == ["index", "ingest", "periods 12m-to-2024-09", "periods cy2024"]
    manifests = {
        p: p.stat().st_mtime_ns for p in (area / "outputs" / "mini").glob("*/manifest.json")
    }
    assert len(manifests) == 2
    for slug in ("cy2024", "12m-to-2024-09"):
        assert (area / "outputs" / "mini" / slug / "crime.html").is_file()

    # nothing changed: nothing runs
    assert steps(make(area, "all")) == []

    # a new month after both periods: only the ingest reruns; no period, no index
    shutil.move(area / "new-month", area / "data/police_uk/sampleshire/2025-01")
    assert steps(make(area, "all")) == ["ingest"]
    assert {p: p.stat().st_mtime_ns for p in manifests} == manifests

    # a changed month inside the calendar year but after September: only cy2024 reruns
    october = next((area / "data/police_uk/sampleshire/2024-10").glob("*.csv"))
    os.utime(october)
    assert steps(make(area, "all")) == ["ingest", "periods cy2024", "index"]

    # another data folder, then the configured one again: each time everything is rebuilt
    # from the folder asked for (the processed data and outputs are not kept from the other)
    other = area / "other-data"
    shutil.copytree(area / "data", other)
    june = next((other / "police_uk/sampleshire/2024-06").glob("*.csv"))
    lines = june.read_text().splitlines()
    june.write_text("\n".join(lines[: len(lines) // 2]) + "\n")  # half of June's rows

    def total():
        return json.loads((area / "outputs/mini/cy2024/figures.json").read_text())["crime"]["total"]

    before = total()
    assert sorted(steps(make(area, "all", f"DATA_DIR={other}"))) == [
        "index",
        "ingest",
        "periods 12m-to-2024-09",
        "periods cy2024",
    ]
    assert total() < before
    assert sorted(steps(make(area, "all"))) == [
        "index",
        "ingest",
        "periods 12m-to-2024-09",
        "periods cy2024",
    ]
    assert total() == before
    assert steps(make(area, "all")) == []
