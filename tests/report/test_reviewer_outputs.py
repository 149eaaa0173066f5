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
