"""Listening to the public: what residents told the survey, in sentences and tables.

From ``figures["public"]`` only (the methods are in :mod:`analysis.measures.survey`). Every
share is written with its 95% interval and base; a difference or change is written only when
it is beyond chance; free text is never shown (the source never reads it past its heading).
"""

from __future__ import annotations

import pandas as pd

from analysis.periods import month_label
from analysis.report.formatting import fmt_int, fmt_pct
from analysis.report.summary import join_names

NO_SURVEY = "This assessment has no residents' survey results for the period"


def _share(x: dict) -> str:
    return f"{fmt_pct(x['share_pct'], signed=False)} ({fmt_pct(x['lo_pct'], signed=False)} to {fmt_pct(x['hi_pct'], signed=False)})"  # fmt: skip


def who(group: str, value: str) -> str:
    """A group in words: "respondents aged 25-34", "female respondents", "respondents in Castle"."""
    g = group.lower()
    if g.startswith("age"):
        return f"respondents aged {value}"
    if g in ("sex", "gender"):
        return f"{value.lower()} respondents"
    if g.startswith("ward"):
        return f"respondents in {value}"
    return f"respondents with {group.lower()} {value}"


def public_markdown(public: dict) -> str:
    """The survey in words: who answered, feeling safe, the top concerns, differences, change."""
    if not public.get("available"):
        return f"{NO_SURVEY}: {public.get('note', 'none was available')}."
    text = (
        f"The {public['survey']} (fieldwork ending {month_label(public['fieldwork'])}) had "
        f"{fmt_int(public['respondents'])} respondents. Each share below is of the people who "
        "answered that question, followed in brackets by the range within which the share among "
        "all residents most likely lies."
    )
    for q in public["questions"]:
        if q.get("positive"):
            words = " or ".join(a.lower() for a in q["positive"]["answers"])
            text += f" {q['question']} {_share(q['positive'])} answered {words}."
    concerns = public.get("concerns")
    if concerns:
        top = concerns["ranked"][:5]
        text += (
            " The problems named most often were "
            + join_names([f"{c['answer'].lower()} ({fmt_pct(c['share_pct'], signed=False)})" for c in top])
            + "."
        )  # fmt: skip
    return text


def differences_markdown(public: dict) -> str:
    """The group differences beyond chance, and what could not be compared."""
    if not public.get("available"):
        return ""
    found = [d for d in public["differences"] if d["significant"]]
    text = ""
    for d in found:
        more = "more" if d["share_pct"] > d["rest_share_pct"] else "less"
        text += (
            f' On "{d["question"]}", {who(d["group"], d["group_value"])} were {more} likely to '
            f"answer {d['measure'].lower()}: {fmt_pct(d['share_pct'], signed=False)} of "
            f"{fmt_int(d['base'])}, against {fmt_pct(d['rest_share_pct'], signed=False)} of other "
            f"respondents ({fmt_int(d['rest_base'])})."
        )
    if public["comparisons"]:
        if not found:
            text += (" No difference between groups of respondents is beyond chance "
                     f"({fmt_int(public['comparisons'])} comparisons).")  # fmt: skip
        else:
            text += (f" No other difference between groups is beyond chance "
                     f"({fmt_int(public['comparisons'])} comparisons in all, allowing for making "
                     "that many).")  # fmt: skip
    small = public.get("groups_too_small_by_group") or {}
    if small:
        parts = [
            f"{g.lower()} ({fmt_int(n)} {'group' if n == 1 else 'groups'})"
            for g, n in small.items()
        ]
        text += (f" Not compared, because fewer than {fmt_int(public['min_base'])} people in the "
                 f"group or outside it answered: {join_names(parts)}.")  # fmt: skip
    return text.strip()


def changes_markdown(public: dict) -> str:
    """Change against the previous survey: what moved beyond chance, and that nothing else did."""
    if not public.get("available"):
        return ""
    if not public.get("previous"):
        return "There is no earlier survey configured to compare with."
    prev = public["previous"]
    moved = [c for c in public["changes"] if c["significant"]]
    text = (
        f"Compared with the {prev['survey']} (fieldwork ending {month_label(prev['fieldwork'])}):"
    )
    if not public["changes"]:
        return text + " the two surveys share no question worded the same way."
    concern = (public.get("concerns") or {}).get("question")
    for i, c in enumerate(moved):
        up = "up" if c["change_points_pct"] > 0 else "down"
        what = (f"the share naming {c['measure'].lower()} as a problem" if c["question"] == concern
                else f"the share answering {c['measure'].lower()} to \"{c['question']}\"")  # fmt: skip
        what = what if i == 0 else what[0].upper() + what[1:]
        text += (f" {what} is {up} from {fmt_pct(c['previous_share_pct'], signed=False)} to "
                 f"{fmt_pct(c['share_pct'], signed=False)}, a change beyond chance.")  # fmt: skip
    text += (" No other change is beyond chance." if moved
             else " no change is beyond chance.")  # fmt: skip
    return text
    return text


def question_table(question: dict) -> pd.DataFrame:
    """One question's answers: share, 95% interval, and the number answering each."""
    return pd.DataFrame({
        "Answer": [a["answer"] for a in question["answers"]],
        "Share": [fmt_pct(a["share_pct"], signed=False) for a in question["answers"]],
        "95% range": [f"{fmt_pct(a['lo_pct'], signed=False)} to {fmt_pct(a['hi_pct'], signed=False)}"
                      for a in question["answers"]],
        "Respondents": [fmt_int(a["count"]) for a in question["answers"]],
    })  # fmt: skip


def caveats_markdown(public: dict) -> str:
    """What the figures do not do: weights, free text, and multi-choice shares."""
    if not public.get("available"):
        return ""
    text = ("Shares are unweighted: they describe the people who answered, who may not be a "
            "cross-section of all residents. Where people could choose several answers, the shares "
            "add up to more than the whole.")  # fmt: skip
    if public.get("free_text_questions"):
        n = public["free_text_questions"]
        text += (f" {'One question' if n == 1 else fmt_int(n) + ' questions'} asked for comments "
                 "in people's own words; these are not published here.")  # fmt: skip
    return text
