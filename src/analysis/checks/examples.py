"""Where a failed check points: distinct bad values and the ``file:row`` of each.

Why this module exists
----------------------
A reviewer told "412 rows have an unknown crime type" needs to open the file at a line to see
it. Both engines (Great Expectations in :mod:`analysis.checks.suites`, the Arrow evaluator
in :mod:`analysis.checks.arrow`) describe their failures with these helpers, so messages
read the same whichever engine found the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from analysis.checks.results import MAX_EXAMPLES, is_missing

#: Bookkeeping columns used to point reviewers at a file and line.
ROW_LOCATOR_COLUMNS: tuple[str, str] = ("source_file", "source_row")


def locate_examples(
    df: pd.DataFrame, column: str, etype: str, partial: list
) -> tuple[list[str], list[str], str]:
    """Distinct bad values and the ``file:row`` of the first row holding each.

    Valid because every rule here is value-determined: a row holding a value GX reported
    as unexpected is itself unexpected. One vectorised ``isin`` over the column; only the
    bad rows' positions are touched after that.
    """
    series = df[column]
    if etype == "expect_column_values_to_not_be_null":
        values: list[Any] = [None]
        mask = series.isna().to_numpy()
    else:
        values = []
        seen: set[Any] = set()
        for v in partial:
            if is_missing(v):
                continue
            key = hashable(v)
            if key not in seen:
                seen.add(key)
                values.append(v)
            if len(values) >= MAX_EXAMPLES:
                break
        if not values:
            return [], [], ""
        mask = series.isin(values).to_numpy(dtype=bool)

    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return [value_text(v) for v in values], [], ""

    if values == [None]:
        firsts = {None: positions[0]}
    else:
        found = pd.Series(series.to_numpy()[positions], copy=False)
        first_pos = found.drop_duplicates(keep="first")
        firsts = {hashable(v): positions[i] for i, v in first_pos.items()}

    examples: list[str] = []
    rows: list[str] = []
    for v in values:
        pos = firsts.get(hashable(v)) if v is not None else firsts.get(None)
        if pos is None:
            continue
        examples.append(value_text(v))
        rows.append(row_label(df, int(pos)))

    details = ""
    if etype == "expect_column_values_to_be_unique" and values and values[0] is not None:
        first_value = series.iloc[int(positions[0])]
        same = positions[series.to_numpy()[positions] == first_value][:MAX_EXAMPLES]
        details = f"{value_text(first_value)!r} appears at " + ", ".join(
            row_label(df, int(p)) for p in same
        )
    return examples, rows, details


def row_label(df: pd.DataFrame, pos: int) -> str:
    """``file:row`` from the bookkeeping columns, falling back to the frame's own index."""
    file_col, row_col = ROW_LOCATOR_COLUMNS
    has_file, has_row = file_col in df.columns, row_col in df.columns
    if has_file and has_row:
        return f"{df[file_col].iloc[pos]}:{int_text(df[row_col].iloc[pos])}"
    if has_row:
        return f"row {int_text(df[row_col].iloc[pos])}"
    return f"index {df.index[pos]}"


def files_note(df: pd.DataFrame, limit: int = MAX_EXAMPLES) -> str:
    file_col = ROW_LOCATOR_COLUMNS[0]
    if file_col not in df.columns:
        return ""
    files = [str(f) for f in pd.unique(df[file_col].dropna())]
    if not files:
        return ""
    shown = ", ".join(files[:limit])
    more = f" (+{len(files) - limit} more)" if len(files) > limit else ""
    return f"file(s) in this extract: {shown}{more}"


def bounds_text(kwargs: Mapping[str, Any]) -> str:
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    if lo is not None and hi is not None:
        return f"; expected between {lo} and {hi}"
    if lo is not None:
        return f"; expected at least {lo}"
    if hi is not None:
        return f"; expected at most {hi}"
    return ""


def hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def value_text(value: Any) -> str:
    return "<blank>" if is_missing(value) else str(value)


def int_text(value: Any) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)
