"""Charts for every section (crime and ASB, road safety, fire), titled and labelled to read without the code.

Each function takes numbers from ``figures.json`` (never recomputes them) and returns a
matplotlib Figure; notebooks display it. The ward map draws GeoJSON polygons directly
with matplotlib so the project needs no GIS stack.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import PatchCollection
from matplotlib.colors import Normalize
from matplotlib.patches import Polygon
from matplotlib.ticker import MaxNLocator

from analysis.measures.road_safety import count_text, target_value, trajectory
from analysis.periods import month_index, month_label

PALETTE = {"crime": "#1d70b8", "asb": "#d4351c"}  # GOV.UK blue and red
sns.set_theme(style="whitegrid", context="notebook")


def show(fig) -> None:
    """Display a chart with alternative text (public-sector pages must be accessible: PSBAR 2018).

    The text is the chart's title plus its numbers, set by each chart function as ``fig.alt_text``.
    """
    from IPython.display import display

    alt = getattr(fig, "alt_text", None) or fig.axes[0].get_title().replace("\n", " ")
    display(fig, metadata={"image/png": {"alt": alt}})
    plt.close(fig)


def _thousands(ax, axis: str = "y") -> None:
    fmt = plt.FuncFormatter(lambda v, _: f"{v:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def trend_chart(fig_measure: dict, measure: str, area_name: str):
    """Totals for every period in the data; incomplete periods hatched and labelled."""
    trend = fig_measure["trend"]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    labels = [
        t["label"] + ("" if t["complete"] else f"\n({t['months_present']} months)") for t in trend
    ]
    counts = [t["count"] for t in trend]
    # a real time axis: each bar at its period's place, so years with no data show as a gap
    # (not "2014" and "2025" side by side as if a year apart)
    start = [month_index(t["start"]) / 12 for t in trend]
    span = [(month_index(t["end"]) - month_index(t["start"]) + 1) / 12 for t in trend]
    x = [a + w / 2 for a, w in zip(start, span, strict=True)]
    bars = ax.bar(x, counts, width=[0.8 * w for w in span], color=PALETTE[measure])
    ax.set_xticks(x, labels=labels)
    gaps = [
        (x[i] + x[i + 1]) / 2 for i in range(len(x) - 1) if start[i + 1] - start[i] > 1.5 * span[i]
    ]
    for g in gaps:
        ax.annotate("no data", (g, 0), xytext=(0, 6), textcoords="offset points", ha="center",
                    fontsize=8, color="#505a5f")  # fmt: skip
    for bar, t in zip(bars, trend, strict=True):
        if not t["complete"]:
            bar.set_hatch("//")
            bar.set_facecolor("#b1b4b6")
        ax.annotate(
            f"{t['count']:,}",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax.set_title(f"{fig_measure['label'].capitalize()} in {area_name}, by period")
    fig.alt_text = f"Bar chart: {ax.get_title()}. " + "; ".join(
        f"{t['label']}: {t['count']:,}"
        + ("" if t["complete"] else f" ({t['months_present']} months only)")
        for t in trend
    )
    ax.set_ylabel("Count")
    ax.set_xlabel("Period (grey hatched = incomplete data)")
    _thousands(ax)
    fig.tight_layout()
    return fig


def seasonality_chart(fig_measure: dict, measure: str, area_name: str, period_label: str):
    monthly = fig_measure["monthly"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    x = [month_label(m["month"], short=True) for m in monthly]
    y = [m["count"] for m in monthly]
    ax.plot(x, y, marker="o", color=PALETTE[measure])
    if y:
        ax.axhline(
            np.mean(y),
            color="#505a5f",
            linestyle="--",
            linewidth=1,
            label=f"Monthly average ({np.mean(y):,.0f})",
        )
        ax.legend(loc="lower right")
    ax.set_ylim(0, max(y) * 1.15 if y and max(y) else 1)
    ax.set_title(f"{fig_measure['label'].capitalize()} per month, {period_label}")
    fig.alt_text = f"Line chart: {ax.get_title()}. " + "; ".join(
        f"{a}: {b:,}" for a, b in zip(x, y, strict=True)
    )
    ax.set_ylabel("Count")
    ax.set_xlabel("Month")
    ax.tick_params(axis="x", rotation=45)
    _thousands(ax)
    fig.tight_layout()
    return fig


def type_chart(by_type: list[dict], period_label: str):
    fig, ax = plt.subplots(figsize=(8, 3.8))
    groups = [d["group"] for d in by_type]
    shares = [d["share"] for d in by_type]
    sns.barplot(x=shares, y=groups, ax=ax, color=PALETTE["crime"], orient="h")
    for i, d in enumerate(by_type):
        ax.annotate(
            f"{d['share']:.1f}% ({d['count']:,})",
            (d["share"], i),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_xlim(0, max(shares + [1]) * 1.3)
    ax.set_title(f"Recorded crime by type, {period_label} (% of all crime)")
    fig.alt_text = f"Bar chart: {ax.get_title()}. " + "; ".join(
        f"{d['group']}: {d['share']:.1f}%" for d in by_type
    )
    ax.set_xlabel("Share of recorded crime (%)")
    ax.set_ylabel("")
    fig.tight_layout()
    return fig


def _rings(geometry: dict) -> list[np.ndarray]:
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return [np.asarray(geometry["coordinates"][0])]
    if geometry["type"] == "MultiPolygon":
        return [np.asarray(poly[0]) for poly in geometry["coordinates"]]
    return []


def ward_map(boundaries: dict, by_ward: list[dict], measure: str, title: str):
    """Choropleth of counts by ward; wards without data drawn in light grey and listed."""
    counts = {w["ward_code"]: w["count"] for w in by_ward}
    fig, ax = plt.subplots(figsize=(7, 6))
    patches, values = [], []
    grey = []
    for feat in boundaries["features"]:
        for ring in _rings(feat["geometry"]):
            poly = Polygon(ring[:, :2], closed=True)
            if feat["code"] in counts:
                patches.append(poly)
                values.append(counts[feat["code"]])
            else:
                grey.append(poly)
    cmap = "Blues" if measure == "crime" else "Reds"
    norm = Normalize(vmin=0, vmax=max(values) if values else 1)
    coll = PatchCollection(patches, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.6)
    coll.set_array(np.asarray(values, dtype=float))
    ax.add_collection(coll)
    if grey:
        ax.add_collection(
            PatchCollection(grey, facecolor="#dddddd", edgecolor="white", linewidth=0.6)
        )
    ax.autoscale_view()
    ax.set_aspect(1 / np.cos(np.deg2rad(np.mean(ax.get_ylim()))))
    ax.set_axis_off()
    cbar = fig.colorbar(coll, ax=ax, shrink=0.7)
    cbar.set_label("Count in period")
    cbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    top = sorted(by_ward, key=lambda w: -w["count"])[:5]
    centroids = {
        f["code"]: np.vstack(_rings(f["geometry"])).mean(axis=0)
        for f in boundaries["features"]
        if _rings(f["geometry"])
    }
    for rank, w in enumerate(top, start=1):
        if w["ward_code"] in centroids:
            x, y = centroids[w["ward_code"]]
            ax.annotate(
                str(rank),
                (x, y),
                ha="center",
                va="center",
                fontsize=10,
                weight="bold",
                bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "black", "lw": 0.5},
            )
    ax.set_title(title + "\n(numbers mark the five highest wards)")
    fig.alt_text = f"Map: {title}. Highest wards: " + "; ".join(
        f"{rank}. {w['ward']} {w['count']:,}" for rank, w in enumerate(top, start=1)
    )
    fig.tight_layout()
    return fig


def peer_chart(peers: dict, measure: str, period_label: str):
    rows = peers["authorities"]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.2))
    names = [r["lad_name"] for r in rows]
    rates = [r["rate_per_1000"] for r in rows]
    colours = [PALETTE[measure] if r["is_area"] else "#b1b4b6" for r in rows]
    ax.barh(names, rates, color=colours)
    ax.invert_yaxis()
    for i, r in enumerate(rows):
        ax.annotate(
            f"{r['rate_per_1000']:.1f}",
            (r["rate_per_1000"], i),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    what = "Crimes" if measure == "crime" else "ASB incidents"
    ax.set_title(f"{what} per 1,000 residents by local authority in the force area, {period_label}")
    fig.alt_text = f"Bar chart: {ax.get_title()}. " + "; ".join(
        f"{n}: {r:.1f}" for n, r in zip(names, rates, strict=True)
    )
    ax.set_xlabel("Rate per 1,000 residents")
    ax.set_xlim(0, max(rates + [1]) * 1.15)
    fig.tight_layout()
    return fig


def road_trend_chart(
    table: pd.DataFrame,
    *,
    measure: str = "ksi",
    baseline: Mapping | None = None,
    target: Mapping | None = None,
    start_year: int | None = None,
    area_name: str = "",
):
    """Bars of casualties per year, the baseline average, and the target trajectory.

    The figure carries ``fig.alt_text``: a sentence with every year's number, the baseline
    and the target, for screen readers (as :mod:`analysis.report.charts` does).
    """
    label = {"ksi": "Killed or seriously injured (KSI) casualties", "slight": "Slight casualties"}[
        measure
    ]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    years = table["year"].astype(int).tolist()
    values = table[measure].astype(float).tolist()
    ax.bar(years, values, color="#1d70b8" if measure == "ksi" else "#5694ca", label=label)
    parts = [f"{y}: {count_text(v)}" for y, v in zip(years, values, strict=True)]
    extra = []
    if baseline is not None:
        b = float(baseline[measure])
        ax.axhline(
            b,
            color="#505a5f",
            linestyle=":",
            linewidth=1.2,
            label=f"Baseline average {baseline['years'][0]}-{baseline['years'][1]} ({b:,.1f})",
        )
        extra.append(f"baseline average {baseline['years'][0]}-{baseline['years'][1]}: {b:,.1f}")
        if target is not None and target.get("year") is not None:
            tv = target_value(target, measure, baseline)
            if tv is not None:
                start = int(start_year if start_year is not None else baseline["years"][-1])
                span = list(range(start, max(max(years), int(target["year"])) + 1))
                line = trajectory(span, start, b, int(target["year"]), tv)
                ax.plot(
                    span,
                    line.to_numpy(),
                    color="#d4351c",
                    linestyle="--",
                    linewidth=1.5,
                    label=f"Trajectory to {tv:,.0f} by {int(target['year'])}",
                )
                ax.plot([int(target["year"])], [tv], marker="o", color="#d4351c")
                extra.append(f"target {tv:,.0f} by {int(target['year'])}")
    title = f"{label}{' in ' + area_name if area_name else ''}, by year"
    ax.set_title(title)
    ax.set_xlabel("Calendar year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, never 2007.5
    ax.set_ylabel("Casualties")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(loc="upper right", fontsize=8)
    fig.alt_text = (
        f"Bar chart: {title}. "
        + "; ".join(parts)
        + (". " + "; ".join(extra) + "." if extra else ".")
    )
    fig.tight_layout()
    return fig


def fire_trend_chart(
    tidy: pd.DataFrame, *, area_name: str = "", service: str = "Fire and rescue service"
):
    """One small bar chart per activity (their scales differ by a hundredfold).

    Sets ``fig.alt_text`` to a sentence with every activity's yearly numbers.
    """
    activities = list(dict.fromkeys(tidy["activity"]))
    years = tidy.drop_duplicates("year").sort_values("year_start")["year"].tolist()
    n = len(activities)
    # two columns, large type: the image is scaled to the page, so on a 390 px phone a wider
    # grid of three shrank its labels below reading size
    cols = 2 if n > 1 else 1
    nrows = int(np.ceil(n / cols)) if n else 1
    fig, axes = plt.subplots(nrows, cols, figsize=(3.3 * cols, 2.7 * nrows), squeeze=False)
    parts = []
    for k, activity in enumerate(activities):
        ax = axes[k // cols][k % cols]
        part = tidy[tidy["activity"] == activity].set_index("year").reindex(years)
        vals = part["value"].to_numpy(dtype=float)
        ax.bar(range(len(years)), np.nan_to_num(vals), color="#1d70b8")
        ax.set_xticks(range(len(years)), years, rotation=45, ha="right", fontsize=9)
        ax.set_title(activity, fontsize=11)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.tick_params(axis="y", labelsize=9)
        parts.append(
            f"{activity}: "
            + ", ".join(
                f"{y} {v:,.0f}" if not np.isnan(v) else f"{y} no figure"
                for y, v in zip(years, vals, strict=True)
            )
        )
    for k in range(n, nrows * cols):
        axes[k // cols][k % cols].set_visible(False)
    title = f"{service} activity{' in ' + area_name if area_name else ''}, by year"
    fig.suptitle(title)
    fig.alt_text = f"Bar charts: {title}. " + "; ".join(parts) + "."
    fig.tight_layout()
    return fig


def funnel_chart(funnel: dict, measure: str, area_name: str, period_label: str):
    """Ward rates per 1,000 residents against population, with the 95% and 99.8% limits."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    curves = funnel["curves"]
    pop = curves["population"]
    ax.axhline(funnel["area_rate_per_1000"], color="#0b0c0c", linewidth=1,
               label=f"{area_name} rate ({funnel['area_rate_per_1000']:,.1f})")  # fmt: skip
    for label, style in (("95%", "--"), ("99.8%", ":")):
        ax.plot(pop, curves[f"upper_{label}"], color="#505a5f", linestyle=style,
                label=f"{label} limits")  # fmt: skip
        ax.plot(pop, curves[f"lower_{label}"], color="#505a5f", linestyle=style)
    wards = funnel["wards"]
    outside = [w for w in wards if not w["position"].startswith("within")]
    inside = [w for w in wards if w["position"].startswith("within")]
    ax.scatter([w["population"] for w in inside], [w["rate_per_1000"] for w in inside],
               color=PALETTE[measure], alpha=0.6, label="Ward within the limits")  # fmt: skip
    ax.scatter([w["population"] for w in outside], [w["rate_per_1000"] for w in outside],
               color=PALETTE[measure], edgecolor="#0b0c0c", s=60, label="Ward outside the limits")  # fmt: skip
    for w in outside:
        ax.annotate(w["ward"], (w["population"], w["rate_per_1000"]), xytext=(4, 2),
                    textcoords="offset points", fontsize=8)  # fmt: skip
    noun = "Crimes" if measure == "crime" else "ASB incidents"
    ax.set_title(f"{noun} per 1,000 residents by ward, {period_label}")
    ax.set_xlabel("Ward population")
    ax.set_ylabel("Rate per 1,000 residents")
    _thousands(ax, "x")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", fontsize=8)
    fig.alt_text = (
        f"Funnel plot: {ax.get_title()}. Area rate {funnel['area_rate_per_1000']:,.1f}. "
        + "; ".join(f"{w['ward']}: {w['rate_per_1000']:,.1f} ({w['position']})" for w in wards)
        + "."
    )
    fig.tight_layout()
    return fig


def decile_chart(deciles: list[dict], measure: str, period_label: str):
    """Rate per 1,000 residents by deprivation decile (1 = most deprived tenth of England)."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    labels = [str(d["decile"]) for d in deciles]
    rates = [d["rate_per_1000"] or 0 for d in deciles]
    ax.bar(labels, rates, color=PALETTE[measure])
    noun = "Crimes" if measure == "crime" else "ASB incidents"
    ax.set_title(f"{noun} per 1,000 residents by deprivation decile, {period_label}")
    ax.set_xlabel("Deprivation decile of the neighbourhood (1 = most deprived 10% in England)")
    ax.set_ylabel("Rate per 1,000 residents")
    fig.alt_text = f"Bar chart: {ax.get_title()}. " + "; ".join(
        f"decile {d['decile']}: {d['rate_per_1000']:,.1f}"
        for d in deciles
        if d["rate_per_1000"] is not None
    )
    fig.tight_layout()
    return fig


def concerns_chart(concerns: dict, survey: str):
    """The concerns question's answers as bars with their 95% intervals, most named first."""
    ranked = concerns["ranked"]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(ranked) + 1.2))
    names = [c["answer"] for c in ranked]
    shares = np.array([c["share_pct"] for c in ranked])
    err = np.array([[c["share_pct"] - c["lo_pct"] for c in ranked],
                    [c["hi_pct"] - c["share_pct"] for c in ranked]])  # fmt: skip
    y = np.arange(len(ranked))
    ax.barh(y, shares, color=PALETTE["crime"], xerr=err, ecolor="#0b0c0c", capsize=3)
    ax.set_yticks(y, labels=names)
    ax.invert_yaxis()
    for i, c in enumerate(ranked):
        ax.annotate(f"{c['share_pct']:.1f}%", (c["hi_pct"], i), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)  # fmt: skip
    ax.set_xlim(0, min(100, max([c["hi_pct"] for c in ranked] + [1]) * 1.2))
    ax.set_xlabel(f"Share of the {concerns['base']:,} who answered (%), with 95% range")
    ax.set_title(f"{survey}: problems named", loc="left")
    fig.alt_text = f"Bar chart: {survey}, problems named. " + "; ".join(
        f"{c['answer']}: {c['share_pct']:.1f}%" for c in ranked
    )
    fig.tight_layout()
    return fig
