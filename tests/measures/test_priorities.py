"""Proposed priorities: the scores of a tiny hand-made case, worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.measures.priorities import propose_priorities
from analysis.sources.priority_register import DEFAULT_CANDIDATES, load_candidates

CANDIDATES = pd.DataFrame(
    [
        ("Theft", "crime_group", "Theft", "theft", "theft", 1, "test"),
        ("Burglary", "crime_group", "Burglary", "burglar", "burglar", 2, "test"),
        ("Anti-social behaviour", "asb", "", r"\basb\b", "litter|dog", 1, "test"),
        ("Domestic abuse", "partner_theme", "", "domestic", "domestic", 3, "test"),
    ],
    columns=[
        "candidate",
        "kind",
        "crime_group",
        "partner_keywords",
        "public_keywords",
        "harm",
        "harm_source",
    ],
)

# 1,000 crimes and ASB: theft 500 (50%: volume 3), burglary 50 (5%: volume 1), ASB 250 (25%: 3)
FIGURES = {
    "crime": {
        "total": 750,
        "by_type": [{"group": "Theft", "count": 500}, {"group": "Burglary", "count": 50}],
        "by_group_change": [
            # theft: a rise beyond normal variation -> trend 3
            {"group": "Theft", "change": 60, "significant": True, "direction": "mixed"},
            # burglary: rising three periods running, not significant -> trend 2
            {"group": "Burglary", "change": 5, "significant": False,
             "direction": "rising three periods running"},
        ],
    },
    # ASB: a fall -> trend 0; rank 1 of 6 -> peers 3 (top third)
    "asb": {"total": 250, "change": -10, "significance": {"significant": False},
            "peers": {"available": True, "rank": 1, "of": 6}},
    # domestic abuse: two red indicators -> partners 3; one ASB indicator amber -> partners 1
    "performance": {"indicators": [
        {"priority": "Tackle domestic abuse", "indicator": "Repeat victims", "rag": "RED"},
        {"priority": "Tackle domestic abuse", "indicator": "IDVA referrals", "rag": "RED"},
        {"priority": "Tackle ASB", "indicator": "Fly tipping", "rag": "AMBER"},
    ]},
}  # fmt: skip


def test_public_concern_scores_by_hand():
    # the survey ranks dog fouling 1st, litter 2nd, burglary 3rd, theft 7th; nothing on
    # domestic abuse (not scored for it, rather than scored 0)
    ranked = [
        {"answer": a, "rank": i}
        for i, a in enumerate(
            ["Dog fouling", "Litter", "Burglary", "Noise", "Speeding", "Graffiti", "Theft"], 1
        )
    ]
    figures = {**FIGURES, "public": {"available": True, "concerns": {"ranked": ranked}}}
    out = propose_priorities(figures, CANDIDATES)
    rows = {r["candidate"]: r for r in out["candidates"]}
    assert {k: rows[k]["scores"]["public"] for k in rows} == {
        "Theft": 1,
        "Burglary": 3,
        "Anti-social behaviour": 3,
        "Domestic abuse": -1,
    }
    # theft (3 + 3 + 1 + 1) / 4 = 2.0; burglary (1 + 2 + 2 + 3) / 4 = 2.0;
    # ASB (3 + 0 + 3 + 1 + 3 + 1) / 6 = 1.83; domestic abuse unchanged 3.0
    assert [(r["candidate"], r["score"]) for r in out["candidates"]] == [
        ("Domestic abuse", 3.0),
        ("Burglary", 2.0),
        ("Theft", 2.0),
        ("Anti-social behaviour", 1.83),
    ]
    assert (
        "residents' concern ranked 1 of 7 (Dog fouling)" in rows["Anti-social behaviour"]["reasons"]
    )
    assert out["not_scored"] == {}


def test_harm_alone_is_not_evidence():
    # without the partners' returns, domestic abuse has only its harm weight: not scored,
    # not proposed, and not "consider retiring" either
    figures = {k: v for k, v in FIGURES.items() if k != "performance"}
    out = propose_priorities(figures, CANDIDATES, {"current": ["Domestic abuse"]})
    rows = {r["candidate"]: r for r in out["candidates"]}
    assert rows["Domestic abuse"]["score"] is None
    assert rows["Domestic abuse"]["proposal"] == "no evidence in this assessment"
    assert out["no_evidence"] == ["Domestic abuse"] and "Domestic abuse" not in out["top"]
    assert out["candidates"][-1]["candidate"] == "Domestic abuse"


def test_scores_by_hand():
    out = propose_priorities(FIGURES, CANDIDATES, {"current": ["Burglary", "Theft"]})
    rows = {r["candidate"]: r for r in out["candidates"]}
    # theft: volume 3, trend 3, harm 1 -> (3 + 3 + 1) / 3 = 2.33
    assert rows["Theft"]["score"] == 2.33 and rows["Theft"]["criteria_scored"] == 3
    # burglary: volume 1, trend 2, harm 2 -> 5 / 3 = 1.67
    assert rows["Burglary"]["score"] == 1.67
    # ASB: volume 3, trend 0, peers 3, harm 1, partners 1 -> 8 / 5 = 1.6
    assert rows["Anti-social behaviour"]["score"] == 1.6
    # domestic abuse: harm 3, partners 3 -> 3.0
    assert rows["Domestic abuse"]["score"] == 3.0
    assert out["top"] == ["Domestic abuse", "Theft", "Burglary", "Anti-social behaviour"]
    assert rows["Theft"]["proposal"] == "remains a priority"
    assert rows["Domestic abuse"]["proposal"] == "emerging"
    assert "2 of 2 partner indicators red" in rows["Domestic abuse"]["reasons"]


def test_weights_change_the_score_by_hand():
    out = propose_priorities(FIGURES, CANDIDATES, {"weights": {"harm": 2, "trend": 0}})
    rows = {r["candidate"]: r for r in out["candidates"]}
    # theft without trend, harm counted twice: (3 + 2 x 1) / 3 = 1.67
    assert rows["Theft"]["score"] == 1.67 and rows["Theft"]["criteria_scored"] == 2
    assert out["weights"]["harm"] == 2.0


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"weights": {"cost": 1}}, "unknown criteria cost"), ({"weights": {"harm": -1}}, "0 or more"),
     ({"current": "Theft"}, "a list")],
)  # fmt: skip
def test_bad_settings(settings, message):
    with pytest.raises(ConfigError, match=message):
        propose_priorities(FIGURES, CANDIDATES, settings)


def test_the_shipped_register_loads_with_a_source_for_every_weight():
    df = load_candidates(DEFAULT_CANDIDATES)
    assert df["harm_source"].str.len().gt(0).all() and df["harm"].between(0, 3).all()
    assert {"Domestic abuse", "Road safety", "Anti-social behaviour"} <= set(df["candidate"])


def test_an_expired_road_target_is_not_a_rising_trend():
    candidates = pd.DataFrame(
        [("Road safety", "road_safety", "", "road|ksi", "speed", 3, "test")],
        columns=["candidate", "kind", "crime_group", "partner_keywords", "public_keywords",
                 "harm", "harm_source"],
    )  # fmt: skip
    road = {"ksi_change_pct": -18.6, "ksi_target": {"on_track": False,
            "status": "target year 2020 has passed; 48 in 2024 is above the target of 43.3"}}  # fmt: skip
    (row,) = propose_priorities({"road_safety": road}, candidates)["candidates"]
    assert row["scores"]["trend"] == 0
    assert "killed or seriously injured fell 18.6% on the year before" in row["reasons"]
    live = {"ksi_change_pct": 5.0, "ksi_target": {"on_track": False, "status": "above"}}
    (row,) = propose_priorities({"road_safety": live}, candidates)["candidates"]
    assert row["scores"]["trend"] == 3


def test_ties_at_the_fifth_place_are_said():
    from analysis.report.priorities import priorities_markdown

    rows = [("A", 3), ("B", 3), ("C", 3), ("D", 3), ("E", 2), ("F", 2), ("G", 1)]
    candidates = pd.DataFrame(
        [(n, "partner_theme", "", n.lower(), "", h, "test") for n, h in rows],
        columns=["candidate", "kind", "crime_group", "partner_keywords", "public_keywords",
                 "harm", "harm_source"],
    )  # fmt: skip
    indicators = [{"priority": "", "indicator": n.lower(), "rag": "RED"} for n, _ in rows]
    out = propose_priorities({"performance": {"indicators": indicators}}, candidates)
    text = priorities_markdown(out)
    assert "E and F score the same (2.00) for places 5 to 6" in text
