"""How tables are written for readers."""

from __future__ import annotations


def test_reader_tables_have_no_index_row_and_align_words_left_numbers_right():
    import pandas as pd

    from analysis.report.formatting import reader_table

    df = pd.DataFrame({"Crime group": ["Theft", "Drugs"], "Count": ["5,084", "717"],
                       "Share": ["21.8%", "3.1%"]}).set_index("Crime group")  # fmt: skip
    html = reader_table(df, "t").to_html()
    assert html.count("<tr>") == 3  # one header row: no separate row for the index's name
    assert "Crime group" in html.split("</thead>")[0]
    assert 'id="T_t"' in html and "text-align: right" in html and "text-align: left" in html
