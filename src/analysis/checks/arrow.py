"""A Great Expectations suite's row rules, evaluated file by file on Arrow tables.

Why this module exists
----------------------
The raw police.uk suite (``expectations/police_uk_raw.json``) must hold for every row read:
about 6 million rows a year nationally. Running it through Great Expectations' pandas engine
needs the whole extract in one frame (4 GB) and takes longer than reading the files; its
import alone costs three seconds per process. Yet every rule in that suite is *value
determined* (a row passes or fails by its own value) or a table row count, so it can be
evaluated on each file as it is read and the per-file tallies added up. That is what this
module does, on the Arrow arrays the reader returns, mostly on each file's few hundred
distinct values (dictionary arrays) rather than on its rows.

The suite file stays the single statement of the rules: the same JSON, the same
``$PARAMETER`` values, the same :class:`~analysis.checks.results.CheckResult` records and the same
messages. ``tests/test_arrow_checks.py`` runs both engines on the same data and requires the
same outcome, bad-row counts and percentages. Two known differences, both on the strict or
more helpful side:

* Examples: GX picks its (up to five distinct) example values from the first 100 bad rows;
  this module from all of them, so when one bad value fills the first hundred rows it still
  names the others. The first example is the same.
* Regular expressions run on RE2 (Arrow), not Python's ``re``: ``\\d`` matches ASCII digits
  only and ``$`` does not match before a final newline, so a code with Arabic-Indic digits or
  a trailing newline fails here where GX would let it pass. Values are trimmed first.

Great Expectations itself still validates the area's rows of each period
(``expectations/police_uk_processed.json``), which also holds the Crime ID rules: duplicates
(not value determined: it needs every row at once) and the ID's shape (no count uses the ID,
and checking six million 64-character IDs cost a third of the ingest).

Supported rule types are listed in :data:`SUPPORTED`; any other type in a suite evaluated here
raises ``ValueError`` (a pipeline bug), never a silent pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.checks.examples import bounds_text, value_text
from analysis.checks.results import MAX_EXAMPLES, CheckResult
from analysis.checks.suites import check_base, load_suite, plain_value, suite_parameter_names

SUPPORTED = (
    "expect_column_to_exist",
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_be_between",
    "expect_table_row_count_to_be_between",
)
_KNOWN_KWARGS = {"column", "regex", "value_set", "min_value", "max_value", "strict_min",
                 "strict_max"}  # fmt: skip


@dataclass
class Tally:
    """One rule's result on one file (or, once merged, on every file)."""

    bad: int = 0
    checked: int = 0  # non-blank values (GX's denominator for unexpected_percent)
    rows: int = 0
    files: int = 0
    files_missing_column: int = 0  # the column is missing only if it is missing from every file
    examples: list[tuple[Any, str]] = field(default_factory=list)  # (value, "file:row")

    @property
    def missing_column(self) -> bool:
        return self.files > 0 and self.files_missing_column == self.files

    def add(self, other: Tally) -> None:
        self.bad += other.bad
        self.checked += other.checked
        self.rows += other.rows
        self.files += other.files
        self.files_missing_column += other.files_missing_column
        seen = {_key(v) for v, _ in self.examples}
        for value, where in other.examples:
            if len(self.examples) >= MAX_EXAMPLES:
                break
            if _key(value) not in seen:
                seen.add(_key(value))
                self.examples.append((value, where))


class ArrowSuite:
    """A loaded suite with its parameters resolved, ready to tally files.

    ``tally(table, file)`` is pure (safe to call from several threads at once) and returns one
    :class:`Tally` per rule; ``results(tallies)`` adds the per-file tallies up, in the order
    given, and returns :class:`CheckResult` records.
    """

    def __init__(
        self, name: str, parameters: Mapping[str, Any], expectations_dir: Path | None = None
    ) -> None:
        self.name = name
        suite = load_suite(name, expectations_dir)
        missing = sorted(suite_parameter_names(suite) - set(parameters))
        if missing:
            raise ValueError(f"suite {name!r}: missing suite parameter(s) {missing}")
        self.rules: list[dict] = []
        for exp in suite["expectations"]:
            if exp["type"] not in SUPPORTED:
                raise ValueError(
                    f"suite {name!r}: {exp['type']} cannot be evaluated file by file "
                    f"(supported: {', '.join(SUPPORTED)}); validate it with GX on a whole table"
                )
            unknown = set(exp["kwargs"]) - _KNOWN_KWARGS
            if unknown:
                raise ValueError(f"suite {name!r}: {exp['type']} has unsupported {sorted(unknown)}")
            kwargs = {k: _resolve(v, parameters) for k, v in exp["kwargs"].items()}
            if "value_set" in kwargs:
                kwargs["_values"] = pa.array([str(v) for v in kwargs["value_set"]], pa.string())
            self.rules.append({"exp": exp, "kwargs": kwargs})

    def tally(self, table: pa.Table, file: str) -> list[Tally]:
        rows = table.column("source_row") if "source_row" in table.column_names else None
        tallies = [_tally_rule(rule, table, file, rows) for rule in self.rules]
        for t in tallies:
            t.files = 1
        return tallies

    def results(self, per_file: Sequence[Sequence[Tally]]) -> list[CheckResult]:
        totals = [Tally() for _ in self.rules]
        for tallies in per_file:
            for total, t in zip(totals, tallies, strict=True):
                total.add(t)
        return [_result(self.name, rule, t) for rule, t in zip(self.rules, totals, strict=True)]


def _resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    if isinstance(value, Mapping) and "$PARAMETER" in value:
        return plain_value(parameters[value["$PARAMETER"]])
    return value


def _key(value: Any) -> Any:
    return "\0nan" if isinstance(value, float) and math.isnan(value) else value


def _tally_rule(rule: dict, table: pa.Table, file: str, rows: pa.ChunkedArray | None) -> Tally:
    etype, kw = rule["exp"]["type"], rule["kwargs"]
    n = table.num_rows
    if etype == "expect_table_row_count_to_be_between":
        return Tally(rows=n)
    column = kw["column"]
    if column not in table.column_names:
        # As GX would see this file's rows in a frame joined with files that have the
        # column: all blank. Blank values fail only the not-null rule.
        tally = Tally(rows=n, files_missing_column=1)
        if etype == "expect_column_values_to_not_be_null" and n:
            tally.bad = n
            first = rows[0].as_py() if rows is not None else 0
            tally.examples.append((None, f"{file}:{first}"))
        return tally
    if etype == "expect_column_to_exist":
        return Tally(rows=n)
    arr = table.column(column)
    arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    floating = pa.types.is_floating(arr.type)
    blanks = arr.null_count + (int(pc.sum(pc.is_nan(arr)).as_py() or 0) if floating else 0)
    if etype == "expect_column_values_to_not_be_null":
        if not blanks:
            return Tally(rows=n)
        tally = _from_mask(_null_mask(arr), n, arr, file, rows, values=False)
        tally.rows = n
        return tally
    checked = n - blanks
    if etype == "expect_column_values_to_be_between" and _all_between(arr, kw):
        return Tally(checked=checked, rows=n)
    if isinstance(arr, pa.DictionaryArray):  # decide once per distinct value
        bad_value = _bad_values(etype, kw, arr.dictionary)
        if not pc.any(bad_value).as_py():
            return Tally(checked=checked, rows=n)
        bad = pc.fill_null(pc.take(bad_value, arr.indices), False)
    else:
        bad = pc.fill_null(_bad_values(etype, kw, arr), False)
    tally = _from_mask(bad, checked, arr, file, rows, values=True)
    tally.rows = n
    return tally


def _all_between(arr: pa.Array, kw: Mapping[str, Any]) -> bool:
    """True when the column's minimum and maximum are inside the bounds (one pass, no mask)."""
    lo, hi = kw.get("min_value"), kw.get("max_value")
    mm = pc.min_max(arr).as_py()  # skips nulls; NaN is neither below nor above a bound
    if mm["min"] is None:
        return True
    above_lo = lo is None or (mm["min"] > lo if kw.get("strict_min") else mm["min"] >= lo)
    below_hi = hi is None or (mm["max"] < hi if kw.get("strict_max") else mm["max"] <= hi)
    return above_lo and below_hi


def _null_mask(arr: pa.Array) -> pa.Array:
    """Blank values as GX sees them: nulls, and NaN in numeric columns."""
    mask = pc.is_null(arr)
    if pa.types.is_floating(arr.type):
        mask = pc.or_(mask, pc.fill_null(pc.is_nan(arr), False))
    return mask


def _bad_values(etype: str, kw: Mapping[str, Any], values: pa.Array) -> pa.Array:
    """True where a (non-blank) value breaks the rule; null where the value is blank."""
    if etype == "expect_column_values_to_match_regex":
        return pc.invert(pc.match_substring_regex(values.cast(pa.string()), kw["regex"]))
    if etype == "expect_column_values_to_be_in_set":  # is_in says False for a blank: skip it
        inside = pc.is_in(values.cast(pa.string()), value_set=kw["_values"])
        return pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), pc.invert(inside))
    if etype == "expect_column_values_to_be_between":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        out = pa.array(np.zeros(len(values), dtype=bool))
        out = pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), out)
        if lo is not None:
            out = pc.or_(out, (pc.less_equal if kw.get("strict_min") else pc.less)(values, lo))
        if hi is not None:
            out = pc.or_(
                out, (pc.greater_equal if kw.get("strict_max") else pc.greater)(values, hi)
            )
        return out
    raise AssertionError(etype)  # excluded when the suite was loaded


def _from_mask(
    bad: pa.Array, checked: int, arr: pa.Array, file: str, rows: pa.ChunkedArray | None,
    *, values: bool,
) -> Tally:  # fmt: skip
    count = int(pc.sum(bad).as_py() or 0)
    tally = Tally(bad=count, checked=checked)
    if not count:
        return tally
    # error path only: the first row of each of the first few distinct bad values
    positions = np.flatnonzero(bad.to_numpy(zero_copy_only=False))
    seen: set[Any] = set()
    for pos in positions:
        value = arr[int(pos)].as_py() if values else None
        if _key(value) in seen:
            continue
        seen.add(_key(value))
        line = rows[int(pos)].as_py() if rows is not None else int(pos)
        tally.examples.append((value, f"{file}:{line}"))
        if len(tally.examples) >= MAX_EXAMPLES or not values:
            break
    return tally


def _result(suite: str, rule: dict, t: Tally) -> CheckResult:
    exp, kw = rule["exp"], rule["kwargs"]
    base = check_base(suite, exp)
    etype = exp["type"]
    if etype == "expect_table_row_count_to_be_between":
        lo, hi = kw.get("min_value"), kw.get("max_value")
        ok = (lo is None or t.rows >= lo) and (hi is None or t.rows <= hi)
        details = "" if ok else f"observed {t.rows}{bounds_text(kw)}"
        return CheckResult(**base, success=ok, details=details)
    if t.missing_column:
        if etype == "expect_column_to_exist":
            return CheckResult(**base, success=False)
        return CheckResult(
            **base, success=False,
            details=f"column '{kw['column']}' is missing, so this check could not run",
        )  # fmt: skip
    if etype == "expect_column_to_exist":
        return CheckResult(**base, success=True)
    denominator = t.rows if etype == "expect_column_values_to_not_be_null" else t.checked
    percent = 100.0 * t.bad / denominator if denominator else 0.0
    return CheckResult(
        **base,
        success=t.bad == 0,
        unexpected_count=t.bad,
        unexpected_percent=percent,
        examples=[value_text(v) for v, _ in t.examples] if t.bad else [],
        example_rows=[where for _, where in t.examples] if t.bad else [],
    )
