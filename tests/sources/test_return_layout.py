"""Reading the file and finding its layout (:mod:`analysis.sources.return_layout`).

Seen through :func:`~analysis.sources.partner_returns.read_return`, since what matters is
where each figure lands: CSV and XLSX, encodings, two-row and merged headers, the year of
bare quarters, and files that cannot be read.
"""

from __future__ import annotations

import textwrap

import pytest

from analysis.errors import InputDataError
from analysis.sources.partner_returns import read_return


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------ periods of the columns


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


# ------------------------------------------------------------------ headers


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


# ------------------------------------------------------------------ files


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
