"""The indicator register (:mod:`analysis.sources.indicator_register`): reading, checking,
matching, and its effect on the tidy table and RAG.
"""

from __future__ import annotations

import textwrap

import pytest

from analysis.errors import InputDataError
from analysis.measures.partners import build_table
from analysis.sources.indicator_register import load_register, match_register


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_register_overrides_and_scoping(tmp_path):
    reg = write(
        tmp_path,
        "indicators.csv",
        """
        # comment lines are skipped
        area,indicator,indicator_id,unit,polarity,target,target_period,reference_value,note
        ,Number of fly tipping incidents*,fly_tipping,,,,,,same measure
        medway,Reduce the number of LAC*,lac,,,,,13,from the 2015/16 appendix
        other,Number of visits,,,lower_is_better,,,,
        """,
    )
    everywhere = load_register(reg)
    assert [e.pattern for e in everywhere] == ["Number of fly tipping incidents*"]
    medway = load_register(reg, area="medway")
    assert [e.indicator_id for e in medway] == ["fly_tipping", "lac"]
    assert medway[1].source == "indicators.csv:4"
    assert (
        match_register(medway, "NUMBER OF FLY TIPPING INCIDENTS NI196a").indicator_id
        == "fly_tipping"
    )
    assert match_register(medway, "Fly tipping") is None
    path = write(
        tmp_path,
        "r_2014-15.csv",
        "Indicator,Target,Q3,Q4\n"
        "Reduce the number of LAC by area,Reduce the number of LAC by 10% against 2013/14 out-turn,15%,16%\n",
    )
    df = build_table([path], register=reg, area="medway")
    assert df["target_reference_value"].tolist() == [13.0, 13.0]
    assert df["target_level"].tolist() == pytest.approx([11.7, 11.7])
    assert df["rag"].tolist() == ["AMBER", "AMBER"]  # 3.3 and 4.3 points short
    assert df["indicator_key"].unique().tolist() == ["lac"]
    plain = build_table([path], register=None)
    assert plain["rag"].tolist() == ["N/A", "N/A"]
    assert (
        plain["rag_reason"].iloc[0]
        == "no figure for 2013/14 out-turn to measure the change against"
    )


def test_register_target_replaces_the_returns(tmp_path):
    reg = write(
        tmp_path,
        "reg.csv",
        "indicator,target,polarity,note\nNumber of visits,5% reduction,,agreed with the partner\n",
    )
    path = write(tmp_path, "r.csv", "Indicator,Target,Q3,Q4\nNumber of visits,5%,9,4\n")
    df = build_table([path], register=reg)
    assert df["target_text"].tolist() == ["5%", "5%"]  # the return's words are kept
    assert df["target_source"].unique().tolist() == ["register"]
    assert (df["target_kind"].iloc[0], df["target_value"].iloc[0]) == ("relative", -5.0)
    assert "agreed with the partner" in df["target_note"].iloc[0]
    assert df["rag"].tolist() == ["N/A", "GREEN"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X,count,upwards,,", "row 2, column 'polarity': polarity must be one of"),
        ("X,litres,,,", "row 2, column 'unit': unit must be one of"),
        (
            "X,,,Awaiting figure,",
            "row 2, column 'target': target 'Awaiting figure' is not machine-readable",
        ),
        ("X,,,,thirteen", "row 2, column 'reference_value': reference_value must be a number"),
    ],
)
def test_bad_register_entries(tmp_path, line, message):
    reg = write(tmp_path, "reg.csv", f"indicator,unit,polarity,target,reference_value\n{line}\n")
    with pytest.raises(InputDataError, match=message):
        load_register(reg)


def test_register_with_two_matching_entries_is_an_error(tmp_path):
    reg = write(tmp_path, "reg.csv", "indicator,unit\nNumber of*,count\n*visits,count\n")
    with pytest.raises(InputDataError, match="matches 2 entries"):
        match_register(load_register(reg), "Number of visits")


def test_repository_register_loads():
    assert load_register() == []  # every shipped entry is area-specific
    assert {e.area for e in load_register(area="medway")} == {"medway"}
    assert {e.area for e in load_register(area="sample")} == {"sample"}
