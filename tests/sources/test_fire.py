"""The fire service's wide activity return: tidy table, change table by hand, chart, checks."""

from __future__ import annotations

import pytest

from analysis.checks.suites import validate
from analysis.errors import InputDataError
from analysis.measures.fire import fire_change_table, fire_summary
from analysis.report.charts import fire_trend_chart
from analysis.sources.fire import FIRE_COLUMNS, read_fire_return
from conftest import REPO

SEED = REPO.parent / "shared" / "seed-tables" / "medway_kfrs_activity.csv"

# the seed table, transcribed by hand (tests must not depend on ../shared being present)
KFRS = (
    "Activity,2010/11,2011/12,2012/13\n"
    'HSVs,"1,612","1,376","1,256"\n'
    'Smoke Alarms,"2,751","2,372","2,131"\n'
    "RTCs,84,89,48\n"
    "ADFs,95,102,82\n"
    "School Visits,187,143,124\n"
    'No. of pupils seen,"12,148","7,938","9,740"\n'
)
# 2012/13 against 2011/12, by hand: (previous, latest, % change, text, verdict)
ACTIVITY = "activity (not better or worse)"
HAND = {
    "HSVs": (1376, 1256, (1256 - 1376) / 1376 * 100, "\u25bc 8.7%", ACTIVITY),
    "Smoke Alarms": (2372, 2131, (2131 - 2372) / 2372 * 100, "\u25bc 10.2%", ACTIVITY),
    "RTCs": (89, 48, (48 - 89) / 89 * 100, "\u25bc 46.1%", "better"),
    "ADFs": (102, 82, (82 - 102) / 102 * 100, "\u25bc 19.6%", "better"),
    "School Visits": (143, 124, (124 - 143) / 143 * 100, "\u25bc 13.3%", ACTIVITY),
    "No. of pupils seen": (
        7938,
        9740,
        (9740 - 7938) / 7938 * 100,
        "\u25b2 22.7%",
        "activity (not better or worse)",
    ),
}


@pytest.fixture
def kfrs(tmp_path):
    path = tmp_path / "kfrs_activity.csv"
    path.write_text(KFRS, encoding="utf-8")
    return path


def test_tidy(kfrs):
    t = read_fire_return(kfrs)
    assert list(t.columns) == list(FIRE_COLUMNS)
    assert len(t) == 18
    hsv = t[t["activity"] == "HSVs"]
    assert hsv["year"].tolist() == ["2010/11", "2011/12", "2012/13"]
    assert hsv["year_start"].tolist() == [2010, 2011, 2012]
    assert hsv["value"].tolist() == [1612, 1376, 1256]
    assert hsv["value_text"].tolist() == ["1,612", "1,376", "1,256"]
    assert t[t["activity"] == "No. of pupils seen"]["value"].tolist() == [12148, 7938, 9740]
    assert hsv["source_row"].unique().tolist() == [2]


@pytest.mark.skipif(not SEED.exists(), reason=f"seed table {SEED} is absent")
def test_seed_file_reads_the_same(kfrs):
    assert (
        read_fire_return(SEED)
        .drop(columns="source_file")
        .equals(read_fire_return(kfrs).drop(columns="source_file"))
    )


@pytest.mark.parametrize("activity", list(HAND))
def test_change_by_hand(kfrs, activity):
    prev, latest, pct, text, verdict = HAND[activity]
    row = fire_change_table(read_fire_return(kfrs)).set_index("activity").loc[activity]
    assert (row["previous_year"], row["year"]) == ("2011/12", "2012/13")
    assert (row["previous"], row["latest"], row["change"]) == (prev, latest, latest - prev)
    assert row["change_pct"] == pytest.approx(pct)
    assert row["change_text"] == text
    assert row["change_is"] == verdict


def test_change_for_an_earlier_year(kfrs):
    table = fire_change_table(read_fire_return(kfrs), "2011/12").set_index("activity")
    assert table.loc["RTCs", "change_text"] == "\u25b2 6.0%"  # 84 -> 89
    first = fire_change_table(read_fire_return(kfrs), "2010/11")
    assert first["change_text"].isna().all()
    with pytest.raises(ValueError, match="no year 2013/14"):
        fire_change_table(read_fire_return(kfrs), "2013/14")


def test_summary_is_json_ready(kfrs):
    import json

    s = fire_summary(read_fire_return(kfrs), "2012/13")
    assert s["previous_year"] == "2011/12"
    assert s["activities"][2] == {
        "activity": "RTCs",
        "latest": 48.0,
        "previous": 89.0,
        "change": -41.0,
        "change_pct": pytest.approx((48 - 89) / 89 * 100),
        "change_text": "\u25bc 46.1%",
        "change_is": "better",
    }
    json.dumps(s, allow_nan=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Activity,2010/11,2011/12\nRTCs,84,89\nrtcs,1,2\n",
            "row 3, column 'Activity': activity 'rtcs' appears twice",
        ),
        (
            "Activity,2010/11,2011/12\nRTCs,84%,89\n",
            "row 2, column '2010/11': '84%' is a percentage",
        ),
        ("Activity,2010/11,Notes\nRTCs,84,x\n", "row 1, column 'Notes': expected a year heading"),
        ("Team,2010/11\nRTCs,84\n", "row 1, column 'Team': the first column must be 'Activity'"),
        ("Activity,2010/11,2011/12\nRTCs,-4,89\n", "row 2, column '2010/11': '-4' is negative"),
    ],
)
def test_bad_returns(tmp_path, text, message):
    path = tmp_path / "fire.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        read_fire_return(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_cells_are_kept_and_flagged(tmp_path):
    path = tmp_path / "fire.csv"
    path.write_text("Activity,2010/11,2011/12\nRTCs,84,n/a\n", encoding="utf-8")
    t = read_fire_return(path)
    assert t["value_status"].tolist() == ["ok", "missing"]
    assert fire_change_table(t)["change_text"].isna().all()


def test_chart_alt_text(kfrs):
    import matplotlib.pyplot as plt

    fig = fire_trend_chart(
        read_fire_return(kfrs), area_name="Medway", service="Kent Fire and Rescue Service"
    )
    assert fig.alt_text.startswith(
        "Bar charts: Kent Fire and Rescue Service activity in Medway, by year. HSVs: 2010/11 1,612"
    )
    assert "No. of pupils seen: 2010/11 12,148, 2011/12 7,938, 2012/13 9,740." in fig.alt_text
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == list(HAND)
    plt.close(fig)


def test_gx_suite(kfrs):
    t = read_fire_return(kfrs)
    results = validate(t, "fire_activity", {})
    assert all(r.success for r in results)
    assert all(r.severity in ("critical", "warning") and r.description for r in results)
    bad = t.copy()
    bad.loc[0, "year"] = "10/11"
    failed = [r for r in validate(bad, "fire_activity", {}) if not r.success]
    assert [(r.column, r.severity) for r in failed] == [("year", "critical")]
    assert failed[0].example_rows == ["kfrs_activity.csv:2"]
