"""The crime and ASB section's sentences and tables, from ``figures.json`` only.

Notebook ``20_crime_and_asb`` shows these; nothing here recomputes a figure, so the page
and the summary can never disagree.
"""

from __future__ import annotations

import pandas as pd

from analysis.periods import month_label
from analysis.report import summary
from analysis.report.formatting import fmt_int, fmt_pct
from analysis.report.summary import join_names


def headline_markdown(figures: dict, measure: str) -> str:
    fig = figures[measure]
    noun = "crimes" if measure == "crime" else "ASB incidents"
    pop = figures["population"]
    lines = [
        f"**Level:** {fmt_int(fig['total'])} {noun} in {figures['period']['label']}, "
        f"**{fig['rate_per_1000']:.1f} per 1,000 residents** "
        f"(population {pop['value']:,}: {pop['note']}).",
        "**Annual change:** " + summary.change_sentence(figures, measure),
    ]
    peers = fig.get("peers") or {}
    if peers.get("available"):
        lines.append(
            f"**Peer comparison:** the {summary.ordinal(peers['rank'])} highest rate of the {peers['of']} local "
            f"authorities in the force area ({peers['rule']})."
        )
    if fig["top_wards"]:
        names = ", ".join(w["ward"] for w in fig["top_wards"])
        lines.append(
            f"**Hotspots:** the top {len(fig['top_wards'])} wards ({names}) account for "
            f"{fig['top_wards_share']:.1f}% of all {noun}."
        )
    if figures["months_missing"]:
        lines.append(
            "**Data gap:** no data for "
            + ", ".join(month_label(m) for m in figures["months_missing"])
            + "."
        )
    return "\n\n".join(lines)


def summary_table(figures: dict, measure: str) -> pd.DataFrame:
    fig = figures[measure]
    period, previous = (
        figures["period"]["short_label"],
        figures["period"]["previous"]["short_label"],
    )
    sig = fig["significance"]
    rows = [
        ("Count", fmt_int(fig["total"]), fmt_int(fig["previous_total"])),
        (
            "Rate per 1,000 residents",
            f"{fig['rate_per_1000']:.1f}",
            "n/a"
            if fig["previous_rate_per_1000"] is None
            else f"{fig['previous_rate_per_1000']:.1f}",
        ),
        ("Change (number)", "n/a" if fig["change"] is None else f"{fig['change']:+,}", ""),
        ("Change (% of previous period)", fmt_pct(fig["change_pct"]), ""),
        (
            test_label(sig),
            "n/a" if sig is None else ("Yes" if sig["significant"] else "No"),
            "",
        ),
    ]
    return pd.DataFrame(rows, columns=["Measure", period, previous]).set_index("Measure")


def test_label(significance: dict | None) -> str:
    """The row heading for the significance verdict, naming the kind of test in words."""
    if significance and significance.get("dispersion") is not None:
        return "More than normal variation? (allowing for month-to-month swings)"
    return "More than chance? (Poisson test)"


def _signed(n: int) -> str:
    return f"{n:+,}" if n else "0"


def drivers_markdown(fig: dict) -> str:
    """What drove the change in all crime, in words: the groups that moved most, their share
    of the net change, which moved beyond normal variation, and what has risen three periods
    running. From ``figures.json`` only (``crime.by_group_change``)."""
    groups = fig.get("by_group_change")
    if not groups:
        return "No comparison with the previous period is possible, so no breakdown of the change is given."
    net = fig["change"]
    movers = [g for g in groups if g["change"]][:3]
    if net:
        lead = f"All recorded crime changed by {_signed(net)} on the previous period. "
        parts = [
            f"{g['group']} ({_signed(g['change'])}, {g['contribution_pct']:.0f}% of the net change)"
            for g in movers
        ]
        lead += "The largest movements were in " + join_names(parts) + "." if parts else ""
    else:
        lead = "All recorded crime was unchanged on the previous period."
    beyond = [g for g in groups if g["significant"]]
    if beyond:
        words = [f"{g['group']} ({'up' if g['change'] > 0 else 'down'} {abs(g['change_pct']):.1f}%)"
                 for g in beyond]  # fmt: skip
        lead += (
            " Beyond normal variation, allowing for testing every group at once: "
            + join_names(words)
            + "."
        )
    else:
        lead += " No group's change is beyond normal variation once every group is tested at once."
    rising = [g["group"] for g in groups if g["direction"] == "rising three periods running"]
    if rising:
        lead += f" Rising three periods running (since {groups[0]['earlier_period']}): {join_names(rising)}."
    return lead


def group_change_table(fig: dict) -> pd.DataFrame:
    """Each crime group's change and its share of the net change, largest movements first."""
    groups = pd.DataFrame(fig.get("by_group_change") or [])
    if groups.empty:
        return groups
    verdict = groups["significant"].map({True: "Yes", False: "No"})
    return pd.DataFrame(
        {
            "Crime group": groups["group"],
            "Previous period": groups["previous"].map("{:,}".format),
            "This period": groups["count"].map("{:,}".format),
            "Change": groups["change"].map(_signed),
            "Change (%)": groups["change_pct"].map(fmt_pct),
            "Share of the net change": groups["contribution_pct"].map(
                lambda v: "n/a" if v is None or pd.isna(v) else f"{v:.0f}%"
            ),
            "Beyond normal variation?": verdict,
            "Three periods": groups["direction"].fillna("not enough data"),
        }
    ).set_index("Crime group")


def wards_table(fig: dict) -> pd.DataFrame:
    df = pd.DataFrame(fig["top_wards"])
    if df.empty:
        return df
    df.index = range(1, len(df) + 1)
    df.index.name = "Rank"
    return pd.DataFrame(
        {
            "Ward": df["ward"],
            "Count": df["count"].map("{:,}".format),
            "Share of area total": df["share"].map("{:.1f}%".format),
        }
    )


def types_table(fig: dict) -> pd.DataFrame:
    df = pd.DataFrame(fig["by_type"])
    return pd.DataFrame(
        {
            "Crime group": df["group"],
            "Count": df["count"].map("{:,}".format),
            "Share": df["share"].map("{:.1f}%".format),
        }
    ).set_index("Crime group")


def peers_table(peers: dict) -> pd.DataFrame:
    df = pd.DataFrame(peers["authorities"])
    return pd.DataFrame(
        {
            "Rank": df["rank"],
            "Local authority": df["lad_name"],
            "Count": df["count"].map("{:,}".format),
            "Population": df["population"].map("{:,}".format),
            "Rate per 1,000": df["rate_per_1000"].map("{:.1f}".format),
        }
    ).set_index("Rank")


def map_left_out(missing: list[str]) -> str:
    """Why the ward map is not drawn: the boundary file lacks some of the period's wards."""
    shown = missing[:5] + ([f"{len(missing) - 5} more"] if len(missing) > 5 else [])
    return ("The ward map is left out: the ward boundary file has no outline for "
            f"{join_names(shown)}, so the map would be drawn wrong. Check that the "
            "boundary file matches the ward set of the period.")  # fmt: skip


def peers_left_out(peers: dict) -> str:
    """The authorities not ranked, and why, as a sentence (empty when none)."""
    text = ""
    if peers.get("excluded_incomplete"):
        text += (" Not ranked, because the police.uk files hold their data for only part of the "
                 f"period: {join_names(peers['excluded_incomplete'])}.")  # fmt: skip
    if peers.get("excluded_no_population"):
        text += (" Not ranked, for want of a population estimate: "
                 f"{join_names(peers['excluded_no_population'])}.")  # fmt: skip
    return text
