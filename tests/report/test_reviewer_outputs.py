"""What reviewers never see: analyst-only cells, set-up cells, stderr, small partner counts."""

import nbformat
import pandas as pd

from analysis.measures.disclosure import suppress_indicators
from analysis.report.render import _strip_for_reviewer


def test_reviewer_notebook_drops_analyst_only_cells_and_stderr():
    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("display(table)")
    shown.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="warning"),
        nbformat.v4.new_output("stream", name="stdout", text="kept"),
    ]
    restricted = nbformat.v4.new_code_cell("display(unsuppressed)")
    restricted.metadata["tags"] = ["analyst-only"]
    params = nbformat.v4.new_code_cell("area = 'x'")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, shown, restricted]
    out = _strip_for_reviewer(nb)
    assert [c.source for c in out.cells] == ["display(table)"]
    assert [o["name"] for o in out.cells[0].outputs] == ["stdout"]
    assert len(nb.cells) == 3  # the analyst's notebook is untouched


def test_small_partner_counts_and_revealing_percentages_are_hidden():
    rows = pd.DataFrame({
        "unit": ["count", "count", "count", "percent", "percent"],
        "value": [7, 0, 12, 6.0, 35.0],
        "numerator": [None, None, None, 2, 15],
        "value_text": ["7", "0", "12", "6% (2 out of 31 young people)", "35% (15 of 43)"],
        "change_text": ["▲ 40.0%", "◆ 0.0%", "▲ 9.1%", "▼ 1.0", "▲ 4.0"],
        "change_vs_baseline_text": ["", "", "", "", ""],
    })  # fmt: skip
    out = suppress_indicators(rows, threshold=10)
    assert out["value_text"].tolist() == ["[c]", "0", "12", "[c]", "35% (15 of 43)"]
    assert out["change_text"].tolist()[0] == "[c]"  # a change would reveal the hidden count
    assert out["suppressed"].tolist() == [True, False, False, True, False]


def test_a_change_from_a_hidden_previous_value_is_hidden_and_reasons_do_not_quote_it():
    # this year 12 (shown), last year 4 (hidden on its own row): "+200%" would give the 4 away
    rows = pd.DataFrame({
        "unit": ["count", "count", "count"], "value": [12, 3, 40],
        "previous_value": [4, 20, 30], "baseline_value": [30, 20, 5],
        "value_text": ["12", "3", "40"],
        "change_text": ["▲ 200.0%", "▼ 85.0%", "▲ 33.3%"],
        "change_vs_baseline_text": ["▼ 60.0%", "▼ 85.0%", "▲ 700.0%"],
        "rag_reason": ["met: 12 against target 10", "missed: 3 against target 10", "met: 40"],
    })  # fmt: skip
    out = suppress_indicators(rows, threshold=10)
    assert out["value_text"].tolist() == ["12", "[c]", "40"]
    assert out["change_text"].tolist() == ["[c]", "[c]", "▲ 33.3%"]
    assert out["change_vs_baseline_text"].tolist() == ["▼ 60.0%", "[c]", "[c]"]
    assert out["rag_reason"].tolist()[1] == "withheld with the value (a small number)"
    assert "3" not in " ".join(out.iloc[1].astype(str).drop(["value", "previous_value",
                                                             "baseline_value"]))  # fmt: skip
