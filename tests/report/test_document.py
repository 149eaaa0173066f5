"""The public document: sections without data left out and named; the background in plain words."""

from __future__ import annotations

from analysis.report.document import (
    GLOSSARY,
    background,
    cover,
    glossary,
    has_data,
    undefined_abbreviations,
)

BASE = {
    "area": {"name": "Medway", "synthetic": False},
    "period": {"label": "January 2025 to December 2025",
               "previous": {"label": "January 2024 to December 2024"}},
    "months_present": 12,
    "crime": {"context": {"deprivation": {"available": True}}, "previous_total": None},
    "performance": None, "road_safety": None, "fire": None,
    "public": {"available": False, "note": "no survey was supplied for this assessment"},
}  # fmt: skip
SIDS = ["crime", "asb", "context", "performance", "road_safety", "fire", "public", "priorities"]


def test_sections_without_data_are_left_out():
    shown = [s for s in SIDS if has_data(s, BASE)]
    assert shown == ["crime", "asb", "context", "priorities"]
    assert not has_data("technical", BASE)


def test_the_data_note_names_what_is_missing_in_plain_words():
    text = background(BASE, SIDS, [])["source"]
    assert "Regulation 5 of the Crime and Disorder (Formulation and Implementation of Strategy) " \
           "Regulations 2007" in text  # fmt: skip
    assert ("These sources are not available for Medway in this assessment, so their sections "
            "are left out: partners' performance returns, road casualty data, fire and rescue "
            "service activity data and residents' survey results.") in text  # fmt: skip
    assert "configured" not in text and "deprivation: the English Indices" in text
    one = {**BASE, "performance": {"x": 1}, "road_safety": {"x": 1}, "fire": {"x": 1}}
    assert (
        "so its section is left out: residents' survey results."
        in background(one, SIDS, [])["source"]
    )
    assert (
        "so have not been checked: 12.0% (commentary on crime)"
        in background(BASE, SIDS, ["12.0% (commentary on crime)"])["source"]
    )


def test_the_cover_names_area_period_partners_and_date():
    text = cover(BASE, "7 December 2026", ["Medway Council", "Kent Police"])["source"]
    for part in ("Community Safety Strategic Assessment", "Medway", "January 2025 to December 2025",
                 "Medway Council and Kent Police", "Produced 7 December 2026"):  # fmt: skip
        assert part in text
    assert "Synthetic" not in text


def test_an_abbreviation_used_but_not_defined_is_caught():
    assert undefined_abbreviations("ASB fell; 3 IDVAs; RED and GREEN; the XYZ board met.") == [
        "XYZ"
    ]
    assert undefined_abbreviations("Fixed Penalty Notices (FPNs) and HSVs") == []


def test_the_glossary_lists_the_terms_used_only():
    text = glossary("ASB rose. Killed or seriously injured (KSI). A funnel plot.")["source"]
    assert "**ASB**" in text and "**KSI**" in text and "**Funnel plot**" in text
    assert "**IDVA**" not in text
    assert glossary()["source"].count("- **") == len(GLOSSARY)
