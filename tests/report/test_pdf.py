"""The PDF's contents numbering: headings found on their pages, in order, and numbered."""

from __future__ import annotations

from analysis.report.pdf import heading_pages, number_contents

TEXTS = [
    "Community Safety Strategic Assessment\nMedway",
    "Page 2 of 5\nContents\n1. Introduction\n2. Anti-social behaviour",
    "Page 3 of 5\nIntroduction¶\nAnti-social behaviour fell by 9.4%\nOverview",
    "Page 4 of 5\nAll recorded crime: Medway, 2025\n",
    "Page 5 of 5\nAnti-social behaviour (ASB): Medway, 2025",
]


def test_headings_are_found_after_the_contents_in_order_not_in_running_text():
    titles = {"introduction": "Introduction", "crime": "All recorded crime",
              "asb": "Anti-social behaviour", "missing": "Glossary of terms"}  # fmt: skip
    # "Anti-social behaviour fell by" on page 3 is a sentence, not the heading (page 5)
    assert heading_pages(TEXTS, titles, after=2) == {"introduction": 3, "crime": 4, "asb": 5}


def test_contents_entries_get_their_page_numbers():
    page = '<ol><li><a href="#introduction">Introduction</a></li><li><a href="#x">X</a></li></ol>'
    assert number_contents(page, {"introduction": 3}) == (
        '<ol><li><a href="#introduction">Introduction</a><span class="csp-toc-page">3</span></li>'
        '<li><a href="#x">X</a></li></ol>'
    )
