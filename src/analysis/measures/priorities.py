"""Proposed priorities: a transparent scoring of candidate issues, with reasons in words.

Why this module exists
----------------------
A strategic assessment ends by proposing the partnership's priorities. Doing that by stated
rules, from the figures the document shows, lets a committee see why an issue is proposed and
argue with a weight rather than with a hunch. Each candidate (``config/priority_candidates.csv``)
is scored 0-3 on each criterion that applies to it:

* **volume**: its share of all recorded crime and ASB: 20% or more 3, 10% 2, 3% 1, else 0.
* **trend**: a rise beyond normal variation (Holm-adjusted across groups) 3; rising three
  periods running 2; a rise within normal variation 1; a fall or no change 0. Road safety: KSI
  casualties above a live target's trajectory 3, on it but rising 1, else 0; once the target
  year has passed, rising on the year before 1, else 0.
* **peers**: the area's rate's rank among the force's authorities, for the crime group or
  ASB (rank 1 = highest rate): in the top third 3, above the middle 2, else 0.
* **harm**: the register's weight, 0-3, with its source.
* **public**: residents' concern, from the concerns question of the period's survey (see
  :mod:`analysis.measures.survey`): the best rank among the concerns the register's
  ``public_keywords`` match: in the top three 3, the top six 2, lower 1. Not scored where no
  survey is available or the survey asked about nothing that matches.
* **partners**: the partners' indicators under the theme (matched by the register's keywords
  on the indicator and its priority): two or more red 3, one red 2, any amber 1, else 0.

A candidate's score is the weighted mean of the criteria that apply to it (weights from the
area's ``priorities.weights``, default 1 each), so an issue is not marked down for criteria
that do not exist for it; the table shows how many were scored. A candidate with nothing but
its harm weight (no data on it in this assessment: a partner theme without returns or survey)
is not scored or proposed: harm is a weight, not evidence; it is listed as "no evidence in this
assessment", so a theme is never proposed, or retired, on no data. Candidates are ranked by
score, then harm, then name. Against the partnership's current priorities
(``priorities.current``): in the top five and current "remains a priority", in the top five
and not current "emerging", current and not in the top five "consider retiring". The
sensitivity check moves each weight by -50% and +50% in turn and says whether the top five
(as a set) stays the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from analysis.config import ConfigError

CRITERIA = ("volume", "trend", "peers", "harm", "public", "partners")
TOP = 5


def _volume(share: float) -> int:
    return 3 if share >= 20 else 2 if share >= 10 else 1 if share >= 3 else 0


def _trend(change: int | None, significant: bool, direction: str | None) -> tuple[int, str]:
    if change is None:
        return -1, ""
    if change > 0 and significant:
        return 3, "a rise beyond normal variation"
    if direction == "rising three periods running":
        return 2, "rising three periods running"
    if change > 0:
        return 1, "a rise within normal variation"
    return 0, ""


def _partners(indicators: list[dict], pattern: str) -> tuple[int, str]:
    if not pattern or not indicators:
        return -1, ""
    rx = re.compile(pattern, re.I)
    mine = [i for i in indicators if rx.search(f"{i.get('priority') or ''} {i['indicator']}")]
    if not mine:
        return -1, ""
    red = sum(i["rag"] == "RED" for i in mine)
    amber = sum(i["rag"] == "AMBER" for i in mine)
    score = 3 if red >= 2 else 2 if red == 1 else 1 if amber else 0
    words = f"{red} of {len(mine)} partner indicators red" if red else ""
    if not red and amber:
        words = f"{amber} of {len(mine)} partner indicators amber"
    return score, words


def _public(concerns: Mapping | None, pattern: str) -> tuple[int, str]:
    if not concerns or not pattern:
        return -1, ""
    rx = re.compile(pattern, re.I)
    mine = [c for c in concerns["ranked"] if rx.search(c["answer"])]
    if not mine:
        return -1, ""
    best = min(mine, key=lambda c: c["rank"])
    score = 3 if best["rank"] <= 3 else 2 if best["rank"] <= 6 else 1
    words = (
        f"residents' concern ranked {best['rank']} of {len(concerns['ranked'])} ({best['answer']})"
    )
    return score, words


def candidate_scores(figures: Mapping, candidates: pd.DataFrame) -> list[dict]:
    """Each candidate's criterion scores (-1 = does not apply) and the reasons, in words."""
    crime, asb = figures.get("crime") or {}, figures.get("asb") or {}
    groups = {g["group"]: g for g in crime.get("by_group_change") or []}
    by_type = {g["group"]: g["count"] for g in crime.get("by_type") or []}
    incidents = (crime.get("total") or 0) + (asb.get("total") or 0)
    indicators = (figures.get("performance") or {}).get("indicators") or []
    road = figures.get("road_safety") or {}
    public = figures.get("public") or {}
    concerns = public.get("concerns") if public.get("available") else None
    out = []
    for c in candidates.itertuples():
        s = dict.fromkeys(CRITERIA, -1)
        why: list[str] = []
        s["harm"] = int(c.harm)
        if c.kind in ("crime_group", "asb"):
            count = (
                by_type.get(c.crime_group, 0) if c.kind == "crime_group" else asb.get("total", 0)
            )
            share = count / incidents * 100 if incidents else 0.0
            s["volume"] = _volume(share)
            why.append(f"{share:.1f}% of recorded crime and ASB")
            if c.kind == "crime_group":
                g = groups.get(c.crime_group)
                change = g["change"] if g else None
                s["trend"], words = _trend(change, bool(g and g["significant"]),
                                           g["direction"] if g else None)  # fmt: skip
                if g and g.get("peer_rank"):
                    rank, of = g["peer_rank"], g["peer_of"]
                    s["peers"] = 3 if rank <= of / 3 else 2 if rank <= of / 2 else 0
                    if s["peers"]:
                        why.append(f"ranked {rank} of {of} authorities in the force")
            else:
                sig = asb.get("significance") or {}
                s["trend"], words = _trend(asb.get("change"), bool(sig.get("significant")),
                                           asb.get("direction"))  # fmt: skip
                peers = asb.get("peers") or {}
                if peers.get("available"):
                    rank, of = peers["rank"], peers["of"]
                    s["peers"] = 3 if rank <= of / 3 else 2 if rank <= of / 2 else 0
                    if s["peers"]:
                        why.append(f"ranked {rank} of {of} authorities in the force")
            if words:
                why.append(words)
        elif c.kind == "road_safety":
            target = road.get("ksi_target") or {}
            change = road.get("ksi_change_pct")
            rising = (change or 0) > 0
            passed = "has passed" in str(target.get("status") or "")
            if target.get("on_track") is not None and not passed:
                s["trend"] = 3 if not target["on_track"] else 1 if rising else 0
                why.append("killed or seriously injured above the target trajectory"
                           if not target["on_track"] else "on the target trajectory")  # fmt: skip
            elif change is not None:  # an expired target says nothing about the trend
                s["trend"] = 1 if rising else 0
                why.append(f"killed or seriously injured {'rose' if rising else 'fell'} "
                           f"{abs(change):.1f}% on the year before")  # fmt: skip
        s["public"], words = _public(concerns, c.public_keywords)
        if words:
            why.append(words)
        s["partners"], words = _partners(indicators, c.partner_keywords)
        if words:
            why.append(words)
        if s["harm"] >= 2:
            why.append("high harm" if s["harm"] == 3 else "moderate harm")
        out.append({"candidate": c.candidate, "kind": c.kind, "scores": s, "reasons": why,
                    "harm_source": c.harm_source})  # fmt: skip
    return out


def _ranked(scored: list[dict], weights: Mapping[str, float]) -> list[dict]:
    rows = []
    for c in scored:
        used = {k: v for k, v in c["scores"].items() if v >= 0 and weights.get(k, 0) > 0}
        total_w = sum(weights[k] for k in used)
        score = sum(weights[k] * v for k, v in used.items()) / total_w if total_w else 0.0
        evidence = bool(set(used) - {"harm"})  # harm alone is a weight, not evidence
        rows.append({**c, "score": round(score, 2) if evidence else None,
                     "criteria_scored": len(used), "evidence": evidence})  # fmt: skip
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["scores"]["harm"],
                             r["candidate"]))  # fmt: skip
    for i, r in enumerate(rows, start=1):
        r["rank"] = i
    return rows


def check_priority_settings(settings: Mapping | None) -> dict:
    """The ``priorities:`` mapping, checked: weights of known criteria, 0 or more."""
    if not settings:
        return {}
    if not isinstance(settings, Mapping) or set(settings) - {"weights", "current"}:
        raise ConfigError("priorities: expected a mapping with 'weights' and/or 'current'")
    weights = settings.get("weights") or {}
    bad = sorted(set(weights) - set(CRITERIA))
    if bad:
        raise ConfigError(f"priorities.weights: unknown criteria {', '.join(bad)}; expected "
                          f"{', '.join(CRITERIA)}")  # fmt: skip
    for k, v in weights.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            raise ConfigError(f"priorities.weights.{k}: expected a number of 0 or more, got {v!r}")
    if not isinstance(settings.get("current") or [], list):
        raise ConfigError("priorities.current: expected a list of candidate names")
    return dict(settings)


def propose_priorities(
    figures: Mapping, candidates: pd.DataFrame, settings: Mapping | None = None
) -> dict:
    """The ranked candidates, the comparison with current priorities and the sensitivity check."""
    settings = check_priority_settings(settings)
    weights = {k: float((settings.get("weights") or {}).get(k, 1.0)) for k in CRITERIA}
    current = [str(x) for x in settings.get("current") or []]
    scored = candidate_scores(figures, candidates)
    ranked = _ranked(scored, weights)
    top = {r["candidate"] for r in ranked[:TOP] if r["evidence"]}
    for r in ranked:
        if not r["evidence"]:
            r["proposal"] = "no evidence in this assessment"
        elif r["candidate"] in top:
            r["proposal"] = (
                "remains a priority"
                if r["candidate"] in current
                else ("emerging" if current else "proposed")
            )
        else:
            r["proposal"] = "consider retiring" if r["candidate"] in current else ""
    changes = []
    for k in CRITERIA:
        for factor in (0.5, 1.5):
            moved = {**weights, k: weights[k] * factor}
            other = {r["candidate"] for r in _ranked(scored, moved)[:TOP] if r["evidence"]}
            if other != top:
                changes.append({"criterion": k, "factor": factor,
                                "in": sorted(other - top), "out": sorted(top - other)})  # fmt: skip
    unknown = sorted(set(current) - {r["candidate"] for r in ranked})
    return {
        "candidates": ranked,
        "top": [r["candidate"] for r in ranked[:TOP] if r["evidence"]],
        "no_evidence": [r["candidate"] for r in ranked if not r["evidence"]],
        "weights": weights,
        "current": current,
        "current_not_candidates": unknown,
        "stable": not changes,
        "sensitivity": changes,
        "not_scored": {}
        if (figures.get("public") or {}).get("available")
        else {"public": (figures.get("public") or {}).get("note") or "no residents' survey"},
    }
