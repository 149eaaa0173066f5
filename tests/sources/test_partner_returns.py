"""Reading partner returns into the tidy table: rows, priorities, units, targets, errors.

Small hand-made returns are written in each test; the seed tables (``../shared/seed-tables``)
are read where present to check that every row of them parses. Cells, layouts and the
register have their own test files beside this one.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis.errors import InputDataError
from analysis.measures.partners import build_table
from analysis.sources import targets as tg
from analysis.sources.partner_returns import TIDY_COLUMNS, read_return, read_returns
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


# ------------------------------------------------------------------ errors


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


# ------------------------------------------------------------------ files as partners send them


def test_utf16_and_semicolon_returns_read_like_the_plain_one(tmp_path):
    plain = read_return(write(tmp_path, "action_plan_2014-15.csv", RETURN))
    text = textwrap.dedent(RETURN).lstrip("\n")
    utf16 = tmp_path / "utf16" / "action_plan_2014-15.csv"
    utf16.parent.mkdir()
    utf16.write_bytes(text.encode("utf-16"))
    semi = tmp_path / "semi" / "action_plan_2014-15.csv"
    semi.parent.mkdir()
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    semi.write_text(out.getvalue(), encoding="utf-8")
    cols = ["indicator", "period", "value", "target_text"]
    for other in (utf16, semi):
        pd.testing.assert_frame_equal(read_return(other)[cols], plain[cols])


def test_excel_lock_files_are_skipped(tmp_path):
    from analysis.sources.partners import partner_files

    write(tmp_path, "performance_2024.csv", RETURN)
    (tmp_path / "~$performance_2024.csv").write_bytes(b"\x00lock")
    assert [p.name for p in partner_files(tmp_path, "performance_*.csv")] == [
        "performance_2024.csv"
    ]
    assert [p.name for p in partner_files(tmp_path, "*performance_*.csv")] == [
        "performance_2024.csv"
    ]


def test_password_protected_workbooks_are_named_plainly(tmp_path):
    path = tmp_path / "return.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # an OLE container
    with pytest.raises(
        InputDataError, match="return.xlsx: is password-protected or in the old .xls"
    ):
        read_return(path)


def test_a_formula_without_a_saved_result_is_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Indicator", "Target", "Q1", "Q2"])
    ws.append(["Number of fly tipping incidents", "5% reduction", 820, "=C2*0.9"])
    path = tmp_path / "r.xlsx"
    wb.save(path)  # openpyxl saves formulas without calculating them
    with pytest.raises(InputDataError, match=r"r.xlsx, row 2, column 'D': cell D2 holds a formula"):
        read_return(path)


def test_appendix_layouts_with_other_headings_are_read(tmp_path):
    path = write(tmp_path, "appendix_2011.csv", """
        Proxy Measure / Indicator,Target,2010,2011,Diff.,Diff. to Baseline
        Number of fly tipping incidents,5% reduction,820,706,-114,-20
        Satisfaction of victims,85%,77.8%,80%,2.2,1.0
    """)  # fmt: skip
    df = read_return(path)
    assert df["indicator"].unique().tolist() == ["Number of fly tipping incidents",
                                                 "Satisfaction of victims"]  # fmt: skip
    assert sorted(df["period"].unique()) == ["2010", "2011"]
    row = df[(df["indicator"] == "Number of fly tipping incidents") & (df["period"] == "2011")]
    assert row["value"].tolist() == [706.0]


def test_stated_differences_are_checked_against_the_values(tmp_path):
    path = write(tmp_path, "appendix_2011.csv", """
        Performance indicator,Target,Baseline 2009,2010,2011,Diff.,Diff. to Baseline
        Number of fly tipping incidents,5% reduction,900,820,706,-100,-194
        Satisfaction of victims,85%,70%,77.8%,80%,2.2,10
    """)  # fmt: skip
    df = read_return(path)
    latest = df[df["period"] == "2011"].set_index("indicator")["value_check"]
    assert latest["Number of fly tipping incidents"] == (
        "stated difference -100 on the previous period, but 706 against 820 is -114"
    )
    assert latest["Satisfaction of victims"] is None or pd.isna(latest["Satisfaction of victims"])


@pytest.mark.parametrize(
    ("title", "name", "periods"),
    [
        (
            "Community Safety Partnership performance 2011\n",
            "appendix.csv",
            ["2011", "2010/11", "Oct 2010 to Sep 2011"],
        ),
        ("", "appendix_2012.csv", ["2012", "2011/12", "Oct 2011 to Sep 2012"]),
        ("Performance 2012/13\n", "appendix.csv", ["2013", "2012/13", "Oct 2012 to Sep 2013"]),
    ],
)
def test_month_range_columns_take_their_year_from_the_title_or_file_name(tmp_path, title, name,
                                                                        periods):  # fmt: skip
    text = title + ("Indicator,Target,Jan \u2013 Dec,Apr - Mar,Oct to Sep\n"
                    "Number of fly tipping incidents,5% reduction,820,706,690\n")  # fmt: skip
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    df = read_return(path)
    assert df["period"].tolist() == periods
    assert df["period_type"].tolist() == ["calendar_year", "financial_year", "twelve_months"]


def test_month_ranges_with_no_year_anywhere_are_refused(tmp_path):
    path = write(tmp_path, "appendix.csv", """
        Indicator,Target,Jan - Dec
        Number of fly tipping incidents,5% reduction,820
    """)  # fmt: skip
    with pytest.raises(InputDataError, match="names months but no year"):
        read_return(path)


def test_month_ranges_with_their_own_years():
    from analysis.sources.return_values import parse_period_heading

    assert parse_period_heading("Apr 2023 \u2013 Mar 2024").label == "2023/24"
    assert parse_period_heading("Jan-Dec 2024").label == "2024"
    assert parse_period_heading("Oct - Sep 2024").label == "Oct 2023 to Sep 2024"
    assert parse_period_heading("Jan - Jun") is None  # not twelve months
