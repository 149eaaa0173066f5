"""The sample area's partner files (:func:`analysis.sample.generate_partner_sample`).

The generator must write the partners' returns, the DfT road casualty extract and the fire
return in the real shapes, untidiness included, and reproducibly; these tests pin that from
the files themselves (plus the road reader, to prove the returned casualty truth is what the
files say).
"""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest

from analysis.sample import generate_partner_sample
from analysis.sample.road_fire import AREA_CODE
from analysis.sources.road_safety import read_stats19


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    info = generate_partner_sample(out)
    return out, info


def test_files_written_and_labelled(sample):
    out, info = sample
    assert info["files"] == [
        "partners/performance_2022-23.csv",
        "partners/performance_2023-24.csv",
        "partners/performance_2024-25.csv",
        "road/collisions.csv",
        "road/casualties.csv",
        "fire/activity.csv",
        "partners/README.md",
    ]
    for f in info["files"]:
        assert (out / f).is_file()
    readme = (out / "partners" / "README.md").read_text()
    assert "synthetic" in readme.lower() and AREA_CODE in readme


def test_deterministic(sample, tmp_path):
    out, info = sample
    again = generate_partner_sample(tmp_path)
    assert again["road_truth"] == info["road_truth"]
    for f in info["files"]:
        assert filecmp.cmp(out / f, tmp_path / f, shallow=False), f
    other = generate_partner_sample(tmp_path / "other", seed=7)
    assert not filecmp.cmp(
        out / info["files"][0], tmp_path / "other" / other["files"][0], shallow=False
    )


def test_returns_in_the_seed_shape_with_their_untidiness(sample):
    out, _ = sample
    raw = pd.read_csv(
        out / "partners" / "performance_2024-25.csv", dtype=str, keep_default_na=False
    )
    assert list(raw.columns) == [
        "Priority",
        "Indicator",
        "Target",
        "Baseline '21/22",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "2024/25",
        "Comment",
    ]
    assert 14 <= len(raw) <= 18
    cells = raw[["Q1", "Q2", "Q3", "Q4", "2024/25"]].stack()
    assert cells.str.contains(r"\(\d+ (?:out of|of) \d+ young people\)").any()
    assert cells.str.contains(r"\(\d+ clients\)").any()
    assert cells.str.contains(r"^\d{1,3},\d{3}$").any()
    assert {"TBC", "-"} <= set(cells)
    targets = set(raw["Target"])
    assert {
        "5% reduction",
        "N/A",
        "< 20%",
        "100 practitioners",
        "95% where notified a fortnight in advance",
    } <= targets


def test_road_files_are_dft_format_and_counts_are_right(sample):
    out, info = sample
    header = (out / "road" / "collisions.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["collision_index", "collision_year", "collision_ref_no"]
    assert "local_authority_ons_district" in header
    t = read_stats19(out / "road" / "collisions.csv", out / "road" / "casualties.csv", [AREA_CODE])
    assert t["year"].tolist() == list(range(2005, 2025))
    for year, truth in info["road_truth"].items():
        row = t[t["year"] == year].iloc[0]
        assert (row["fatal"], row["serious"], row["slight"]) == (
            truth["fatal"],
            truth["serious"],
            truth["slight"],
        )
    adjusted = read_stats19(
        out / "road" / "collisions.csv", out / "road" / "casualties.csv", [AREA_CODE], adjusted=True
    )
    assert adjusted["ksi"].tolist() == t["ksi"].tolist()
