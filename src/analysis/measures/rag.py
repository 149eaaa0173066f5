"""Change, arrows and RAG status for the tidy partner-performance table.

Why this module exists
----------------------
A CSP reports each indicator with an arrow for its change and a red / amber / green status
against its target. Both are easy to get subtly wrong (percentage change of a percentage;
an arrow that says "up" for a change that rounds to nothing; amber meaning different things
in different rows), so the rules live here once, are tested with hand-worked numbers, and
every status carries a sentence (``rag_reason``) saying how it was reached.

Change
------
* Counts: percentage change on the *earlier* value ("▲ 3.6%"); percentages: difference in
  percentage points ("▼ 2.0"), following GOV.UK/ONS practice (:mod:`analysis.measures.change`).
* Arrow ▲ / ▼ / ◆, where ◆ means the change rounds to 0.0 at one decimal place.
* Previous period = the period just before, of the same kind: the previous quarter (Q1's is
  Q4 of the previous financial year, when a return for it was read) or the previous year.
  A gap is not bridged: comparing Q3 with Q1 under the heading "previous period" would
  mislead. Baseline = the return's baseline column (e.g. "Baseline '10/11").
* ``change_is``: "better" / "worse" / "no change" given the indicator's polarity, or
  "neutral (polarity unknown)" when nothing says which way is good.

RAG (the tolerance rule)
------------------------
Every numeric target is turned into a *target level* for the period:

* level targets: the number itself ("70%" -> 70; "150" -> 150). A count target set for the
  year is spread evenly over quarters (150 -> 37.5 a quarter) unless the register says the
  target is per quarter; a percentage applies to every period as it is.
* relative targets: the earlier value moved by the target ("5% reduction" on 4,491 ->
  4,266.45). The earlier value is the previous period's, or the named reference's
  ("against 2013/14 out-turn": its bracketed value, the register's ``reference_value`` or
  that year's figure in the returns).

GREEN when the target level is met; otherwise the *shortfall* is measured in the unit a
reader sees: **percentage points** for an indicator that is a percentage, **percent of the
target level** for a count. AMBER when the shortfall is no more than the tolerance
(:data:`DEFAULT_TOLERANCE` = 5, points or percent), RED beyond it. N/A where there is no
numeric target, no figure, or no earlier value to measure a change against, with the
reason. Why 5: the 2012/13 street-scene table published nine statuses; its two missed
percentage targets were AMBER at 2 points short (graffiti, 71% against 73%) and RED at 10
points short (land clear, 60% against 70%), so the band is at least 2 and under 10 points;
its one missed count target was RED at 29.4% short (fixed penalty notices, 310 against a
10% increase on 399 = 438.9). 5 reproduces all nine and is the conventional "within 5%".
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from analysis.sources import targets as tg

#: Amber band: points for percentages, percent of the target level for counts.
DEFAULT_TOLERANCE: float = 5.0

GREEN, AMBER, RED, NA = "GREEN", "AMBER", "RED", "N/A"
RAG_VALUES: tuple[str, ...] = (GREEN, AMBER, RED, NA)
UP, DOWN, FLAT = "\u25b2", "\u25bc", "\u25c6"  # ▲ ▼ ◆

TOLERANCE_RULE = (
    "GREEN: target met; AMBER: missed by no more than {tol:g} percentage points (percentages) "
    "or {tol:g}% of the target level (counts); RED: missed by more; N/A: no numeric target, "
    "no figure, or no earlier value to measure a change against"
)

CHANGE_COLUMNS: tuple[str, ...] = (
    "previous_period",
    "previous_value",
    "change",
    "change_unit",
    "arrow",
    "change_text",
    "change_is",
    "baseline_period",
    "baseline_value",
    "change_vs_baseline",
    "arrow_vs_baseline",
    "change_vs_baseline_text",
    "change_vs_baseline_is",
    "target_level",
    "shortfall",
    "rag",
    "rag_reason",
    "rag_matches_published",
)

_EPS = 1e-9
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*[/-]\s*(\d{2})")


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def round_half_away(x: float, places: int = 1) -> float:
    """Round as a reader (and Excel) does: halves away from zero, on the number as written.

    Python's ``round`` rounds halves to even (-6.25 -> -6.2), which would make the arrow text
    disagree with a hand calculation or a spreadsheet (-6.3).
    """
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def change_between(current: float, earlier: float, unit: str) -> tuple[float | None, str]:
    """(change, unit): % of the earlier value for counts, points for percentages.

    The % change is None when the earlier count is 0 (a change from nothing has no
    percentage); the arrow still shows the direction (see :func:`arrow`).
    """
    if unit == "percent":
        return current - earlier, "pp"
    if earlier == 0:
        return None, "%"
    return (current - earlier) / earlier * 100.0, "%"


def arrow(change: float | None, difference: float | None = None) -> str | None:
    """▲ / ▼ / ◆ for a change; ◆ when it rounds to 0.0 at one decimal place.

    ``difference`` (current minus earlier) gives the direction when the % change is
    undefined (earlier value 0). None when there is nothing to compare.
    """
    if _missing(change):
        if _missing(difference):
            return None
        change = difference
    rounded = round_half_away(float(change))
    if rounded > 0:
        return UP
    if rounded < 0:
        return DOWN
    return FLAT


def format_change(
    change: float | None, change_unit: str, difference: float | None = None
) -> str | None:
    """Seeds' style: '▲ 3.6%' for a count, '▼ 2.0' for percentage points."""
    a = arrow(change, difference)
    if a is None:
        return None
    if _missing(change):
        return f"{a} (from 0)"
    size = abs(round_half_away(float(change)))
    return f"{a} {size:.1f}{'%' if change_unit == '%' else ''}"


def judge_change(
    change: float | None, polarity: str | None, difference: float | None = None
) -> str | None:
    """'better' / 'worse' / 'no change', or 'neutral (polarity unknown)'."""
    a = arrow(change, difference)
    if a is None:
        return None
    if a == FLAT:
        return "no change"
    if polarity not in tg.POLARITIES:
        return "neutral (polarity unknown)"
    good_up = polarity == tg.HIGHER_IS_BETTER
    return "better" if (a == UP) == good_up else "worse"


def _compare(
    value: float, earlier: float, unit: str, polarity: str | None
) -> tuple[float | None, str, str | None, str | None, str | None]:
    """Change from ``earlier`` to ``value``: (change, its unit, arrow, text, better/worse)."""
    ch, cu = change_between(float(value), float(earlier), unit)
    diff = float(value) - float(earlier)
    return ch, cu, arrow(ch, diff), format_change(ch, cu, diff), judge_change(ch, polarity, diff)


def _fmt_value(x: float, unit: str) -> str:
    """A value or target level as read: a count of incidents is a whole number (a target of
    "5% reduction on 2,906" is shown as 2,761, though judged on 2,760.7)."""
    if unit == "percent":
        return f"{x:.1f}%".replace(".0%", "%")
    if unit == "count":
        return f"{round(x):,}"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def rag_status(
    value: float | None,
    unit: str,
    *,
    target_kind: str,
    target_value: float | None,
    target_direction: str | None,
    target_strict: bool = False,
    target_unit: str | None = None,
    reference_value: float | None = None,
    reference_label: str = "the previous period",
    period_type: str = "financial_year",
    target_period: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> tuple[str, float | None, float | None, str]:
    """(rag, target level, shortfall, reason) for one figure; see the module docstring."""
    if period_type == "baseline":
        return NA, None, None, "baseline figure: not assessed"
    if target_kind == tg.NONE:
        return NA, None, None, "no target"
    if target_kind == tg.NOT_MACHINE_READABLE:
        return NA, None, None, "target not machine-readable"
    if _missing(value):
        return NA, None, None, "no figure for this period"
    if unit == "count" and value < 0:  # "met" a reduction target with an impossible count
        return NA, None, None, "a negative count is not possible: check the return"
    # 0.832 against a 75% target is a fraction typed for 83.2%, not a shortfall of 74 points
    if (unit == "percent" and 0 < value < 1 and not _missing(target_value) and target_value >= 10
            and (target_unit in (None, "percent"))):  # fmt: skip
        return NA, None, None, (f"{value:g} may be a fraction meaning {value * 100:.1f}%: write it "
                                "as a percentage in the return (not assessed)")  # fmt: skip
    if _missing(target_value) or target_direction is None:
        return NA, None, None, "target incomplete"

    if target_kind == tg.RELATIVE:
        if _missing(reference_value):
            return NA, None, None, f"no figure for {reference_label} to measure the change against"
        level = float(reference_value) * (1 + float(target_value) / 100.0)
        direction = tg.AT_MOST if target_direction == tg.DECREASE else tg.AT_LEAST
        strict = False
        word = "reduction" if target_direction == tg.DECREASE else "increase"
        basis = (
            f"{abs(float(target_value)):g}% {word} on {_fmt_value(float(reference_value), unit)} "
            f"({reference_label})"
        )
    else:
        if target_unit is not None and target_unit != unit:
            return NA, None, None, f"target is a {target_unit} but the figures are {unit}s"
        level = float(target_value)
        direction, strict = target_direction, bool(target_strict)
        basis = (
            ("below " if strict else "at most ")
            if direction == tg.AT_MOST
            else ("above " if strict else "at least ")
        )
        basis += _fmt_value(level, unit)
        if unit == "count" and period_type == "quarter" and target_period != "quarter":
            basis += f" a year, i.e. {_fmt_value(level / 4, unit)} a quarter"
            level = level / 4

    v = float(value)
    if direction == tg.AT_MOST:
        met = v < level - _EPS if strict else v <= level + _EPS
        gap = max(v - level, 0.0)
    else:
        met = v > level + _EPS if strict else v >= level - _EPS
        gap = max(level - v, 0.0)
    shown = _fmt_value(v, unit)
    if met:
        return GREEN, level, 0.0, f"met: {shown} against target {basis}"
    if unit == "percent":
        shortfall, what = gap, f"{gap:.1f} points"
        band = f"{tolerance:g}-point"
    else:
        shortfall = gap / level * 100.0 if level > 0 else math.inf
        what = f"{shortfall:.1f}% of the target level {_fmt_value(level, unit)}"
        band = f"{tolerance:g}%"
    if shortfall <= tolerance + _EPS:
        return (
            AMBER,
            level,
            shortfall,
            f"missed by {what}, within the {band} amber band: {shown} against target {basis}",
        )
    return (
        RED,
        level,
        shortfall,
        f"missed by {what}, beyond the {band} amber band: {shown} against target {basis}",
    )


def _month_index(text: object) -> float:
    if not isinstance(text, str) or len(text) < 7:
        return np.nan
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def add_change_and_rag(df: pd.DataFrame, *, tolerance: float = DEFAULT_TOLERANCE) -> pd.DataFrame:
    """The tidy table with :data:`CHANGE_COLUMNS` added (a new frame; input unchanged)."""
    out = df.copy()
    if out.empty:
        for c in CHANGE_COLUMNS:
            out[c] = pd.Series(dtype="object")
        return out
    out["tmp_start"] = out["period_start"].map(_month_index)
    live = out[~out["superseded"].astype(bool) & (out["period_type"] != "baseline")]

    # previous period: same indicator and kind, the period just before (no gaps bridged)
    step = np.where(out["period_type"] == "quarter", 3, 12)
    out["tmp_prev_start"] = out["tmp_start"] - step
    known = live.dropna(subset=["tmp_start"])[
        ["indicator_key", "period_type", "tmp_start", "period", "value"]
    ]
    known = known.rename(
        columns={
            "tmp_start": "tmp_prev_start",
            "period": "previous_period",
            "value": "previous_value",
        }
    )
    out = out.merge(known, on=["indicator_key", "period_type", "tmp_prev_start"], how="left")
    # quarters of unknown year: previous quarter within the same file
    unknown = live[live["tmp_start"].isna()][
        ["indicator_key", "source_file", "period_type", "period_order", "period", "value"]
    ]
    if not unknown.empty:
        unknown = unknown.assign(period_order=unknown["period_order"] + 1).rename(
            columns={"period": "tmp_uprev_period", "value": "tmp_uprev_value"}
        )
        out = out.merge(
            unknown, on=["indicator_key", "source_file", "period_type", "period_order"], how="left"
        )
        use = out["tmp_start"].isna()
        out.loc[use, "previous_period"] = out.loc[use, "tmp_uprev_period"]
        out.loc[use, "previous_value"] = out.loc[use, "tmp_uprev_value"]
        out = out.drop(columns=["tmp_uprev_period", "tmp_uprev_value"])

    # baseline: the row's own file first, else the last baseline given for the indicator
    base = out[(out["period_type"] == "baseline") & out["value"].notna()]
    by_file = {
        (r.indicator_key, r.source_file): (r.period, r.value, r.tmp_start)
        for r in base.itertuples()
    }
    by_key = {r.indicator_key: (r.period, r.value, r.tmp_start) for r in base.itertuples()}
    # values by (indicator, financial-year label), for targets against a named year
    year_values = {
        (r.indicator_key, r.period): r.value
        for r in live.itertuples()
        if r.period_type in ("financial_year", "calendar_year") and not _missing(r.value)
    }

    rows = []
    for r in out.itertuples(index=False):
        rec: dict = {}
        unit = r.unit
        polarity = r.polarity if isinstance(r.polarity, str) else None
        # change on the previous period
        if r.period_type != "baseline" and not _missing(r.value) and not _missing(r.previous_value):
            ch, cu, arr, text, judged = _compare(r.value, r.previous_value, unit, polarity)
            rec.update(change=ch, change_unit=cu, arrow=arr, change_text=text, change_is=judged)
        else:
            rec.update(
                change=None,
                change_unit="pp" if unit == "percent" else "%",
                arrow=None,
                change_text=None,
                change_is=None,
            )
        # change on the baseline
        b = by_file.get((r.indicator_key, r.source_file)) or by_key.get(r.indicator_key)
        # a count for a quarter is not comparable with a whole-year baseline count
        comparable = b is not None and not (
            unit == "count" and r.period_type == "quarter" and not _missing(b[2])
        )
        if comparable and r.period_type != "baseline" and not _missing(r.value):
            ch, _, arr, text, judged = _compare(r.value, b[1], unit, polarity)
            rec.update(
                baseline_period=b[0],
                baseline_value=b[1],
                change_vs_baseline=ch,
                arrow_vs_baseline=arr,
                change_vs_baseline_text=text,
                change_vs_baseline_is=judged,
            )
        else:
            rec.update(
                baseline_period=b[0] if b else None,
                baseline_value=b[1] if b else None,
                change_vs_baseline=None,
                arrow_vs_baseline=None,
                change_vs_baseline_text=None,
                change_vs_baseline_is=None,
            )
        # RAG
        reference_value, reference_label = (
            r.previous_value,
            (
                f"{r.previous_period}"
                if isinstance(r.previous_period, str)
                else "the previous period"
            ),
        )
        if (
            r.target_kind == tg.RELATIVE
            and isinstance(r.target_reference, str)
            and r.target_reference != "the previous period"
        ):
            reference_label = r.target_reference
            reference_value = r.target_reference_value
            if _missing(reference_value):
                m = _YEAR_IN_TEXT.search(r.target_reference)
                if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
                    label = f"{m.group(1)}/{m.group(2)}"
                    reference_value = year_values.get((r.indicator_key, label))
        rag, level, shortfall, reason = rag_status(
            r.value,
            unit,
            target_kind=r.target_kind,
            target_value=r.target_value,
            target_direction=r.target_direction if isinstance(r.target_direction, str) else None,
            target_strict=bool(r.target_strict),
            target_unit=r.target_unit if isinstance(r.target_unit, str) else None,
            reference_value=None if _missing(reference_value) else float(reference_value),
            reference_label=reference_label,
            period_type=r.period_type,
            target_period=r.target_period if isinstance(r.target_period, str) else None,
            tolerance=tolerance,
        )
        published = r.published_rag if isinstance(r.published_rag, str) else None
        rec.update(
            target_level=level,
            shortfall=shortfall,
            rag=rag,
            rag_reason=reason,
            rag_matches_published=None if published is None else (published == rag),
        )
        rows.append(rec)
    added = pd.DataFrame(rows, index=out.index)
    out = pd.concat([out.drop(columns=["tmp_start", "tmp_prev_start"]), added], axis=1)
    for c in (
        "previous_value",
        "change",
        "baseline_value",
        "change_vs_baseline",
        "target_level",
        "shortfall",
    ):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    return out[[*df.columns, *CHANGE_COLUMNS]]
