"""The sample area's partner files, and the per-period partner figures built from them.

The sample is generated once per module (it takes well under a second) and read by every
reader, the figures API and the Great Expectations suites, as the run will.
"""

from __future__ import annotations

import filecmp
import json

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.errors import InputDataError
from analysis.partners import (
    check_settings,
    fire_frame,
    partner_checks,
    partner_figures,
    performance_frame,
    period_rows,
    rag_styler,
    reviewer_table,
    road_frame,
)
from analysis.road_safety import read_stats19
from analysis.sample_partners import AREA_CODE, generate_partner_sample

SETTINGS = {
    "performance": ["partners/performance_*.csv"],
    "rag_tolerance": 5,
    "road_safety": {
        "collisions": "road/collisions.csv",
        "casualties": "road/casualties.csv",
        "baseline": [2005, 2009],
        "target": {"year": 2020, "ksi": 48},
    },
    "fire": "fire/activity.csv",
}


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
    df = performance_frame(SETTINGS, out, area="sample")
    kinds = set(df["target_kind"])
    assert {"relative", "level", "none", "not machine-readable"} <= kinds
    assert not df["value_check"].notna().any()  # the generator's own n-of-d figures agree


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


def test_frames(sample):
    out, _ = sample
    road = road_frame(SETTINGS, out, la_codes=[AREA_CODE])
    assert {"ksi_trajectory", "ksi", "slight"} <= set(road.columns)
    fire = fire_frame(SETTINGS, out)
    assert fire["year"].unique().tolist()[-1] == "2024/25"
    assert road_frame(SETTINGS, out / "nowhere", la_codes=[AREA_CODE]) is None
    with pytest.raises(ConfigError, match="no local authority codes"):
        road_frame(SETTINGS, out)


@pytest.mark.parametrize(
    ("start", "end", "label", "perf_period", "road_year", "fire_year"),
    [
        ("2022-04", "2023-03", "2022/23", "2022/23", 2022, "2022/23"),
        ("2023-04", "2024-03", "2023/24", "2023/24", 2023, "2023/24"),
        ("2024-04", "2025-03", "2024/25", "2024/25", 2024, "2024/25"),
        ("2024-01", "2024-12", "2024", "2024/25 Q3", 2024, "2023/24"),
    ],
)
def test_partner_figures_per_period(sample, start, end, label, perf_period, road_year, fire_year):
    out, _ = sample
    figs = partner_figures(SETTINGS, out, start, end, label, area="sample", la_codes=[AREA_CODE])
    json.dumps(figs, allow_nan=False)  # JSON-serialisable, no NaN
    assert figs["notes"] == {}
    perf = figs["performance"]
    counts = perf["rag_counts"]
    assert sum(counts.values()) == perf["n_indicators"] == 16
    assert set(counts) == {"green", "amber", "red", "n_a"}
    assert [i["indicator"] for i in perf["red"]] == [
        i["indicator"] for i in perf["indicators"] if i["rag"] == "RED"
    ]
    periods = {i["period"] for i in perf["indicators"]}
    assert perf_period in periods
    assert sum(p["green"] + p["amber"] + p["red"] + p["n_a"] for p in perf["by_priority"]) == 16
    assert perf["not_machine_readable"]
    assert figs["road_safety"]["year"] == road_year
    assert figs["road_safety"]["ksi_target"]["value"] == 48
    assert figs["road_safety"]["baseline"]["years"] == [2005, 2009]
    assert figs["fire"]["year"] == fire_year
    assert len(figs["fire"]["activities"]) == 6


def test_representative_row_prefers_a_figure(sample):
    out, _ = sample
    df = performance_frame(SETTINGS, out, area="sample")
    rows = period_rows(df, "2024-04", "2025-03").set_index("indicator")
    # the victim survey's year and Q4 are TBC: the latest quarter with a figure stands for the year
    assert (
        rows.loc[
            "Satisfaction of victims of ASB with actions taken by police and partners", "period"
        ]
        == "2024/25 Q3"
    )
    assert rows.loc["Number of fly tipping incidents", "period"] == "2024/25"


def test_absent_sections_are_none_with_a_note(sample, tmp_path):
    out, _ = sample
    figs = partner_figures(SETTINGS, out, "2019-04", "2020-03", "2019/20", la_codes=[AREA_CODE])
    assert figs["performance"] is None
    assert figs["notes"]["performance"].startswith("No partner performance figures cover 2019/20")
    assert figs["road_safety"]["year"] == 2019
    assert figs["fire"]["year"] == "2019/20"
    figs = partner_figures(
        SETTINGS, tmp_path, "2024-04", "2025-03", "2024/25", la_codes=[AREA_CODE]
    )
    assert figs["performance"] is figs["road_safety"] is figs["fire"] is None
    assert set(figs["notes"]) == {"performance", "road_safety", "fire"}
    assert "No partner performance return was found" in figs["notes"]["performance"]
    figs = partner_figures(None, out, "2024-04", "2025-03", "2024/25")
    assert figs["notes"]["fire"] == "No fire and rescue service return is configured for this area."


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"performace": "x"}, "unknown key"),
        ({"rag_tolerance": -1}, "rag_tolerance"),
        ({"road_safety": {"collisions": "c.csv"}}, "give either"),
        ({"road_safety": {"return": "r.csv", "baseline": [2005]}}, "baseline"),
        (
            {"road_safety": {"return": "r.csv", "target": {"year": 2020, "ksi": 48}}},
            "needs a baseline",
        ),
    ],
)
def test_bad_settings(settings, message):
    with pytest.raises(ConfigError, match=message):
        check_settings(settings)


def test_malformed_present_return_is_an_error(sample, tmp_path):
    out, _ = sample
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "performance_2024-25.csv").write_text(
        "Indicator,Target,Q1\nA,70%,140%\n"
    )
    with pytest.raises(InputDataError, match="percentage 140% is above 100"):
        partner_figures(
            {"performance": "partners/*.csv"}, tmp_path, "2024-04", "2025-03", "2024/25"
        )


def test_rag_styler_keeps_the_word(sample):
    out, _ = sample
    df = period_rows(performance_frame(SETTINGS, out, area="sample"), "2024-04", "2025-03")
    table = reviewer_table(df)
    assert list(table.columns)[-2:] == ["RAG", "Why"]
    assert (table["RAG"] == df["rag"].to_numpy()).all()
    assert table["Value"].str.startswith("no figure").sum() == (df["value_status"] != "ok").sum()
    html = rag_styler(table, "RAG").to_html()
    for word in set(df["rag"]):
        assert f">{word}<" in html
    html = rag_styler(df[["indicator", "rag"]]).to_html()
    for word in set(df["rag"]):
        assert f">{word}<" in html
    assert "background-color: #00703c" in html  # green cell, with its word


@pytest.fixture(scope="module")
def checks(sample):
    out, _ = sample
    return partner_checks(SETTINGS, out, area="sample", la_codes=[AREA_CODE])


def test_gx_suites_pass_on_the_sample(checks):
    suites = {r.suite for r in checks}
    assert suites == {"partner_performance", "road_safety", "fire_activity"}
    critical = [r for r in checks if r.severity == "critical" and not r.success]
    assert critical == []
    assert all(r.description for r in checks)
    warned = {r.description for r in checks if not r.success}
    assert (
        "Every target is machine-readable (or absent)" in warned
    )  # the sample has some, on purpose
