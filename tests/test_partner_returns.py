"""Reading partner returns: value formats, periods, layouts (CSV/XLSX), errors, the register.

Small hand-made returns are written in each test; the seed tables (``../shared/seed-tables``)
are read where present to check that every row of them parses.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis import targets as tg
from analysis.errors import InputDataError
from analysis.partner_returns import (
    TIDY_COLUMNS,
    load_register,
    match_register,
    parse_period_heading,
    parse_value,
    read_return,
    read_returns,
)
from analysis.performance import build_table
from conftest import REPO

SEED_TABLES = REPO.parent / "shared" / "seed-tables"
needs_seeds = pytest.mark.skipif(
    not SEED_TABLES.is_dir(), reason=f"seed tables {SEED_TABLES} are absent"
)
SEED_RETURNS = [
    "medway_street_scene_2012-13.csv",
    "medway_action_plan_2014-15_q3q4.csv",
    "medway_action_plan_2015-16_q1q2.csv",
]


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("text", "value", "status", "pct", "num", "den"),
    [
        ("4,772", 4772.0, "ok", False, None, None),
        ("4491", 4491.0, "ok", False, None, None),
        ("12,148", 12148.0, "ok", False, None, None),
        ("25.60%", 25.6, "ok", True, None, None),
        ("77.8%", 77.8, "ok", True, None, None),
        ("6% (2 out of 31 young people)", 6.0, "ok", True, 2.0, 31.0),
        ("35% (15 of 43 young people)", 35.0, "ok", True, 15.0, 43.0),
        ("84% (57 clients)", 84.0, "ok", True, None, None),
        ("6/34", 100 * 6 / 34, "ok", True, 6.0, 34.0),
        ("", None, "missing", False, None, None),
        ("n/a", None, "missing", False, None, None),
        ("N/A", None, "missing", False, None, None),
        ("-", None, "missing", False, None, None),
        ("TBC", None, "missing", False, None, None),
        ("Awaiting data", None, "missing", False, None, None),
        ("No longer collated by Division.", None, "missing", False, None, None),
        ("six", None, "not machine-readable", False, None, None),
    ],
)
def test_parse_value(text, value, status, pct, num, den):
    v = parse_value(text)
    assert v.status == status
    assert v.value == (pytest.approx(value) if value is not None else None)
    assert v.percent_sign is pct
    assert (v.numerator, v.denominator) == (num, den)
    assert v.text == text


def test_bracketed_client_count_is_not_guessed_as_numerator_or_denominator():
    v = parse_value("84% (57 clients)")
    assert v.numerator is None and v.denominator is None
    assert "57 clients" in v.note and "does not say which" in v.note


def test_stated_percentage_is_checked_against_its_counts():
    assert parse_value("35% (15 of 43 young people)").check is None  # 34.9% rounds to 35
    assert parse_value("5% (1 out of 19 young people)").check is None  # 5.3%
    assert parse_value("19% (15 of 52 young people)").check == "stated 19% but 15 of 52 is 28.8%"
    assert "larger than" in parse_value("50% (5 of 3)").check


# ------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("heading", "kind", "label", "start", "end"),
    [
        ("11/12 performance", "financial_year", "2011/12", "2011-04", "2012-03"),
        ("2012/13", "financial_year", "2012/13", "2012-04", "2013-03"),
        ("2012-13", "financial_year", "2012/13", "2012-04", "2013-03"),
        ("2024", "calendar_year", "2024", "2024-01", "2024-12"),
        ("Q3", "quarter", "Q3", None, None),
        ("Q3 2014/15", "quarter", "2014/15 Q3", "2014-10", "2014-12"),
        ("2014/15 Q4", "quarter", "2014/15 Q4", "2015-01", "2015-03"),
        ("Quarter 1 2015/16", "quarter", "2015/16 Q1", "2015-04", "2015-06"),
        ("Baseline '10/11", "baseline", "Baseline 2010/11", "2010-04", "2011-03"),
        ("Baseline", "baseline", "Baseline", None, None),
    ],
)
def test_period_headings(heading, kind, label, start, end):
    from analysis.partner_returns import month_text

    p = parse_period_heading(heading)
    assert (p.kind, p.label, month_text(p.start), month_text(p.end)) == (kind, label, start, end)


@pytest.mark.parametrize("heading", ["Q3 and Q4 Update", "Target", "2012/14", "Comment", "Q5"])
def test_not_period_headings(heading):
    assert parse_period_heading(heading) is None


# ------------------------------------------------------------------ returns


RETURN = """
    Priority,Indicator,Target,Q3,Q4,RAG,Comment
    Envirocrime,Number of fly tipping incidents,5% reduction,504,667,RED,
    Envirocrime,Satisfaction of victims,85%,77.8%,75%,,survey
    Re-offending,Percentage re-offending (Triage),< 50%,6% (2 out of 31 young people),5% (1 out of 19 young people),,
    Domestic abuse,Number of high risk clients referred,Awaiting figure from OASIS,107,139,,
    Domestic abuse,Training delivered,100 practitioners,n/a,110,,
"""


def test_tidy_table_shape_and_values(tmp_path):
    path = write(tmp_path, "action_plan_2014-15.csv", RETURN)
    df = read_return(path)
    assert list(df.columns) == list(TIDY_COLUMNS)
    assert len(df) == 10
    row = df[
        (df["indicator"] == "Number of fly tipping incidents") & (df["period"] == "2014/15 Q4")
    ].iloc[0]
    assert (row["value"], row["unit"], row["source_row"], row["source_column"]) == (
        667.0,
        "count",
        2,
        "Q4",
    )
    assert (row["period_start"], row["period_end"]) == ("2015-01", "2015-03")
    assert row["published_rag"] == "RED"  # the RAG column belongs to the latest period only
    assert pd.isna(
        df.loc[
            (df["indicator"] == "Number of fly tipping incidents") & (df["period"] == "2014/15 Q3"),
            "published_rag",
        ]
    ).all()
    triage = df[df["indicator"].str.startswith("Percentage")].iloc[0]
    assert (triage["value"], triage["numerator"], triage["denominator"], triage["unit"]) == (
        6.0,
        2.0,
        31.0,
        "percent",
    )
    assert triage["target_kind"] == "level" and triage["target_direction"] == "at_most"
    oasis = df[df["indicator"].str.contains("high risk")].iloc[0]
    assert oasis["target_kind"] == "not machine-readable"
    assert oasis["target_text"] == "Awaiting figure from OASIS"
    training = df[df["indicator"] == "Training delivered"]
    assert training["value_status"].tolist() == ["missing", "ok"]
    assert training["value_text"].tolist() == ["n/a", "110"]
    assert df["source_file"].unique().tolist() == ["action_plan_2014-15.csv"]


def test_quarters_without_any_year_keep_their_own_order(tmp_path):
    path = write(tmp_path, "return.csv", "Indicator,Target,Q1,Q2\nA,150,10,20\n")
    df = read_return(path)
    assert df["period"].tolist() == ["Q1", "Q2"]
    assert df["period_start"].isna().all()


def test_quarters_take_the_single_year_column(tmp_path):
    path = write(
        tmp_path, "return.csv", "Indicator,Target,Q1,Q2,Q3,Q4,2023/24\nA,150,10,20,30,40,100\n"
    )
    assert read_return(path)["period"].tolist() == [
        "2023/24 Q1",
        "2023/24 Q2",
        "2023/24 Q3",
        "2023/24 Q4",
        "2023/24",
    ]


def test_priority_section_rows_and_blank_priority_cells(tmp_path):
    path = write(
        tmp_path,
        "r_2015-16.csv",
        """
        Indicator,Target,Q1
        Priority 2 - Tackle ASB and Envirocrime,,
        Number of fly tipping incidents,5% reduction,820
        Priority 4 - Tackle Domestic Abuse,,
        Number of high risk clients referred,340,135
        """,
    )
    df = read_return(path)
    assert df["priority"].tolist() == ["Tackle ASB and Envirocrime", "Tackle Domestic Abuse"]


def test_two_row_csv_header(tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        """
        Indicator,Target,Performance,,,,RAG
        ,,Q1 2023/24,Q2 2023/24,Q3 2023/24,Q4 2023/24,
        Number of fly tipping incidents,5% reduction,820,706,650,640,GREEN
        """,
    )
    df = read_return(path)
    assert df["period"].tolist() == ["2023/24 Q1", "2023/24 Q2", "2023/24 Q3", "2023/24 Q4"]
    assert df["source_row"].unique().tolist() == [3]


def test_xlsx_with_merged_two_row_header_and_percent_cells(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Community Safety Partnership performance"])
    ws.append(["Priority", "Indicator", "Target", "Performance", None, None, None, "RAG"])
    ws.append([None, None, None, "Q1", "Q2", "Q3", "Q4", None])
    for rng in ("D2:G2", "A2:A3", "B2:B3", "C2:C3", "H2:H3"):
        ws.merge_cells(rng)
    ws.append(
        ["Tackle ASB", "Number of fly tipping incidents", "5% reduction", 820, 706, 650, 640, "G"]
    )
    ws.append(
        [None, "Percentage cleared by the next working day", 0.75, 0.83, 0.81, 0.8, 1.05, None]
    )
    ws.merge_cells("A4:A5")  # the priority merged down its indicators
    for col in "CDEFG":
        ws[f"{col}5"].number_format = "0%"
    path = tmp_path / "performance_2023-24.xlsx"
    wb.save(path)
    with pytest.raises(InputDataError) as err:
        read_return(path)
    assert str(err.value) == (
        f"{path}, row 5, column 'Q4': percentage 105% is above 100 for "
        "'Percentage cleared by the next working day'"
    )
    ws["G5"] = 0.79
    wb.save(path)
    df = read_return(path)
    assert df["period"].unique().tolist() == [
        "2023/24 Q1",
        "2023/24 Q2",
        "2023/24 Q3",
        "2023/24 Q4",
    ]
    assert df["priority"].unique().tolist() == ["Tackle ASB"]
    pct = df[df["indicator"].str.startswith("Percentage")]
    assert pct["value"].tolist() == [83.0, 81.0, 80.0, 79.0]
    assert pct["unit"].unique().tolist() == ["percent"]
    assert pct["target_text"].iloc[0] == "75%"
    assert df["published_rag"].dropna().tolist() == ["GREEN"]
    assert df["source_row"].unique().tolist() == [4, 5]


def test_xlsx_merged_header_without_period_row_is_a_clear_error(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Indicator", "Target", "Performance", None, "RAG"])
    ws.merge_cells("C1:D1")
    ws.append(["Fly tipping", "5% reduction", 1, 2, "G"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with pytest.raises(
        InputDataError, match=r"row 1: merged header cell 'Performance' spans columns C-D"
    ):
        read_return(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Indicator,Target,Q1,Q2\nA,70%,50%,104%\n",
            "r.csv, row 2, column 'Q2': percentage 104% is above 100 for 'A'",
        ),
        (
            "Indicator,Target,Q1\nA,70%,50%\nB,5,1\na ,60%,40%\n",
            "r.csv, row 4, column 'Indicator': indicator 'a' appears twice in this return (rows 2 and 4)",
        ),
        (
            "Indicator,Target,Lead agency,Owner's view,Q1\nA,5,x,y,1\n",
            "r.csv, row 1, column 'Owner's view': column not recognised",
        ),
        ("Indicator,Target,Comment\nA,5,x\n", "r.csv, row 1: no period columns"),
        ("Measure,Target,2012/13,2012/13\nA,5,1,2\n", "two columns for the same period 2012/13"),
        ("Name,Q1\nA,1\n", "no header row with an 'Indicator' or 'Measure' column"),
        (
            "Indicator,Target,Q1\n,5,1\n",
            "r.csv, row 2, column 'Indicator': row has figures but no indicator name",
        ),
    ],
)
def test_bad_returns_name_file_row_and_column(tmp_path, text, message):
    path = write(tmp_path, "r.csv", text)
    with pytest.raises(InputDataError) as err:
        read_return(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_error_carries_parts(tmp_path):
    path = write(tmp_path, "r.csv", "Indicator,Target,Q1,Q2\nA,70%,50%,104%\n")
    with pytest.raises(InputDataError) as err:
        read_return(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 2, "Q2")


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(InputDataError, match="file not found"):
        read_return(tmp_path / "nope.csv")
    (tmp_path / "r.ods").write_text("x")
    with pytest.raises(InputDataError, match="unsupported file type"):
        read_return(tmp_path / "r.ods")


def test_cp1252_csv_is_read(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(
        "Indicator,Target,Q1\nFly tipping \u2013 all,5% reduction,820\n".encode("cp1252")
    )
    assert read_return(path)["indicator"].iloc[0] == "Fly tipping - all"


def test_all_missing_percentage_indicator_keeps_its_target(tmp_path):
    path = write(
        tmp_path, "r.csv", "Indicator,Target,Q1,Q2\nSatisfaction of victims of ASB,85%,,\n"
    )
    df = read_return(path)
    assert df["unit"].unique().tolist() == ["percent"]
    assert df["target_kind"].unique().tolist() == ["level"]
    assert df["value_status"].tolist() == ["missing", "missing"]


def test_bare_percentage_target_on_counts(tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        "Indicator,Target,Q3,Q4\nReduction on the number of repeat victims of ASB,5%,9,4\nNumber of visits,5%,9,4\n",
    )
    df = read_return(path)
    reduce = df[df["indicator"].str.startswith("Reduction")].iloc[0]
    assert (reduce["target_kind"], reduce["target_value"]) == ("relative", -5.0)
    assert "read as a 5% reduction" in reduce["target_note"]
    visits = df[df["indicator"] == "Number of visits"].iloc[0]
    assert visits["target_kind"] == "not machine-readable"
    assert "Set it in the indicator register" in visits["target_note"]


def test_later_return_supersedes_a_repeated_period(tmp_path):
    a = write(
        tmp_path,
        "a.csv",
        "Measure,Target,11/12 performance,12/13 performance\nFly tipping,5% reduction,4491,4136\n",
    )
    b = write(
        tmp_path,
        "b.csv",
        "Measure,Target,12/13 performance,13/14 performance\nFly tipping,5% reduction,4140,3900\n",
    )
    df = read_returns([a, b])
    sup = df[df["superseded"]]
    assert (sup["source_file"].tolist(), sup["period"].tolist(), sup["value"].tolist()) == (
        ["a.csv"],
        ["2012/13"],
        [4136.0],
    )


# ------------------------------------------------------------------ register


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


# ------------------------------------------------------------------ the seed tables


@needs_seeds
@pytest.mark.parametrize("area", [None, "medway"])
def test_every_seed_row_parses(area):
    df = build_table([SEED_TABLES / n for n in SEED_RETURNS], area=area)
    raw_rows = sum(len(pd.read_csv(SEED_TABLES / n)) for n in SEED_RETURNS)
    per_indicator = df.drop_duplicates(["source_file", "source_row"])
    assert len(per_indicator) == raw_rows  # every row of every file is in the table
    for r in per_indicator.itertuples():
        if r.target_kind == tg.NOT_MACHINE_READABLE:
            assert r.target_text and r.target_note  # kept verbatim, with the reason
        elif r.target_kind == tg.NONE:
            assert r.target_text == "N/A"
        else:
            assert r.target_value == r.target_value  # a number (not NaN)
    assert set(df["rag"]) <= {"GREEN", "AMBER", "RED", "N/A"}
    nmr = per_indicator[per_indicator["target_kind"] == tg.NOT_MACHINE_READABLE]
    assert nmr["target_text"].tolist() == ["Awaiting figure from OASIS"]
    # each indicator's latest figure: numeric target and a RAG, or an explicit reason
    latest = df.sort_values("period_order").drop_duplicates(
        ["source_file", "source_row"], keep="last"
    )
    for r in latest.itertuples():
        assert r.rag in {"GREEN", "AMBER", "RED"} or r.rag_reason, r.indicator


@needs_seeds
def test_seed_value_formats_and_checks():
    df = build_table([SEED_TABLES / n for n in SEED_RETURNS], register=None)
    assert df["value_status"].value_counts().to_dict() == {"ok": 86, "missing": 2}
    env = df[
        (df["indicator"] == "Numbers of environmental crimes reported")
        & (df["period"] == "2011/12")
    ]
    assert env["value"].tolist() == [4772.0]
    checks = df.dropna(subset=["value_check"])
    assert checks[
        ["source_file", "source_row", "source_column", "value_check"]
    ].values.tolist() == [
        ["medway_action_plan_2015-16_q1q2.csv", 13, "Q2", "stated 19% but 15 of 52 is 28.8%"]
    ]
    clients = df[df["value_text"] == "84% (57 clients)"].iloc[0]
    assert (clients["value"], clients["unit"]) == (84.0, "percent")
    assert pd.isna(clients["numerator"]) and pd.isna(clients["denominator"])


def test_xlsx_section_title_merged_across_the_row(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Indicator", "Target", "Q1", "Q2"])
    ws.append(["Priority 2 - Tackle ASB and Envirocrime", None, None, None])
    ws.merge_cells("A2:D2")
    ws.append(["Number of fly tipping incidents", "5% reduction", 820, 706])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    df = read_return(path)
    assert df["indicator"].unique().tolist() == ["Number of fly tipping incidents"]
    assert df["priority"].unique().tolist() == ["Tackle ASB and Envirocrime"]
    assert df["source_row"].unique().tolist() == [3]


def test_bare_level_direction_follows_the_indicator_wording(tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        "Indicator,Target,Q1\n"
        "Reduce the number of repeat victims,40,35\n"
        "Number of home safety visits,150,35\n"
        "Increase the proportion of offenders in employment,< 50%,35%\n",
    )
    df = read_return(path).set_index("indicator")
    reduce = df.loc["Reduce the number of repeat victims"]
    assert (reduce["target_direction"], reduce["polarity"], reduce["polarity_source"]) == (
        "at_most",
        "lower_is_better",
        "wording",
    )
    visits = df.loc["Number of home safety visits"]
    assert (visits["target_direction"], visits["polarity"]) == ("at_least", "higher_is_better")
    assert "read as 'at least'" in visits["target_note"]
    clash = df.loc["Increase the proportion of offenders in employment"]
    assert (clash["target_direction"], clash["polarity"], clash["polarity_source"]) == (
        "at_most",
        "lower_is_better",
        "target",
    )
    assert "point different ways" in clash["target_note"]
