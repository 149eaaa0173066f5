"""Residents' surveys: counts equal a recount of the file, free text never read, bad files named."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.errors import InputDataError
from analysis.sample.survey import COMMENTS, PROBLEMS, Q_DARK, Q_PROBLEMS
from analysis.sources.survey import ALL, SurveyFile, SurveySettings, read_survey, survey_settings


def _counts(table, survey, question, answer, group=ALL, value=ALL):
    row = table[(table["survey"] == survey) & (table["question"] == question)
                & (table["answer"] == answer) & (table["group"] == group)
                & (table["group_value"] == value)]  # fmt: skip
    assert len(row) == 1
    return float(row["count"].iloc[0]), float(row["base"].iloc[0])


def test_respondent_counts_equal_a_recount_of_the_file(sample_survey):
    table, _, notes, _, folder = sample_survey
    raw = pd.read_csv(folder / "survey" / "residents_survey_2023.csv", dtype=str)
    name = "Residents' survey 2023"
    answered = raw[raw[Q_DARK].notna()]
    assert _counts(table, name, Q_DARK, "Very safe") == (
        (answered[Q_DARK] == "Very safe").sum(),
        len(answered),
    )
    young = answered[answered["Age band"] == "25-34"]
    assert _counts(table, name, Q_DARK, "Fairly unsafe", "Age band", "25-34") == (
        (young[Q_DARK] == "Fairly unsafe").sum(),
        len(young),
    )
    # multi-choice: base = respondents who chose at least one option
    cols = [f"{Q_PROBLEMS} | {o}" for o in PROBLEMS]
    chose = raw[cols].notna().any(axis=1)
    drugs = raw[f"{Q_PROBLEMS} | People using or dealing drugs"].notna()
    assert _counts(table, name, Q_PROBLEMS, "People using or dealing drugs") == (
        drugs.sum(),
        chose.sum(),
    )
    assert notes[1]["respondents"] == len(raw) == 1100


def test_free_text_is_never_read(sample_survey):
    table, _, notes, _, _ = sample_survey
    assert notes[1]["free_text_questions"] == 1
    assert "Any other comments" not in set(table["question"])
    assert not set(table["answer"]) & set(COMMENTS)


def test_aggregated_percentages_become_counts_and_multi_choice_is_recognised(sample_survey):
    table, _, notes, _, folder = sample_survey
    raw = pd.read_csv(folder / "survey" / "residents_survey_2022.csv", dtype=str)
    first = raw[(raw["Question"] == Q_DARK) & (raw["Breakdown"] == "All")].iloc[0]
    count, base = _counts(table, "Residents' survey 2022", Q_DARK, first["Response"])
    assert base == float(first["Base"])
    assert count == pytest.approx(float(first["Percentage"].rstrip("%")) * base / 100)
    kinds = table[table["survey"] == "Residents' survey 2022"].groupby("question")["kind"].first()
    assert kinds[Q_PROBLEMS] == "multi" and kinds[Q_DARK] == "single"
    assert notes[0]["format"] == "aggregated table" and notes[0]["groups"] == ["Age band"]


def _one(tmp_path, text: str | bytes, name="s.csv", **kw) -> tuple:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return read_survey(SurveyFile(path, "Test survey", "2024-10"), SurveySettings(files=(), **kw))


RESPONDENTS = "ID,Age band,Q1\n1,16-24,Yes\n2,25-34,No\n3,25-34,Yes\n"


def test_utf16_and_semicolon_files_read_the_same(tmp_path):
    plain, _ = _one(tmp_path, RESPONDENTS)
    utf16, _ = _one(tmp_path, RESPONDENTS.encode("utf-16"), "u.csv")
    semi, _ = _one(tmp_path, RESPONDENTS.replace(",", ";"), "semi.csv")
    cols = ["question", "answer", "group", "group_value", "count", "base"]
    pd.testing.assert_frame_equal(plain[cols], utf16[cols])
    pd.testing.assert_frame_equal(plain[cols], semi[cols])
    assert _counts(plain.assign(survey="Test survey"), "Test survey", "Q1", "Yes") == (2, 3)


@pytest.mark.parametrize(
    ("text", "kw", "message"),
    [
        ("ID,Q1\n1,Yes\n1,No\n", {}, "row 3, column 'ID': respondent '1' appears twice"),
        ("ID,Q1\n1,Yes\n", {"groups": ("Age",)}, "group column 'Age' (survey.groups) is not in"),
        ("Question,Answer,Count,Base\nQ,Yes,12,10\n", {}, "row 2, column 'Count': count is larger"),
        (
            "Question,Answer,Percentage,Base\nQ,Yes,lots,10\n",
            {},
            "percentage 'lots' is not a number",
        ),
        ("Question,Answer,Count,Base\nQ,Yes,1,0\n", {}, "row 2, column 'Base': base must be"),
        ("Question,Answer,Count,Base\nQ,,1,5\n", {}, "row 2, column 'Answer': answer is blank"),
        ("Question,Base\nQ,5\n", {}, "needs Question, Answer (or Response), Base and Count"),
        ("ID,,Q1\n1,x,Yes\n", {}, "every column needs a distinct heading"),
    ],
)
def test_bad_survey_files_are_named_with_row_and_column(tmp_path, text, kw, message):
    with pytest.raises(InputDataError, match="s.csv") as err:
        _one(tmp_path, text, **kw)
    assert message in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputDataError, match="file not found"):
        read_survey(SurveyFile(tmp_path / "nope.csv", "x", "2024-10"), SurveySettings(files=()))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"file": "x.csv"}, "expected a mapping with 'files'"),
        (
            {"files": [{"file": "a.csv", "name": "A", "fieldwork": "2024-10"}], "minbase": 5},
            "unknown setting minbase",
        ),
        ({"files": [{"file": "a.csv", "name": "A", "fieldwork": "Oct 2024"}]}, "fieldwork"),
        ({"files": [{"file": "a.csv", "name": "A"}]}, "expected file, name and fieldwork"),
        ({"files": []}, "list at least one survey file"),
        (
            {"files": [{"file": "a.csv", "name": "A", "fieldwork": "2024-10"}], "min_base": 0},
            "min_base: expected a whole number",
        ),
    ],
)
def test_bad_survey_settings_are_plain_config_errors(tmp_path, raw, message):
    if raw == {"file": "x.csv"}:
        raw = ["x.csv"]
    with pytest.raises(ConfigError, match=message):
        survey_settings(raw, tmp_path)


def test_no_survey_configured_is_none(tmp_path):
    assert survey_settings(None, tmp_path) is None


# --- as the red team sent them ------------------------------------------------------------


def test_numeric_and_dash_codes_and_explicit_no_give_the_same_shares(tmp_path):
    blank = "ID,Q | A,Q | B\n1,A,\n2,,B\n3,A,B\n4,,\n"
    codes = "ID,Q | A,Q | B\n1,1.0,0.0\n2,0,1\n3,1,1\n4,0,0\n"
    words = "ID,Q | A,Q | B\n1,Yes,No\n2,No,Yes\n3,Yes,Yes\n4,-,-\n"
    cols = ["answer", "count", "base"]
    first = _one(tmp_path, blank)[0][cols]
    assert first.values.tolist() == [["A", 2, 3], ["B", 2, 3]]  # 3 ticked something
    for i, text in enumerate((codes, words)):
        pd.testing.assert_frame_equal(_one(tmp_path, text, f"s{i}.csv")[0][cols], first)


def test_a_question_nobody_answered_is_left_out_and_noted(tmp_path):
    table, note = _one(tmp_path, "ID,Q1,Q2 | A,Q2 | B\n1,Yes,,\n2,No,,\n")
    assert set(table["question"]) == {"Q1"} and note["unanswered_questions"] == ["Q2"]


def test_tab_separated_and_single_column_files(tmp_path):
    plain = _one(tmp_path, RESPONDENTS)[0]
    tabbed = _one(tmp_path, RESPONDENTS.replace(",", "\t"), "t.csv")[0]
    assert tabbed["count"].tolist() == plain["count"].tolist()
    with pytest.raises(InputDataError, match="only one column was found"):
        _one(tmp_path, "Q1\nYes\nNo\n", "one.csv")


def test_free_text_headings_and_one_off_long_answers_are_never_read(tmp_path):
    text = ("ID,Q1,Anything else?,Q3\n1,Yes,My neighbour John Smith at 12 High St is loud,a\n"
            "2,No,,b\n3,Yes,,My neighbour at number 14 deals drugs from his van\n")  # fmt: skip
    table, note = _one(tmp_path, text)
    assert set(table["question"]) == {"Q1"} and note["free_text_questions"] == 2
    assert not table["answer"].str.contains("neighbour").any()


def test_group_columns_need_a_whole_word_and_spellings_are_unified(tmp_path):
    text = "ID,Age band,Agencies you trust,Q1\n1,25 - 34,Police,Yes\n2,25-34,Council,No\n3,16-24,Police,Yes\n"
    table, note = _one(tmp_path, text)
    assert note["groups"] == ["Age band"]
    assert set(table.loc[table["group"] == "Age band", "group_value"]) == {"25-34", "16-24"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Question,Answer,Count,Base\nQ,Yes,5,10\nQ,Total,10,10\n", "answer 'Total' is the base"),
        (
            "Question,Answer,Percentage,Base\nQ,Yes,0.465,100\nQ,No,0.535,100\n",
            "are they fractions",
        ),
        (
            "Question,Answer,Group,Group value,Count,Base\nQ,Yes,Age band,,5,10\n",
            "a breakdown needs both its group and its value",
        ),
        (
            "Question,Answer,Type,Count,Base\nQ,Yes,Tick all that apply,5,10\nQ,No,whatever,5,10\n",
            "type 'whatever' is not single or multi",
        ),
    ],
)
def test_aggregated_tables_that_would_mislead_are_refused(tmp_path, text, message):
    with pytest.raises(InputDataError, match=message):
        _one(tmp_path, text)


def test_respondent_numbers_are_checked_for_repeats_whatever_their_heading(tmp_path):
    with pytest.raises(InputDataError, match="respondent '7' appears twice"):
        _one(tmp_path, "Response Number,Q1\n7,Yes\n7,No\n")
