"""Each raw file is opened once per run: at the ingest step, and never again.

Periods, figures and notebooks work from the processed tables, so a slow or remote data folder
is read once, a corrected return cannot be half-used, and provenance checksums come from the
same read as the data (:mod:`analysis.sources.raw_files`).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from analysis import pipeline
from analysis.config import load_config
from analysis.notebook import load_context
from analysis.store import load_json

_OPENS: Counter | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENS is not None and event == "open" and isinstance(args[0], (str, Path)):
        _OPENS[str(Path(args[0]).resolve())] += 1


sys.addaudithook(_audit)  # hooks cannot be removed: it counts only while _OPENS is set


def _counting(fn, *args, **kwargs):
    global _OPENS
    _OPENS = Counter()
    try:
        result = fn(*args, **kwargs)
        return result, _OPENS
    finally:
        _OPENS = None


@pytest.fixture(scope="module")
def sample():
    config = load_config("sample")
    pipeline.ensure_sample_data(config)
    return config


def _raw(opens: Counter, data_dir: Path) -> dict[str, int]:
    root = str(data_dir.resolve())
    return {p[len(root) + 1 :]: n for p, n in opens.items() if p.startswith(root + "/")}


def test_ingest_opens_every_raw_file_once(sample, tmp_path):
    data, opens = _counting(pipeline.ingest_area, sample, tmp_path)
    raw = _raw(opens, sample.data_dir)
    files = {p.relative_to(sample.data_dir).as_posix() for p in sample.data_dir.rglob("*")
             if p.is_file() and p.name not in ("README.md", ".complete")}  # fmt: skip
    assert set(raw) == files, "a raw file was not read, or a file read is not raw data"
    assert {n for n in raw.values()} == {1}, {f: n for f, n in raw.items() if n != 1}
    # every source kind is among them: police.uk, lookups, population, boundaries, partners
    kinds = {f.split("/")[0] for f in raw}
    assert {
        "police_uk",
        "lookups",
        "population",
        "deprivation",
        "boundaries",
        "partners",
        "road",
        "fire",
        "survey",
    } <= kinds
    assert set(data.checksums) == set(raw)  # provenance: every input's SHA-256, from that read
    sources = load_json(tmp_path / "sample" / "ingest_report.json")["sources"]
    assert set(sources) == {"police_uk", "wards", "population", "deprivation", "boundaries", "performance",
                            "road_safety", "fire", "survey"}  # fmt: skip
    assert all(
        sources[k]["checks"] > 0
        for k in ("police_uk", "performance", "road_safety", "fire", "survey")
    )


def test_periods_and_notebooks_open_no_raw_file(sample, tmp_path):
    pipeline.ingest_area(sample, tmp_path / "processed")

    def build_everything():
        data = pipeline.load_processed(sample, tmp_path / "processed")
        for period in sample.periods:
            work = tmp_path / "outputs" / period.slug
            pipeline.prepare_period(sample, data, period, work, tmp_path / "processed")
            ctx = load_context("sample", period.slug, str(work), "", str(tmp_path / "processed"))
            for name in ("performance", "road_safety", "fire"):
                ctx.table(name)

    _, opens = _counting(build_everything)
    assert _raw(opens, sample.data_dir) == {}
