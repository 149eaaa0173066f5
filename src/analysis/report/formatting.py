"""How numbers and tables are written for readers: one place, so every page agrees.

GOV.UK style: thousands separators, "n/a" for a figure that cannot be given, signed
percentages for changes; tables without the index and with stable HTML ids (so a rebuilt
page is byte-identical).
"""

from __future__ import annotations

import pandas as pd


def fmt_int(n: int | None) -> str:
    return "n/a" if n is None else f"{n:,}"


def fmt_pct(x: float | None, signed: bool = True) -> str:
    if x is None:
        return "n/a"
    return f"{x:+.1f}%" if signed else f"{x:.1f}%"


def plain_table(df: pd.DataFrame):
    """A table without the index, numbers with thousands separators, stable HTML ids."""
    shown = df.copy()
    for col in shown.columns:
        if str(col).lower() in ("year", "calendar year"):
            continue
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(
                lambda v: (
                    "" if pd.isna(v) else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}")
                )
            )
        elif pd.api.types.is_integer_dtype(shown[col]):
            shown[col] = shown[col].map("{:,}".format)
    return shown.style.set_uuid("plain").hide(axis="index")


#: The caption of a wide table, shown only on narrow screens (see the csp template's CSS).
SCROLL_HINT = "Scroll sideways to see every column"
_NUMBER_CELL = r"[-+−▲▼◆\s]*(?:\d[\d,]*(?:\.\d+)?%?|n/a|–|)\s*"


def reader_table(df: pd.DataFrame, uid: str):
    """A table as a reader sees it: its index (rank, crime group) as an ordinary first column,
    no index-name header row, words left-aligned and numbers right-aligned; ``uid`` gives the
    HTML a stable id unique on the page."""
    shown = df.reset_index() if df.index.name else df.reset_index(drop=True)
    numeric = [c for c in shown.columns
               if shown[c].astype(str).str.fullmatch(_NUMBER_CELL).all()]  # fmt: skip
    words = [c for c in shown.columns if c not in numeric]
    styler = shown.style.hide(axis="index").set_uuid(uid)
    if len(shown.columns) >= 5:  # wide: on a phone it scrolls sideways, and says so
        styler = styler.set_caption(SCROLL_HINT)
    if words:
        styler = styler.set_properties(subset=words, **{"text-align": "left"})
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    return styler.set_table_styles([{"selector": "th", "props": "text-align: left"}])
