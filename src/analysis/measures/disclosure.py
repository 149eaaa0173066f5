"""Statistical disclosure control for reviewer outputs: small counts shown as "[c]".

Why: a count of 3 sexual offences in one ward, or 2 young people on a youth justice programme,
can identify victims or children to neighbours. Following GSS/ONS practice for published
tables, counts below a threshold (default 10) are *primary* suppressed, and further cells are
*secondary* suppressed so that no hidden count can be worked out from the totals shown.

Where it applies (see ``is_sensitive``): every count in partner data (returns from councils,
youth offending, domestic abuse services), and ward-level (or finer) breakdowns of sensitive
police.uk categories. Area-level totals of police.uk categories are already public on
police.uk and are not suppressed. The analyst HTML may show the values, marked as restricted
(``analyst_view``).

Decisions, following ONS practice:

- **Zeros are shown** (``suppress_zeros=False``): a zero identifies nobody. Set it when a
  zero would itself disclose something (e.g. "no ward other than this one had any").
- **Totals below the threshold are suppressed too**: a row total of 7 is as small a count as a
  cell of 7.
- **Secondary cells** are chosen in this order: inner cells before totals (readers need the
  totals), non-zero before zero (hiding a zero next to a small cell can pin the small cell at
  its only possible value, because counts cannot be negative), then smallest first (least
  information lost), then first in the table (deterministic output).
- **Protection means** no hidden count can be worked out exactly from the published numbers
  and the fact that counts are whole and non-negative. Two rules enforce it, repeated until
  nothing changes: (1) a row or column with exactly one unknown entry gives it away, so a
  second entry in that line is hidden (the usual "at least two per line" rule); (2) the usual
  rule is not enough on its own: a hidden cell that lies on no cycle of hidden cells (a
  "bridge") is still fixed by adding and subtracting line totals, and hidden zeros can pin a
  value at a bound. So each hidden entry's possible values are worked out (linear algebra,
  and linear programming when an unknown is zero) and, if only one value is possible, one
  more entry in its row or column is hidden. The range of a protected entry may still be
  narrow (e.g. 0 to 15); raise the threshold if that matters.

A 1-D breakdown with a total is treated as a one-column table with a column total; a 2-D
table with ``margins=True`` shows row totals, column totals and the grand total.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.linalg import null_space
from scipy.optimize import linprog

SUPPRESSED = "[c]"
DEFAULT_THRESHOLD = 10
TOTAL = "Total"

#: Topics whose small counts are sensitive at ward level, with the words that name them in
#: police.uk categories, Home Office offence groups and partner returns (matched whole-word,
#: case-insensitive). Violence and sexual offences as one police.uk group is NOT sensitive:
#: it is dominated by violence without injury and is published by police.uk at street level.
SENSITIVE_TOPICS: dict[str, tuple[str, ...]] = {
    "sexual offences": (
        r"sexual offences?",
        r"rapes?",
        r"sexual assaults?",
        r"sexual abuse",
        r"sexual exploitation",
        r"CSE",
        r"indecent exposure",
    ),
    "domestic abuse": (
        r"domestic abuse",
        r"domestic violence",
        r"IDVAs?",
        r"MARACs?",
        r"SDVC",
        r"DASH",
        r"stalking",
        r"coercive control",
        r"honour[- ]based",
        r"forced marriage",
        r"FGM",
    ),
    "youth justice": (
        r"youth justice",
        r"youth offending",
        r"YOT",
        r"YOS",
        r"young offenders?",
        r"young people",
        r"first[- ]time entrants?",
        r"looked[- ]after children",
        r"LAC",
        r"triage",
    ),
}

#: Category names that contain a sensitive word but are broad groups, not sensitive themselves.
NOT_SENSITIVE = ("violence and sexual offences",)

_SENSITIVE = {
    topic: re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)
    for topic, words in SENSITIVE_TOPICS.items()
}


def sensitive_topic(category: str) -> str | None:
    """The sensitive topic a category or indicator name belongs to, or None."""
    name = " ".join(str(category).split())
    if name.lower() in NOT_SENSITIVE:
        return None
    for topic, pattern in _SENSITIVE.items():
        if pattern.search(name):
            return topic
    return None


def is_sensitive(category: str) -> bool:
    """Whether small counts of this category must be suppressed in ward-level breakdowns.

    >>> is_sensitive("Violence and sexual offences"), is_sensitive("Other sexual offences")
    (False, True)
    """
    return sensitive_topic(category) is not None


# ----------------------------------------------------------------------------- core


def _as_counts(values: np.ndarray) -> np.ndarray:
    """Whole, non-negative, present counts as int64; anything else is an input error."""
    arr = np.asarray(values, dtype=float)
    if np.isnan(arr).any():
        raise ValueError("counts contain missing values: fill or drop them before suppression")
    if (arr < 0).any():
        raise ValueError("counts must not be negative")
    if (arr != np.round(arr)).any():
        raise ValueError("counts must be whole numbers (suppression applies to counts only)")
    return arr.astype(np.int64)


def _extended(cells: np.ndarray) -> np.ndarray:
    """The table with its row totals (last column), column totals (last row) and grand total."""
    n, m = cells.shape
    ext = np.zeros((n + 1, m + 1), dtype=np.int64)
    ext[:n, :m] = cells
    ext[:n, m] = cells.sum(axis=1)
    ext[n, :m] = cells.sum(axis=0)
    ext[n, m] = cells.sum()
    return ext


def _lines(n: int, m: int) -> list[list[tuple[int, int]]]:
    """Entries of each additive line of the extended table: rows, then columns."""
    rows = [[(i, j) for j in range(m + 1)] for i in range(n + 1)]
    cols = [[(i, j) for i in range(n + 1)] for j in range(m + 1)]
    return rows + cols


def _equations(ext: np.ndarray, unknown: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
    """Line equations over the unknown entries: A x = b, with known entries moved to b.

    Row i: sum of its cells - row total = 0; column j likewise. Unknown entries include the
    margins that are not shown at all.
    """
    n, m = ext.shape[0] - 1, ext.shape[1] - 1
    index = [tuple(ij) for ij in np.argwhere(unknown)]
    pos = {ij: k for k, ij in enumerate(index)}
    a_rows, b = [], []
    for line in _lines(n, m):
        coef = np.zeros(len(index))
        rhs = 0.0
        for i, j in line:
            # the total of a line is its last entry; every other entry adds up to it
            is_total = (i, j) == line[-1]
            sign = -1.0 if is_total else 1.0
            if (i, j) in pos:
                coef[pos[(i, j)]] += sign
            else:
                rhs -= sign * ext[i, j]
        a_rows.append(coef)
        b.append(rhs)
    return np.array(a_rows), np.array(b), index


def _pinned(ext: np.ndarray, unknown: np.ndarray, targets: list[tuple[int, int]]) -> list:
    """Which of ``targets`` (unknown entries) have only one possible value.

    Linear algebra first: an entry is fixed by the line equations exactly when every solution
    of the homogeneous system is zero there (its row of a null-space basis is zero). Then,
    only if some unknown is zero, bounds: a linear programme gives the entry's least and
    greatest non-negative value; the constraint matrix is a network matrix (totally
    unimodular), so the LP range equals the whole-number range.
    """
    if not targets:
        return []
    a, b, index = _equations(ext, unknown)
    pos = {ij: k for k, ij in enumerate(index)}
    basis = null_space(a) if a.size else np.eye(len(index))
    fixed = [t for t in targets if np.allclose(basis[pos[t]], 0.0, atol=1e-9)]
    values = np.array([ext[ij] for ij in index], dtype=float)
    if not (values == 0).any():
        return fixed
    out = list(fixed)
    for t in targets:
        if t in fixed:
            continue
        c = np.zeros(len(index))
        c[pos[t]] = 1.0
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if lo.status == 0 and hi.status == 0 and (-hi.fun - lo.fun) < 0.5:
            out.append(t)
    return out


def _protect(
    cells: np.ndarray,
    *,
    row_totals: bool,
    col_totals: bool,
    threshold: int,
    suppress_zeros: bool,
    public_totals: bool = False,
) -> np.ndarray:
    """Mask of hidden entries of the extended table (cells plus the margins that are shown).

    ``public_totals``: the totals are published elsewhere (e.g. the area's count in another
    table), so hiding them here would protect nothing; only inner cells may be hidden.
    """
    cells = _as_counts(cells)
    n, m = cells.shape
    ext = _extended(cells)
    shown = np.zeros_like(ext, dtype=bool)
    shown[:n, :m] = True
    shown[:n, m] = row_totals
    shown[n, :m] = col_totals
    shown[n, m] = row_totals and col_totals
    is_margin = np.zeros_like(shown)
    is_margin[n, :] = True
    is_margin[:, m] = True
    hideable = shown & ~(is_margin & public_totals)
    small = (ext < threshold) & ((ext > 0) | suppress_zeros)
    hidden = hideable & small
    primary = [tuple(ij) for ij in np.argwhere(hidden)]

    def best(candidates: list[tuple[int, int]]) -> tuple[int, int] | None:
        usable = [ij for ij in candidates if hideable[ij] and not hidden[ij]]
        if not usable:
            return None
        return min(usable, key=lambda ij: (is_margin[ij], ext[ij] == 0, ext[ij], ij))

    lines = _lines(n, m)
    while True:
        changed = False
        # (1) a line with exactly one unknown entry, and that entry hidden, gives it away
        for line in lines:
            unknown = [ij for ij in line if hidden[ij] or not shown[ij]]
            if len(unknown) == 1 and hidden[unknown[0]]:
                pick = best(line)
                if pick is not None:
                    hidden[pick] = True
                    changed = True
        if changed:
            continue
        # (2) bridges and bounds: a hidden entry still fixed by the published numbers
        fixed = _pinned(ext, hidden | ~shown, [tuple(ij) for ij in np.argwhere(hidden)])
        for i, j in fixed:
            pick = best(lines[i] + lines[n + 1 + j])
            if pick is not None:
                break
        else:
            pick = best([tuple(ij) for ij in np.argwhere(hideable)]) if fixed else None
        if pick is not None:
            hidden[pick] = True
            continue
        if any(ij in primary for ij in fixed):
            # Only possible with public totals (with every entry hidden, any solution can be
            # scaled, so nothing is fixed): e.g. a one-row breakdown whose total is public.
            raise ValueError(
                "small counts cannot be protected: the published totals give them away "
                "whatever else is hidden; publish this breakdown at a coarser level"
            )
        return hidden


# ----------------------------------------------------------------------------- pandas API


def suppression_mask(
    data: pd.Series | pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    margins: bool = True,
    *,
    suppress_zeros: bool = False,
    public_totals: bool = False,
    total_label: str = TOTAL,
) -> pd.Series | pd.DataFrame:
    """Which displayed entries are hidden, aligned with ``suppress_series``/``suppress_table``.

    A Series gives a boolean Series over its index, plus ``total_label`` when ``margins`` (the
    total is shown); a DataFrame gives a boolean DataFrame, plus a ``total_label`` row and
    column when ``margins``. ``public_totals``: the totals are published elsewhere, so they
    are never hidden and protection comes from inner cells only. Tests use the mask to check
    properties; the analyst view uses it to mark restricted values.
    """
    if isinstance(data, pd.Series):
        hidden = _protect(
            data.to_numpy().reshape(-1, 1),
            row_totals=False,
            col_totals=margins,
            threshold=threshold,
            suppress_zeros=suppress_zeros,
            public_totals=public_totals,
        )
        index = list(data.index)
        if not margins:
            return pd.Series(hidden[:-1, 0], index=data.index, name=data.name)
        _check_label(index, total_label)
        return pd.Series(hidden[:, 0], index=[*index, total_label], name=data.name)
    hidden = _protect(
        data.to_numpy(),
        row_totals=margins,
        col_totals=margins,
        threshold=threshold,
        suppress_zeros=suppress_zeros,
        public_totals=public_totals,
    )
    if not margins:
        return pd.DataFrame(hidden[:-1, :-1], index=data.index, columns=data.columns)
    _check_label(list(data.index), total_label)
    _check_label(list(data.columns), total_label)
    return pd.DataFrame(
        hidden,
        index=[*data.index, total_label],
        columns=[*data.columns, total_label],
    )


def _check_label(labels: list, total_label: str) -> None:
    if total_label in labels:
        raise ValueError(
            f"the data already has a {total_label!r} entry: pass the counts without totals, "
            "suppression adds the totals itself so it can hide them when needed"
        )


def _with_totals(data: pd.Series | pd.DataFrame, total_label: str) -> pd.Series | pd.DataFrame:
    if isinstance(data, pd.Series):
        return pd.concat([data, pd.Series({total_label: data.sum()})]).rename(data.name)
    out = data.copy()
    out[total_label] = out.sum(axis=1)
    out.loc[total_label] = out.sum(axis=0)
    return out


def _display(values: pd.Series | pd.DataFrame, mask, fmt) -> pd.Series | pd.DataFrame:
    if isinstance(values, pd.Series):
        out = [fmt(v, h) for v, h in zip(values.to_numpy(), mask.to_numpy(), strict=True)]
        return pd.Series(out, index=values.index, name=values.name, dtype=object)
    out = [
        [fmt(v, h) for v, h in zip(vr, hr, strict=True)]
        for vr, hr in zip(values.to_numpy(), mask.to_numpy(), strict=True)
    ]
    return pd.DataFrame(out, index=values.index, columns=values.columns, dtype=object)


def suppress_series(
    counts: pd.Series,
    threshold: int = DEFAULT_THRESHOLD,
    total_shown: bool = True,
    *,
    suppress_zeros: bool = False,
    public_totals: bool = False,
    total_label: str = TOTAL,
) -> pd.Series:
    """Display values of a 1-D breakdown: whole counts, or "[c]" where hidden.

    With ``total_shown`` the result ends with a ``total_label`` entry (the total is hidden too
    when it is small, or when it alone would reveal a hidden cell, e.g. a one-row breakdown).
    Pass the counts without their total.
    """
    mask = suppression_mask(
        counts,
        threshold,
        total_shown,
        suppress_zeros=suppress_zeros,
        public_totals=public_totals,
        total_label=total_label,
    )
    values = _with_totals(counts, total_label) if total_shown else counts
    return _display(values, mask, lambda v, h: SUPPRESSED if h else int(v))


def suppress_table(
    table: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    margins: bool = True,
    *,
    suppress_zeros: bool = False,
    public_totals: bool = False,
    total_label: str = TOTAL,
) -> pd.DataFrame:
    """Display values of a 2-D table (e.g. wards x offence groups), with "[c]" where hidden.

    With ``margins`` a ``total_label`` column and row are added (row totals, column totals and
    the grand total); suppression then protects against recovery from all of them. Without
    margins only primary suppression applies: use it only when no totals of the table are
    published anywhere.
    """
    mask = suppression_mask(
        table,
        threshold,
        margins,
        suppress_zeros=suppress_zeros,
        public_totals=public_totals,
        total_label=total_label,
    )
    values = _with_totals(table, total_label) if margins else table
    return _display(values, mask, lambda v, h: SUPPRESSED if h else int(v))


def analyst_view(
    data: pd.Series | pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    margins: bool = True,
    *,
    suppress_zeros: bool = False,
    public_totals: bool = False,
    total_label: str = TOTAL,
    marker: str = " [c: restricted]",
) -> pd.Series | pd.DataFrame:
    """The same layout with every value shown, hidden ones marked as restricted.

    For the analyst HTML only, which is not published: reviewers get ``suppress_*``.
    """
    mask = suppression_mask(
        data,
        threshold,
        margins,
        suppress_zeros=suppress_zeros,
        public_totals=public_totals,
        total_label=total_label,
    )
    values = _with_totals(data, total_label) if margins else data
    return _display(values, mask, lambda v, h: f"{int(v):,}{marker}" if h else int(v))


def suppress_indicators(rows: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Primary suppression of partner indicators (one row each) for reviewer pages.

    A count below ``threshold`` is shown as "[c]"; so is a percentage whose stated numerator
    is below it ("6% (2 out of 31 young people)" would reveal the 2), the reason for its RAG
    (which quotes the value), and any change measured from a hidden value, this period's or
    the previous one's or the baseline's (a change and one value give the other). Zeros are
    shown (ONS practice: a zero does not identify anyone). The analyst page shows the values.
    """
    out = rows.copy()

    def small(column: str) -> pd.Series:
        values = out[column] if column in out else pd.Series(float("nan"), index=out.index)
        return (out["unit"] == "count") & values.between(1, threshold - 1)

    numerator = out["numerator"] if "numerator" in out else pd.Series(float("nan"), index=out.index)
    hide = small("value") | numerator.between(1, threshold - 1)
    # a change reveals the value it is measured from: a shown value with its % change on a
    # hidden small previous value (or baseline) gives that value away, so the change goes too
    hide_change = hide | small("previous_value")
    hide_baseline = hide | small("baseline_value")
    for col, mask in (("value_text", hide), ("change_text", hide_change),
                      ("change_vs_baseline_text", hide_baseline)):  # fmt: skip
        if col in out:
            out[col] = out[col].where(~mask, SUPPRESSED)
    if "rag_reason" in out:  # the reason quotes the value ("2 against target 5")
        out["rag_reason"] = out["rag_reason"].where(
            ~hide, "withheld with the value (a small number)"
        )
    out["suppressed"] = hide
    return out
