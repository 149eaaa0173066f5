"""Listening to the public in words: exact sentences for the sample, every number traced."""

from __future__ import annotations

import pytest
from test_summary import RISE_SIGNIFICANT, untraced

from analysis.measures.survey import survey_figures
from analysis.report.public import (
    caveats_markdown,
    changes_markdown,
    differences_markdown,
    public_markdown,
    question_table,
    who,
)
from analysis.report.summary import executive_summary, public_sentence


@pytest.fixture(scope="module")
def public(sample_survey):
    table, settings, notes, *_ = sample_survey
    return survey_figures(table, settings, "2025-03", notes)


def _sentences(public):
    text = " ".join([public_markdown(public), differences_markdown(public),
                     changes_markdown(public), caveats_markdown(public)])  # fmt: skip
    return [s for s in text.split(". ") if s]


def test_every_number_in_the_public_section_is_a_figure(public):
    figures = {**RISE_SIGNIFICANT, "public": public}
    assert untraced(_sentences(public), figures) == []
    assert untraced(executive_summary(figures), figures) == []


def test_the_planted_findings_are_said_in_plain_words(public):
    diff = differences_markdown(public)
    assert diff.startswith('On "How safe do you feel in your local area after dark?", respondents '
                           "aged 25-34 were less likely to answer very or fairly safe: ")  # fmt: skip
    assert "No other difference between groups is beyond chance" in diff
    assert "Not compared, because fewer than 50 people" in diff
    change = changes_markdown(public)
    assert (
        "the share naming people using or dealing drugs as a problem is up from 44.9% to "
        "55.0%, a change beyond chance. No other change is beyond chance."
    ) in change
    assert public_sentence({"public": public}) == (
        "In the Residents' survey 2024, 57.7% answered very safe or fairly safe to \"How safe do "
        "you feel in your local area after dark?\" and the problems named most often were dog "
        "fouling (55.2%), people using or dealing drugs (55.0%) and speeding or careless driving "
        "(52.1%), level within the survey's margin.")  # fmt: skip


def test_no_survey_is_one_plain_sentence():
    none = {"available": False, "note": "no survey was supplied for this assessment"}
    assert public_markdown(none) == ("This assessment has no residents' survey results for the "
                                     "period: no survey was supplied for this assessment.")  # fmt: skip
    assert differences_markdown(none) == changes_markdown(none) == caveats_markdown(none) == ""
    assert public_sentence({"public": none}) is None


def test_groups_and_tables_read_as_words(public):
    assert who("Age band", "25-34") == "respondents aged 25-34"
    assert who("Sex", "Female") == "female respondents"
    assert who("Ward", "Castle") == "respondents in Castle"
    table = question_table(public["questions"][0])
    assert list(table.columns) == ["Answer", "Share", "95% range", "Respondents"]
    assert table["Share"].iloc[0].endswith("%")
    assert "not published here" in caveats_markdown(public)
