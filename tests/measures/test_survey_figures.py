"""Survey measures: Wilson intervals against published values, the planted effects found (and
only those), and the group test's false-alarm rate checked by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.measures.change import adjust_p_values
from analysis.measures.survey import survey_figures, survey_for, two_proportion_p, wilson
from analysis.sample.survey import Q_DARK, Q_PROBLEMS


def test_wilson_intervals_equal_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662;
    # 0/10 -> 0 to 0.2775; 10/10 -> 0.7225 to 1
    lo, hi = wilson([81, 0, 10], [263, 10, 10])
    assert np.round(lo, 4).tolist() == [0.2553, 0.0, 0.7225]
    assert np.round(hi, 4).tolist() == [0.3662, 0.2775, 1.0]


def test_two_proportion_test_matches_a_hand_computation():
    # 30/100 against 50/100: pooled 0.4, se = sqrt(0.4*0.6*0.02) = 0.069282, z = -2.8868
    assert two_proportion_p(30, 100, 50, 100) == pytest.approx(0.003892, abs=1e-6)


def test_survey_for_a_period_is_the_latest_finished_by_its_end(sample_survey):
    _, settings, *_ = sample_survey
    now, before = survey_for(settings, "2025-03")
    assert (now.name, before.name) == ("Residents' survey 2024", "Residents' survey 2023")
    assert survey_for(settings, "2023-03")[0].name == "Residents' survey 2022"
    assert survey_for(settings, "2023-03")[1] is None
    assert survey_for(settings, "2022-09") == (None, None)
    assert survey_for(None, "2025-03") == (None, None)


@pytest.mark.parametrize("last_month", ["2025-03", "2024-03"])
def test_the_planted_age_effect_is_found_and_the_null_sex_difference_is_not(
    sample_survey, last_month
):
    table, settings, notes, *_ = sample_survey
    f = survey_figures(table, settings, last_month, notes)
    found = [(d["question"], d["group"], d["group_value"]) for d in f["differences"]
             if d["significant"]]  # fmt: skip
    assert found == [(Q_DARK, "Age band", "25-34")]
    sex = [d for d in f["differences"] if d["group"] == "Sex"]
    assert sex and not any(d["significant"] for d in sex)
    # the minimum base is respected: nothing under 50 is compared, and what was left out is said
    assert all(d["base"] >= 50 and d["rest_base"] >= 50 for d in f["differences"])
    assert {"group": "Sex", "group_value": "Prefer not to say"} in [
        {k: s[k] for k in ("group", "group_value")} for s in f["groups_too_small"]
    ]


def test_the_planted_change_is_found_and_nothing_else(sample_survey):
    table, settings, notes, *_ = sample_survey
    f = survey_figures(table, settings, "2025-03", notes)
    moved = [(c["question"], c["measure"]) for c in f["changes"] if c["significant"]]
    assert moved == [(Q_PROBLEMS, "People using or dealing drugs")]
    assert len(f["changes"]) == 7  # two safety ratings and the top five concerns


def test_shares_and_intervals_agree_with_the_counts(sample_survey):
    table, settings, notes, *_ = sample_survey
    f = survey_figures(table, settings, "2025-03", notes)
    dark = next(q for q in f["questions"] if q["question"] == Q_DARK)
    assert [a["answer"] for a in dark["answers"]][:2] == ["Very safe", "Fairly safe"]
    k = sum(a["count"] for a in dark["answers"][:2])
    lo, hi = wilson(k, dark["base"])
    assert dark["positive"] == {"answers": ["Very safe", "Fairly safe"],
                                "share_pct": round(k / dark["base"] * 100, 1),
                                "lo_pct": round(float(lo) * 100, 1),
                                "hi_pct": round(float(hi) * 100, 1)}  # fmt: skip
    ranked = f["concerns"]["ranked"]
    assert [c["rank"] for c in ranked] == list(range(1, len(ranked) + 1))
    assert ranked == sorted(ranked, key=lambda c: -c["count"])


def test_no_survey_is_said_not_guessed(sample_survey):
    table, settings, notes, *_ = sample_survey
    assert survey_figures(None, None, "2025-03") == {
        "available": False,
        "note": "no survey was supplied for this assessment",
    }
    assert not survey_figures(table, settings, "2021-03", notes)["available"]


def test_group_comparisons_keep_false_alarms_at_five_percent_by_simulation():
    # 2,000 null surveys of 1,000 respondents in six age bands, a 60% share everywhere: each
    # band against the rest, as group_differences does. Unadjusted, each comparison is a
    # false alarm about 5% of the time, so some band in some survey often is; Holm keeps
    # the chance of any false alarm in a survey at 5% or less.
    rng = np.random.default_rng(7)
    sims, n, shares = 2000, 1000, np.array([0.12, 0.17, 0.17, 0.17, 0.15, 0.22])
    bands = rng.multinomial(n, shares, size=sims)  # respondents per band
    yes = rng.binomial(bands, 0.6)
    rest_n, rest_yes = n - bands, yes.sum(axis=1, keepdims=True) - yes
    p = two_proportion_p(yes, bands, rest_yes, rest_n)
    per_test = (p < 0.05).mean()
    any_plain = (p < 0.05).any(axis=1).mean()
    any_holm = np.mean([min(adjust_p_values(row)) < 0.05 for row in p])
    assert 0.04 < per_test < 0.06
    assert any_plain > 0.2
    assert any_holm < 0.06


def test_a_previous_survey_worded_slightly_differently_is_still_compared(sample_survey):
    table, settings, notes, *_ = sample_survey
    older = table["survey"] == "Residents' survey 2023"
    reworded = table.copy()
    reworded.loc[older, "question"] = reworded.loc[older, "question"].str.upper().str.rstrip("?")
    f = survey_figures(reworded, settings, "2025-03", notes)
    assert [c["measure"] for c in f["changes"] if c["significant"]] == [
        "People using or dealing drugs"
    ]


def test_a_concerns_setting_naming_no_question_is_a_configuration_error(sample_survey):
    from dataclasses import replace

    from analysis.config import ConfigError

    table, settings, notes, *_ = sample_survey
    with pytest.raises(ConfigError, match="survey.concerns: no question 'Biggest problems'"):
        survey_figures(table, replace(settings, concerns="Biggest problems"), "2025-03", notes)
