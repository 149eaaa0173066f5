"""Check partner performance returns before the run: tidy table, change, arrows and RAG.

Usage::

    python -m analysis.performance FILE [FILE ...] [--format table|csv]
                                   [--register PATH | --no-register] [--area AREA]
                                   [--tolerance X]

Why this exists: an analyst receiving a return wants to see, before the assessment is
built, how every cell and target was read and what status each indicator will get; and a
bad return should be refused with a message naming the file, row and column (exit code 2,
no traceback), not discovered in the middle of a run. ``--format csv`` writes the whole
table to standard output for a spreadsheet or a diff.

The table is :func:`analysis.measures.partners.build_table`: the same reading, register and
RAG as a run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.errors import PipelineError
from analysis.measures.partners import build_table
from analysis.measures.rag import DEFAULT_TOLERANCE, TOLERANCE_RULE
from analysis.sources.indicator_register import DEFAULT_REGISTER

#: Columns written by ``--format csv`` (the first ten are the documented minimum).
CSV_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "value",
    "unit",
    "target_text",
    "rag",
    "change",
    "change_unit",
    "arrow",
    "change_vs_baseline",
    "priority",
    "value_text",
    "value_status",
    "numerator",
    "denominator",
    "change_text",
    "change_is",
    "previous_period",
    "previous_value",
    "baseline_period",
    "baseline_value",
    "change_vs_baseline_text",
    "target_kind",
    "target_value",
    "target_direction",
    "target_reference",
    "target_level",
    "shortfall",
    "rag_reason",
    "published_rag",
    "rag_matches_published",
    "polarity",
    "value_note",
    "value_check",
    "target_note",
    "superseded",
    "source_file",
    "source_row",
    "source_column",
)

_ROUNDED = ("change", "change_vs_baseline", "target_level", "shortfall")


def to_csv(df: pd.DataFrame) -> str:
    """The CSV the command writes: :data:`CSV_COLUMNS`, changes rounded to 3 decimals."""
    out = df[list(CSV_COLUMNS)].copy()
    for c in _ROUNDED:
        out[c] = out[c].round(3)
    return out.to_csv(index=False, lineterminator="\n")


def _short(text: object, width: int) -> str:
    if not isinstance(text, str) or not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def format_table(df: pd.DataFrame, *, tolerance: float = DEFAULT_TOLERANCE) -> str:
    """A readable plain-text table per file, then the notes an analyst should look at."""
    lines: list[str] = []
    for source, part in df.groupby("source_file", sort=False):
        n_ind = part["indicator_key"].nunique()
        lines.append(f"== {source}: {n_ind} indicators, {len(part)} figures ==")
        show = pd.DataFrame(
            {
                "Indicator": part["indicator"].map(lambda t: _short(t, 48)),
                "Period": part["period"],
                "Value": part["value_text"].where(
                    part["value_status"] == "ok",
                    "("
                    + part["value_text"].replace("", "blank").map(lambda t: _short(t, 20))
                    + ")",
                ),
                "Target": part["target_text"].map(lambda t: _short(t, 26)),
                "Change": part["change_text"].fillna(""),
                "vs baseline": part["change_vs_baseline_text"].fillna(""),
                "RAG": part["rag"],
                "Published": part["published_rag"].fillna(""),
                "Why": part["rag_reason"].map(lambda t: _short(t, 70)),
            }
        )
        lines.append(show.to_string(index=False))
        lines.append("")
    notes = []
    for r in df.itertuples():
        where = f"{r.source_file}:{r.source_row} '{_short(r.indicator, 40)}'"
        if r.target_kind == "not machine-readable" and r.period_type != "baseline":
            notes.append(f"{where}: target not machine-readable: '{r.target_text}'")
        if isinstance(r.value_check, str):
            notes.append(f"{where} [{r.source_column}]: {r.value_check}")
        if r.rag_matches_published is False:
            notes.append(f"{where} [{r.period}]: computed {r.rag}, published {r.published_rag}")
    if notes:
        lines.append("Notes:")
        lines.extend(f"  - {n}" for n in dict.fromkeys(notes))
    lines.append(f"RAG rule: {TOLERANCE_RULE.format(tol=tolerance)}.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (2 for bad input)."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.performance",
        description="Read partner performance returns (CSV/XLSX) and show change, arrows and RAG.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="return files, oldest first")
    parser.add_argument("--format", choices=("table", "csv"), default="table")
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--register", type=Path, default=DEFAULT_REGISTER, help="indicator register CSV"
    )
    group.add_argument("--no-register", action="store_true", help="read the returns as written")
    parser.add_argument(
        "--area", default=None, help="apply the register's entries for this area too"
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"amber band in points (percentages) or %% of target (counts); default {DEFAULT_TOLERANCE:g}",
    )
    args = parser.parse_args(argv)
    if args.tolerance < 0:
        parser.error("--tolerance must be zero or more")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # arrows must print whatever the locale
        except (AttributeError, ValueError):
            pass
    try:
        df = build_table(
            args.files,
            register=None if args.no_register else args.register,
            area=args.area,
            tolerance=args.tolerance,
        )
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(to_csv(df))
    else:
        sys.stdout.write(format_table(df, tolerance=args.tolerance))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
