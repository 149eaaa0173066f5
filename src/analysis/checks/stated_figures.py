"""Checks on figures stated in partner returns and published reports.

Why: returns and reports carry derived figures typed by hand next to the values they come
from ("8% reduction", "Year end total - 228"), and they are sometimes wrong. The 2017 Medway
assessment says "12% Increase 2840 additional crimes": 2,840 more on the earlier year's
20,285 (23,125 - 2,840) is a 14.0% increase, and a 12% increase would have been about 2,434.
Each stated figure is recomputed from the values and any disagreement goes into the data
notes, so a reviewer never repeats a wrong number.

Conventions (as ``analysis.measures.change``): a percentage change is of the *earlier* value; signed
values are negative for a fall. A stated change agrees when it has the right direction and is
within ``tolerance_pp`` percentage points of the recomputed one (default 1.0: returns round to
whole percentages, so 7.9% written as "8%" agrees).

A stated change is only checked against the values it is about. A comment may name its own
comparison ("on the same quarter last year"): when that is not the comparison between the
two values given (``values_basis``), the figure is reported as not checkable rather than
wrongly flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

_NUM = r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
_FALL_WORDS = r"reduction|decrease|fall|drop|decline|lower|down|fell|reduced|decreased"
_RISE_WORDS = r"increase|rise|growth|higher|up|rose|increased|grew"
_DIRECTION = rf"(?P<dir>{_FALL_WORDS}|{_RISE_WORDS})"

# "8% reduction", "a 13.9% reduction", "16% increase"; and "down 31%", "increased by 10%"
_CHANGE_AFTER = re.compile(rf"(?<![\w.]){_NUM}\s*(?:%|per\s*cent)\s*{_DIRECTION}\b", re.I)
_CHANGE_BEFORE = re.compile(rf"\b{_DIRECTION}\s+(?:by\s+)?{_NUM}\s*(?:%|per\s*cent)", re.I)
# "Year end total - 228", "The total for the year is 450", "annual total: 1,200"
_TOTAL = re.compile(
    rf"(?:year[- ]end total|end of year total|annual total|total for the year)"
    rf"\s*(?:is|was|of|=|:|-|–|—)?\s*{_NUM}(?![\d.,]*\s*%)",
    re.I,
)
_QUARTER = re.compile(r"\b(Q[1-4])\b", re.I)

#: Comparisons a comment can name, as canonical names, with the phrases that say them.
BASES: dict[str, re.Pattern[str]] = {
    "same quarter last year": re.compile(
        r"same (?:quarter|period|month) (?:of |in )?(?:the )?(?:last|previous|prior) year", re.I
    ),
    "previous quarter": re.compile(r"(?:previous|last|prior) quarter|quarter before", re.I),
    "previous year": re.compile(
        r"(?:total for |the )?(?:last|previous|prior) year|year before", re.I
    ),
}


@dataclass(frozen=True)
class StatedFigure:
    """A derived figure written in a comment.

    ``value``: signed percentage for a change (negative for a fall), the number for a total.
    ``basis``: the comparison the comment names (a key of ``BASES``), or None if unstated.
    ``quarter``: a quarter the phrase is about ("Q3"), if it names one.
    """

    kind: str  # "change" or "total"
    value: float
    text: str
    basis: str | None = None
    quarter: str | None = None
    decimals: int = 0


def _number(whole: str, frac: str | None) -> float:
    return float(whole.replace(",", "") + (f".{frac}" if frac else ""))


def _clauses(comment: str) -> list[str]:
    """Comments list several figures separated by ";" (e.g. "Q3 24% ...; Q4 5.2% ...")."""
    return [c for c in re.split(r";|\n", comment) if c.strip()]


def stated_figures(comment: str | None) -> list[StatedFigure]:
    """Every stated change and year-end total in a comment, in order of appearance."""
    if not isinstance(comment, str):
        return []
    out: list[tuple[int, StatedFigure]] = []
    offset = 0
    for clause in _clauses(comment):
        start = comment.index(clause, offset)
        offset = start + len(clause)
        basis = next((name for name, pat in BASES.items() if pat.search(clause)), None)
        quarter = _QUARTER.search(clause)
        q = quarter.group(1).upper() if quarter else None
        for pattern in (_CHANGE_AFTER, _CHANGE_BEFORE):
            for m in pattern.finditer(clause):
                whole, frac = m.group("whole"), m.group("frac")
                pct = _number(whole, frac)
                falls = re.fullmatch(_FALL_WORDS, m.group("dir"), re.I) is not None
                # a basis named inside the figure's own clause applies to it; "last year"
                # inside "same quarter last year" is not "previous year"
                fig = StatedFigure(
                    "change",
                    -pct if falls else pct,
                    m.group(0).strip(),
                    basis,
                    q,
                    len(frac or ""),
                )
                out.append((start + m.start(), fig))
        for m in _TOTAL.finditer(clause):
            fig = StatedFigure(
                "total", _number(m.group("whole"), m.group("frac")), m.group(0).strip(), None, q
            )
            out.append((start + m.start(), fig))
    return [fig for _, fig in sorted(out, key=lambda t: t[0])]


# ----------------------------------------------------------------------------- formatting


def _fmt(x: float) -> str:
    """A value as a reader writes it: 4491 -> "4,491", 13.9 -> "13.9"."""
    return f"{x:,.0f}" if float(x) == round(float(x)) else f"{x:,}"


def _stated_text(pct: float, decimals: int = 0) -> str:
    word = "increase" if pct > 0 else "decrease" if pct < 0 else "change"
    return f"{abs(pct):.{decimals}f}% {word}"


def _computed_text(pct: float) -> str:
    word = "increase" if pct > 0 else "decrease" if pct < 0 else "change"
    return f"{abs(pct):.1f}% {word}"


def _percent_change(previous: float, current: float) -> float | None:
    if previous == 0:
        return None
    return (current - previous) / previous * 100.0


def _verdict(stated: float, computed: float, tolerance_pp: float) -> tuple[bool, bool]:
    """(agrees, same direction) for a stated and a computed signed percentage."""
    same_direction = (stated > 0) == (computed > 0) or stated == computed == 0
    agrees = same_direction and abs(stated - computed) <= tolerance_pp + 1e-9
    return agrees, same_direction


def parse_value(text: object) -> float | None:
    """A plain number from a return's cell ("4,772" -> 4772.0); None for anything else.

    Percentages ("77.8%") and annotated values ("6% (2 out of 31 young people)") are not
    counts, so a stated change cannot be recomputed from them without knowing whether it
    means percent or percentage points.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        return None if pd.isna(text) else float(text)
    if not isinstance(text, str):
        return None
    s = text.strip().replace(",", "")
    return float(s) if re.fullmatch(r"-?\d+(?:\.\d+)?", s) else None


# ----------------------------------------------------------------------------- checks


def _check_change(
    fig: StatedFigure,
    previous: float,
    current: float,
    tolerance_pp: float,
    values_basis: str | None,
    current_quarter: str | None = None,
) -> dict:
    stated_text = fig.text
    result = {
        "kind": "change",
        "text": fig.text,
        "basis": fig.basis,
        "stated": fig.value,
        "computed": None,
        "agrees": None,
    }
    if fig.basis is not None and fig.basis != values_basis:
        given = f" ({values_basis})" if values_basis else ""
        result["message"] = (
            f"Stated {stated_text} (compared with the {fig.basis}) not checked: the values "
            f"given are a different comparison{given}."
        )
        return result
    if fig.quarter and current_quarter and fig.quarter != current_quarter.upper():
        result["message"] = (
            f"Stated {stated_text} for {fig.quarter} not checked: the values given end in "
            f"{current_quarter.upper()}."
        )
        return result
    pct = _percent_change(previous, current)
    if pct is None:
        result["message"] = f"Stated {stated_text} not checked: the earlier value is zero."
        return result
    computed = round(pct, 1)
    agrees, same_direction = _verdict(fig.value, pct, tolerance_pp)
    result.update(computed=computed, agrees=agrees)
    values = f"{_fmt(previous)} to {_fmt(current)} is a {_computed_text(pct)}"
    if agrees:
        result["message"] = f"Stated {stated_text} agrees: {values}."
    elif not same_direction:
        result["message"] = f"Stated {stated_text}, but {values}: the direction is wrong."
    else:
        result["message"] = f"Stated {stated_text}, but {values}."
    return result


def check_stated_changes(
    comment: str | None,
    previous: float,
    current: float,
    tolerance_pp: float = 1.0,
    *,
    values_basis: str | None = None,
    current_quarter: str | None = None,
) -> list[dict]:
    """Every stated percentage change in ``comment``, recomputed from previous -> current.

    ``values_basis``: the comparison previous -> current is (a key of ``BASES``, e.g.
    "previous quarter" for two consecutive quarter columns, "previous year" for two years).
    ``current_quarter``: the quarter ``current`` is ("Q2"), so "Q1 down 31%" is not checked
    against Q1 -> Q2. A figure about another comparison is reported with ``agrees`` None.
    """
    return [
        _check_change(fig, previous, current, tolerance_pp, values_basis, current_quarter)
        for fig in stated_figures(comment)
        if fig.kind == "change"
    ]


def check_stated_change(
    comment: str | None,
    previous: float,
    current: float,
    tolerance_pp: float = 1.0,
    *,
    values_basis: str | None = None,
    current_quarter: str | None = None,
) -> dict | None:
    """The first stated percentage change in ``comment``, checked; None if there is none.

    Returns ``{stated, computed, agrees, message, ...}`` with ``stated`` and ``computed`` as
    signed percentages (``computed`` to one decimal place), e.g. "8% reduction" on 4,491 ->
    4,136 gives stated -8.0, computed -7.9, agrees True.
    """
    results = check_stated_changes(
        comment,
        previous,
        current,
        tolerance_pp,
        values_basis=values_basis,
        current_quarter=current_quarter,
    )
    return results[0] if results else None


def check_stated_total(
    comment: str | None, parts: Mapping[str, float | None], expected_parts: int = 4
) -> dict | None:
    """A stated year-end total against the sum of its parts (quarters); None if none stated.

    When the return holds fewer than ``expected_parts`` parts, the total cannot be checked;
    the message says what the missing parts would have to add up to, which the next
    return can confirm.
    """
    fig = next((f for f in stated_figures(comment) if f.kind == "total"), None)
    return None if fig is None else _check_total(fig, parts, expected_parts)


def _check_total(fig: StatedFigure, parts: Mapping[str, float | None], expected_parts: int) -> dict:
    known = {k: v for k, v in parts.items() if v is not None}
    total = sum(known.values())
    result = {
        "kind": "total",
        "text": fig.text,
        "basis": None,
        "stated": fig.value,
        "computed": None,
        "agrees": None,
    }
    listed = " + ".join(_fmt(v) for v in known.values())
    if len(known) < expected_parts:
        names = " and ".join(known) if known else "no parts"
        result["message"] = (
            f"Stated year-end total {_fmt(fig.value)} not checked: the return has only "
            f"{names} ({listed} = {_fmt(total)}), so the other "
            f"{expected_parts - len(known)} would have to total {_fmt(fig.value - total)}."
        )
        return result
    result.update(computed=total, agrees=abs(total - fig.value) < 1e-9)
    if result["agrees"]:
        result["message"] = f"Stated year-end total {_fmt(fig.value)} agrees: {listed}."
    else:
        result["message"] = (
            f"Stated year-end total {_fmt(fig.value)}, but {listed} = {_fmt(total)}."
        )
    return result


def check_published_change(
    stated_pct: float,
    stated_difference: float,
    previous: float | None,
    current: float,
    tolerance_pp: float = 1.0,
) -> dict:
    """A published "X% increase, N more" against the level it is reported with.

    Signed: a fall is a negative ``stated_pct`` and ``stated_difference``. ``previous`` None
    means the report does not give the earlier level, so it is taken as ``current -
    stated_difference``; the stated percentage is then recomputed on it. Given a
    ``previous``, the stated difference is checked too.

    The 2017 Medway assessment: ``check_published_change(12, 2840, None, 23125)`` gives
    "Stated 12% increase, but 2,840 more on 20,285 is 14.0%."
    """
    derived = previous is None
    earlier = current - stated_difference if derived else float(previous)
    difference = current - earlier
    pct = _percent_change(earlier, current)
    decimals = 0 if float(stated_pct) == round(float(stated_pct)) else 1
    stated_text = _stated_text(stated_pct, decimals)
    result = {
        "kind": "published change",
        "stated": float(stated_pct),
        "stated_difference": float(stated_difference),
        "previous": earlier,
        "previous_derived": derived,
        "computed": None if pct is None else round(pct, 1),
        "agrees": None,
    }
    more = "more" if difference >= 0 else "fewer"
    if not derived and abs(difference - stated_difference) > 1e-9:
        result["agrees"] = False
        result["message"] = (
            f"Stated difference {_fmt(abs(stated_difference))}, but {_fmt(earlier)} to "
            f"{_fmt(current)} is {_fmt(abs(difference))} {more}."
        )
        return result
    if pct is None:
        result["message"] = f"Stated {stated_text} not checked: the earlier value is zero."
        return result
    agrees, _ = _verdict(float(stated_pct), pct, tolerance_pp)
    result["agrees"] = agrees
    on = f"{_fmt(abs(difference))} {more} on {_fmt(earlier)} is {abs(pct):.1f}%"
    result["message"] = (
        f"Stated {stated_text} agrees: {on}." if agrees else f"Stated {stated_text}, but {on}."
    )
    return result


def check_return(
    table: pd.DataFrame,
    previous: str,
    current: str,
    *,
    comment: str = "Comment",
    label: str | None = None,
    values_basis: str | None = None,
    parts: Sequence[str] | None = None,
    expected_parts: int = 4,
    tolerance_pp: float = 1.0,
) -> pd.DataFrame:
    """Every stated figure in a return's comments, checked; one row per stated figure.

    ``previous`` / ``current``: the value columns a stated change is about (e.g. "11/12
    performance" / "12/13 performance", or "Q1" / "Q2"); ``values_basis`` says which
    comparison they are. ``parts``: the columns a year-end total adds up (default: the two
    value columns, out of ``expected_parts``). ``label``: the column naming the row
    (default: the first column). Columns of the result: row, label, kind, text, stated,
    computed, agrees (True / False / None = not checkable), message.
    """
    label = label or table.columns[0]
    parts = list(parts) if parts is not None else [previous, current]
    rows = []
    for i, row in table.iterrows():
        text = row.get(comment)
        if not isinstance(text, str) or not text.strip():
            continue
        checks: list[dict] = []
        before, after = parse_value(row[previous]), parse_value(row[current])
        quarter = current if re.fullmatch(r"Q[1-4]", str(current), re.I) else None
        values = {p: parse_value(row[p]) for p in parts}
        for fig in stated_figures(text):
            if fig.kind == "total":
                checks.append(_check_total(fig, values, expected_parts))
            elif before is None or after is None:
                checks.append(
                    {
                        "kind": "change",
                        "text": fig.text,
                        "stated": fig.value,
                        "computed": None,
                        "agrees": None,
                        "message": (
                            f"Stated {fig.text} not checked: the values ({row[previous]}, "
                            f"{row[current]}) are not plain counts."
                        ),
                    }
                )
            else:
                checks.append(
                    _check_change(fig, before, after, tolerance_pp, values_basis, quarter)
                )
        for c in checks:
            rows.append({"row": i, "label": row[label], **c})
    columns = ["row", "label", "kind", "text", "stated", "computed", "agrees", "message"]
    return pd.DataFrame(rows, columns=columns).reindex(columns=columns)
