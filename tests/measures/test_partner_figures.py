"""Partner tables and per-period figures on the generated sample's partner files.

The run reads the returns once (:mod:`analysis.sources.partners`), adds change, RAG and the
road safety trajectory (:func:`analysis.measures.partners.add_measures`), validates each table
(``expectations/``) and builds each period's figures (:func:`partner_figures`) from the
tables; the helpers below do the same steps, as :func:`analysis.pipeline.ingest_area` does.
"""

from __future__ import annotations

import json

import pytest

from analysis.checks.suites import validate
from analysis.config import ConfigError
from analysis.errors import InputDataError
from analysis.measures import partners
from analysis.measures.partners import add_measures, period_rows
from analysis.pipeline import PARTNER_SUITES
from analysis.report.partners import rag_styler, reviewer_table
from analysis.sample import generate_partner_sample
from analysis.sample.road_fire import AREA_CODE
from analysis.sources.partners import (
    PartnerTables,
    check_settings,
    read_fire,
    read_partner_tables,
    read_performance,
    read_road,
)


def tables(settings, data_dir, *, area=None, la_codes=None) -> PartnerTables:
    return add_measures(
        read_partner_tables(settings, data_dir, area=area, la_codes=la_codes), settings
    )


def performance_frame(settings, data_dir, *, area=None):
    perf = read_performance(settings, data_dir, area=area)
    return add_measures(PartnerTables(performance=perf), settings).performance


def road_frame(settings, data_dir, *, la_codes=None):
    road = read_road(settings, data_dir, la_codes=la_codes)
    return add_measures(PartnerTables(road_safety=road), settings).road_safety


def fire_frame(settings, data_dir):
    return read_fire(settings, data_dir)


def partner_figures(settings, data_dir, start, end, label, *, area=None, la_codes=None):
    found = tables(settings, data_dir, area=area, la_codes=la_codes)
    return partners.partner_figures(found, settings, start, end, label)


def partner_checks(settings, data_dir, *, area=None, la_codes=None):
    found = tables(settings, data_dir, area=area, la_codes=la_codes)
    return [r for name, t in found.items() if t is not None
            for r in validate(t, PARTNER_SUITES[name], {})]  # fmt: skip


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


def test_sample_returns_parse_with_every_target_kind(sample):
    out, _ = sample
    df = performance_frame(SETTINGS, out, area="sample")
    kinds = set(df["target_kind"])
    assert {"relative", "level", "none", "not machine-readable"} <= kinds
    assert not df["value_check"].notna().any()  # the generator's own n-of-d figures agree


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
    assert (
        figs["notes"]["fire"]
        == "This assessment has no fire and rescue service return for the area."
    )


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
