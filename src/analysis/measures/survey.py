"""What residents told the survey: shares with intervals, top concerns, group differences, change.

Why this module exists
----------------------
A survey share is an estimate from the people who answered, so every share is given with its
95% Wilson score interval (which, unlike the normal approximation, stays inside 0-100% and
is accurate for small bases and shares near 0 or 100%) and its base. Differences are claimed
only where they are beyond chance:

* **Which shares are compared.** Few, so that the test keeps its power: for a rating
  question ("Very safe" ... "Very unsafe") the share giving a positive answer ("very or fairly
  safe"); for the concerns question, each of the top five concerns.
* **Groups** (age band, sex, ward): each group against everyone else who answered, only where
  both bases reach ``survey.min_base`` (default 50); a two-sided two-proportion z-test with a
  pooled standard error; p-values adjusted with Holm's method over every comparison made, so
  the chance of any false "difference" stays at 5% or less however many groups there are
  (checked by simulation in ``tests/measures/test_survey.py``).
* **Change** against the previous survey: the same shares, the same test, Holm-adjusted.

The test assumes a simple random sample without weights; a survey with weights or clustering
would need a design effect, which this does not apply (the document says so). Which survey
a period uses: the latest whose fieldwork ended by the period's last month; the previous
survey is the one before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.config import ConfigError
from analysis.measures.change import adjust_p_values
from analysis.sources.survey import ALL, SurveySettings

Z95 = float(norm.ppf(0.975))
LEVEL = 0.05
TOP = 5
_POSITIVE = re.compile(r"^(very|fairly|quite)\s+(?!un|dis|in)(\w+)$", re.I)
_NEGATIVE = re.compile(r"^(very|fairly|quite)\s+(un|dis|in)\w+$", re.I)
_CONCERNS = re.compile(r"problem|concern|issue|priorit|worr", re.I)


def wilson(count, base, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval for count successes out of base (as proportions, 0-1)."""
    k, n = np.asarray(count, dtype=float), np.asarray(base, dtype=float)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def two_proportion_p(k1, n1, k2, n2) -> np.ndarray:
    """Two-sided p-value of a pooled two-proportion z-test (vectorised)."""
    k1, n1, k2, n2 = (np.asarray(x, dtype=float) for x in (k1, n1, k2, n2))
    pooled = (k1 + k2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (k1 / n1 - k2 / n2) / se, 0.0)
    return 2 * norm.sf(np.abs(z))


def survey_for(settings: SurveySettings | None, last_month: str) -> tuple:
    """The survey a period uses and the one before it (names), or ``(None, None)``."""
    if settings is None:
        return None, None
    done = [f for f in settings.files if f.fieldwork <= last_month]
    if not done:
        return None, None
    return done[-1], (done[-2] if len(done) > 1 else None)


def _pct(x: float) -> float:
    return round(float(x) * 100, 1)


def _positive_answers(answers: Sequence[str]) -> list[str]:
    """The positive answers of a rating question ("Very safe", "Fairly safe"), or []."""
    pos = [a for a in answers if _POSITIVE.match(a)]
    neg = [a for a in answers if _NEGATIVE.match(a)]
    return sorted(pos, key=_answer_order) if pos and neg else []


def _answer_order(answer: str) -> int:
    a = answer.lower()
    if _POSITIVE.match(a):
        return 0 if a.startswith("very") else 1
    if a.startswith("neither"):
        return 2
    if _NEGATIVE.match(a):
        return 4 if a.startswith("very") else 3
    return 5


def _headlines(
    table: pd.DataFrame, concerns: str | None, top: Sequence[str] | None = None
) -> pd.DataFrame:
    """The shares compared between groups and surveys: one row per (question, measure, group).

    Columns question, measure (a label: "very or fairly safe", or a concern), group,
    group_value, count, base. ``top`` names the concerns compared (default: this survey's five
    most named), so a previous survey is compared on the current survey's top concerns.
    """
    parts = []
    for (question, kind), rows in table.groupby(["question", "kind"], sort=False):
        if kind == "single":
            positive = _positive_answers(rows["answer"].unique().tolist())
            if not positive:
                continue
            label = " or ".join(a.split()[0].lower() for a in positive) + " " + positive[0].split()[1].lower()  # fmt: skip
            sel = rows[rows["answer"].isin(positive)]
            agg = sel.groupby(["group", "group_value"], sort=False).agg(
                count=("count", "sum"), base=("base", "first")).reset_index()  # fmt: skip
            parts.append(agg.assign(question=question, measure=label))
        elif question == concerns:
            overall = rows[rows["group"] == ALL].sort_values("count", ascending=False)
            chosen = list(top) if top is not None else overall["answer"].head(TOP).tolist()
            sel = rows[rows["answer"].isin(chosen)]
            parts.append(sel.rename(columns={"answer": "measure"})
                         [["group", "group_value", "count", "base", "measure"]]
                         .assign(question=question))  # fmt: skip
    if not parts:
        return pd.DataFrame(
            columns=["question", "measure", "group", "group_value", "count", "base"]
        )
    return pd.concat(parts, ignore_index=True)


def concern_question(table: pd.DataFrame, configured: str | None) -> str | None:
    """The multi-choice question that asks what residents see as problems."""
    multi = table.loc[table["kind"] == "multi", "question"].drop_duplicates().tolist()
    if configured:
        return configured if configured in set(table["question"]) else None
    return next((q for q in multi if _CONCERNS.search(q)), multi[0] if multi else None)


def group_differences(headlines: pd.DataFrame, min_base: int) -> tuple[list[dict], list[dict]]:
    """Each group against the rest on each headline share; and the groups too small to compare."""
    whole = headlines.loc[headlines["group"] == ALL, ["question", "measure", "count", "base"]]
    groups = headlines[headlines["group"] != ALL]
    if groups.empty:
        return [], []
    joined = groups.merge(whole, on=["question", "measure"], suffixes=("", "_all"))
    joined["rest_count"] = joined["count_all"] - joined["count"]
    joined["rest_base"] = joined["base_all"] - joined["base"]
    ok = (joined["base"] >= min_base) & (joined["rest_base"] >= min_base)
    small = (joined.loc[~ok, ["group", "group_value", "base"]]
             .groupby(["group", "group_value"], sort=False)["base"].min().reset_index())  # fmt: skip
    tested = joined[ok].copy()
    tested["p_value"] = two_proportion_p(tested["count"], tested["base"], tested["rest_count"],
                                         tested["rest_base"])  # fmt: skip
    tested["p_adjusted"] = adjust_p_values(tested["p_value"].tolist())
    out = []
    for r in tested.itertuples():  # one record per comparison made (tens), not per respondent
        out.append({
            "question": r.question, "measure": r.measure, "group": r.group,
            "group_value": r.group_value, "share_pct": _pct(r.count / r.base),
            "rest_share_pct": _pct(r.rest_count / r.rest_base), "base": round(float(r.base)),
            "rest_base": round(float(r.rest_base)), "p_value": float(r.p_value),
            "p_adjusted": float(r.p_adjusted), "significant": bool(r.p_adjusted < LEVEL),
        })  # fmt: skip
    small_list = [{"group": r.group, "group_value": r.group_value, "base": round(float(r.base))}
                  for r in small.itertuples()]  # fmt: skip
    return out, small_list


def _same(text: pd.Series) -> pd.Series:
    """Wording as compared between surveys: case, spacing and a closing '?' or '.' ignored."""
    return text.str.casefold().str.replace(r"\s+", " ", regex=True).str.strip(" ?.")


def survey_changes(now: pd.DataFrame, before: pd.DataFrame) -> list[dict]:
    """Headline shares of all respondents against the previous survey (same question wording)."""
    keys = ["question", "measure", "count", "base"]
    a, b = (t.loc[t["group"] == ALL, keys].assign(q=_same(t.loc[t["group"] == ALL, "question"]),
                                                  m=_same(t.loc[t["group"] == ALL, "measure"]))
            for t in (now, before))  # fmt: skip
    both = a.merge(b.drop(columns=["question", "measure"]), on=["q", "m"],
                   suffixes=("", "_before")).set_index(["question", "measure"])  # fmt: skip
    if both.empty:
        return []
    p = two_proportion_p(both["count"], both["base"], both["count_before"], both["base_before"])
    adjusted = adjust_p_values(list(p))
    out = []
    for (question, measure), r, pv, pa in zip(both.index, both.itertuples(), p, adjusted,
                                              strict=True):  # fmt: skip
        share, was = _pct(r.count / r.base), _pct(r.count_before / r.base_before)
        out.append({"question": question, "measure": measure, "share_pct": share,
                    "previous_share_pct": was, "change_points_pct": round(share - was, 1),
                    "p_value": float(pv), "p_adjusted": float(pa),
                    "significant": bool(pa < LEVEL)})  # fmt: skip
    return out


def _questions(rows: pd.DataFrame) -> list[dict]:
    whole = rows[rows["group"] == ALL].copy()
    lo, hi = wilson(whole["count"], whole["base"])
    whole["share_pct"] = (whole["count"] / whole["base"] * 100).round(1)
    whole["lo_pct"], whole["hi_pct"] = (lo * 100).round(1), (hi * 100).round(1)
    out = []
    for (_order, kind), q in whole.groupby(["q_order", "kind"], sort=True):
        q = q.copy()
        if kind == "multi":
            q = q.sort_values("count", ascending=False)
        else:
            q = q.assign(o=q["answer"].map(_answer_order)).sort_values(["o", "count"],
                                                                       ascending=[True, False])  # fmt: skip
        positive = _positive_answers(q["answer"].tolist()) if kind == "single" else []
        entry = {
            "question": q["question"].iloc[0], "kind": kind, "base": round(float(q["base"].max())),
            "answers": [{"answer": r.answer, "count": round(float(r.count)), "share_pct": r.share_pct,
                         "lo_pct": r.lo_pct, "hi_pct": r.hi_pct} for r in q.itertuples()],
        }  # fmt: skip
        if positive:
            sel = q[q["answer"].isin(positive)]
            k, n = float(sel["count"].sum()), float(sel["base"].iloc[0])
            plo, phi = wilson(k, n)
            entry["positive"] = {"answers": positive, "share_pct": _pct(k / n),
                                 "lo_pct": _pct(plo), "hi_pct": _pct(phi)}  # fmt: skip
        out.append(entry)
    return out


def survey_figures(
    table: pd.DataFrame | None,
    settings: SurveySettings | None,
    last_month: str,
    notes: Sequence[dict] = (),
) -> dict:
    """The period's survey figures for ``figures["public"]`` (``available: False`` if none)."""
    current, previous = survey_for(settings, last_month)
    if table is None or current is None:
        why = ("no survey was supplied for this assessment" if settings is None
               else "no survey supplied had finished its fieldwork by the end of the period")  # fmt: skip
        return {"available": False, "note": why}
    rows = table[(table["survey"] == current.name) & (table["base"] > 0)]
    concerns = concern_question(rows, settings.concerns)
    if settings.concerns and concerns is None:
        raise ConfigError(f"survey.concerns: no question '{settings.concerns}' in the "
                          f"{current.name}; its questions are "
                          f"{'; '.join(rows['question'].drop_duplicates())}")  # fmt: skip
    heads = _headlines(rows, concerns)
    differences, too_small = group_differences(heads, settings.min_base)
    note = next((n for n in notes if n.get("survey") == current.name), {})
    out = {
        "available": True,
        "survey": current.name,
        "fieldwork": current.fieldwork,
        "respondents": int(note.get("respondents") or rows["base"].max()),
        "format": note.get("format"),
        "free_text_questions": int(note.get("free_text_questions") or 0),
        "min_base": settings.min_base,
        "questions": _questions(rows),
        "concerns": None,
        "differences": differences,
        "groups_too_small": too_small,
        "groups_too_small_by_group": {
            g: sum(t["group"] == g for t in too_small)
            for g in dict.fromkeys(t["group"] for t in too_small)
        },
        "comparisons": len(differences),
        "previous": None,
        "changes": [],
    }
    if concerns:
        q = next(q for q in out["questions"] if q["question"] == concerns)
        out["concerns"] = {"question": concerns, "base": q["base"],
                           "ranked": [{**a, "rank": i} for i, a in enumerate(q["answers"], 1)]}  # fmt: skip
    if previous is not None:
        before = table[table["survey"] == previous.name]
        top = [a["answer"] for a in (out["concerns"] or {}).get("ranked", [])[:TOP]]
        prev_heads = _headlines(before, concern_question(before, settings.concerns), top)
        out["previous"] = {"survey": previous.name, "fieldwork": previous.fieldwork}
        out["changes"] = survey_changes(heads, prev_heads)
    return out
