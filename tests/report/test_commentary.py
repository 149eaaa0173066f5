"""Analysts' commentary: references render the figures, unknown keys stop the run at the line."""

from __future__ import annotations

import pytest

from analysis.errors import PipelineError
from analysis.report.commentary import (
    commentary_cell_source,
    load_commentary,
    render_commentary,
    resolve,
)

FIGURES = {
    "period": {"label": "April 2024 to March 2025"},
    "crime": {"total": 23340, "change_pct": 3.4, "rate_per_1000": 83.4,
              "by_group_change": [{"group": "Theft", "change": -379}]},
    "asb": {"change_pct": -9.4},
    "population": {"year": 2020},
}  # fmt: skip


def test_references_render_in_the_document_style():
    text = ("Crime rose by {{ crime.change_pct }} to {{crime.total}} ({{ crime.rate_per_1000 }} "
            "per 1,000); ASB {{ asb.change_pct }}; {{ crime.by_group_change.0.group }} "
            "{{ crime.by_group_change.0.change }}; mid-{{ population.year }}.")  # fmt: skip
    out, unchecked = render_commentary(text, FIGURES, "c.md")
    assert out == ("Crime rose by 3.4% to 23,340 (83.4 per 1,000); ASB -9.4%; Theft -379; "
                   "mid-2020.")  # fmt: skip
    assert unchecked == []


def test_an_unknown_key_stops_the_run_naming_file_and_line(tmp_path):
    with pytest.raises(PipelineError, match=r"c\.md, line 3: unknown figure 'crime\.totl'"):
        render_commentary("one\ntwo\nthree {{ crime.totl }}\n", FIGURES, tmp_path / "c.md")
    with pytest.raises(PipelineError, match="line 1: unknown figure 'crime'"):
        render_commentary("{{ crime }}", FIGURES, tmp_path / "c.md")  # a section, not a figure
    with pytest.raises(PipelineError, match="line 1: unknown figure 'crime.by_group_change.5"):
        render_commentary("{{ crime.by_group_change.5.group }}", FIGURES, tmp_path / "c.md")
    with pytest.raises(PipelineError, match="is not a figure reference"):
        render_commentary("{{ crime total }}", FIGURES, tmp_path / "c.md")


def test_typed_numbers_that_match_no_figure_are_listed_as_unchecked():
    _, unchecked = render_commentary("Crime rose by 3.4%, to 23,340; we think 12.0% and 4,000.",
                                     FIGURES, "c.md")  # fmt: skip
    assert unchecked == ["12.0%", "4,000"]


def test_files_are_found_per_area_period_and_section(tmp_path):
    folder = tmp_path / "commentary" / "sample" / "fy2024-25"
    folder.mkdir(parents=True)
    (folder / "crime.md").write_text("Up {{ crime.change_pct }}.\n", encoding="utf-8")
    found = load_commentary(tmp_path, "sample", "fy2024-25", FIGURES, ["crime", "asb"])
    assert list(found) == ["crime"] and found["crime"].markdown == "Up 3.4%."
    assert len(found["crime"].sha256) == 64
    assert "### Commentary" in commentary_cell_source(found["crime"])
    assert load_commentary(tmp_path, "sample", "cy2024", FIGURES, ["crime"]) == {}
    (folder / "crimes.md").write_text("x", encoding="utf-8")
    with pytest.raises(PipelineError, match="no section called 'crimes'"):
        load_commentary(tmp_path, "sample", "fy2024-25", FIGURES, ["crime", "asb"])


def test_resolve_walks_mappings_and_lists():
    assert resolve(FIGURES, "crime.by_group_change.0.change") == ("change", -379)
    with pytest.raises(KeyError):
        resolve(FIGURES, "crime.nothing")


def test_commentary_cannot_put_markup_or_script_on_a_public_page():
    text = ('<script>alert(1)</script> <!-- internal: do not publish --> [x](javascript:alert(1)) '
            "<img src=x onerror=alert(1)>")  # fmt: skip
    out, _ = render_commentary(text, FIGURES, "c.md")
    assert "<script" not in out and "<img" not in out and "javascript:" not in out
    assert "internal" not in out
    figures = {**FIGURES, "ward": {"name": "<b>Priory</b>"}}
    assert render_commentary("{{ ward.name }}", figures, "c.md")[0] == "&lt;b&gt;Priory&lt;/b&gt;"


def test_a_broken_reference_stops_the_run(tmp_path):
    with pytest.raises(
        PipelineError, match="line 2: a '{{' or '}}' that is not a complete reference"
    ):
        render_commentary("fine\nCrime rose by {{ crime.change_pct\n}}", FIGURES, tmp_path / "c.md")


def test_odd_values_render_as_not_available():
    figures = {**FIGURES, "x": {"rate_per_1000": float("nan"), "change_pct": float("inf")}}
    out, _ = render_commentary("{{ x.rate_per_1000 }} {{ x.change_pct }}", figures, "c.md")
    assert out == "n/a n/a"
