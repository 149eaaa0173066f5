"""Results of data checks, in a shape that needs no Great Expectations to read.

Why this module exists
----------------------
Checks come from two engines (Great Expectations in :mod:`analysis.checks.suites`, the
file-by-file Arrow evaluator in :mod:`analysis.checks.arrow`) and a few plain rules (the
months of a period are contiguous). Their results are recorded, reported and acted on the
same way: :class:`CheckResult`, :func:`raise_for_critical` (a critical failure stops the run
with a message naming column, rule, bad rows and ``file:row``) and :func:`results_frame`
(the validation table of the data quality page).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: At most this many distinct example values (and rows) per check, so messages stay short.
MAX_EXAMPLES = 5


#: Name used for the month-contiguity check, which is not a GX expectation type.
MONTHS_CONTIGUOUS_CHECK = "months_in_range_and_contiguous"

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one rule on one dataframe, in a shape that needs no GX to read.

    ``examples`` holds up to five distinct bad values (as text); ``example_rows`` holds the
    ``file:row`` of the first row for each of those values (same order) when the data
    carries ``source_file``/``source_row``, so a reviewer can open the CSV at that line.
    """

    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int = 0
    unexpected_percent: float = 0.0
    examples: list = field(default_factory=list)
    example_rows: list = field(default_factory=list)
    description: str = ""
    details: str = ""


class DataValidationError(Exception):
    """Raised when a critical check fails; ``str()`` is the full human-readable message.

    ``failures`` keeps the failing :class:`CheckResult` objects for programmatic use.
    """

    def __init__(self, message: str, failures: Sequence[CheckResult] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.failures: list[CheckResult] = list(failures)

    def __str__(self) -> str:
        return self.message


def check_months_contiguous(
    months_present: Iterable[str],
    expected_months: Sequence[str],
    suite: str,
) -> CheckResult:
    """Critical check that every month from the first to the last expected is present.

    The range is the full calendar span from ``min(expected_months)`` to
    ``max(expected_months)``, so a gap in the configured list itself is also caught. Fails
    (naming the months) if any month in that span has no data, or if data has a month
    outside it. Blank/NaN entries in ``months_present`` are ignored (the not-null rule
    reports them). Raises ``ValueError`` if ``expected_months`` is empty or malformed,
    because that is a configuration bug.
    """
    expected = sorted({str(m) for m in expected_months})
    if not expected:
        raise ValueError("check_months_contiguous: expected_months is empty")
    bad = [m for m in expected if not _MONTH_RE.match(m)]
    if bad:
        raise ValueError(f"check_months_contiguous: malformed expected month(s) {bad}")
    first, last = _month_ordinal(expected[0]), _month_ordinal(expected[-1])
    span = [_ordinal_month(o) for o in range(first, last + 1)]
    span_set = set(span)

    present = {str(m) for m in months_present if not is_missing(m)}
    gaps = [m for m in span if m not in present]
    outside = sorted(present - span_set)

    problems = []
    if gaps:
        problems.append(f"no data for {len(gaps)} month(s): {', '.join(gaps)}")
    if outside:
        problems.append(f"data for month(s) outside the range: {', '.join(outside)}")
    count = len(gaps) + len(outside)
    return CheckResult(
        suite=suite,
        expectation=MONTHS_CONTIGUOUS_CHECK,
        column="month",
        severity="critical",
        success=count == 0,
        unexpected_count=count,
        unexpected_percent=100.0 * count / len(span),
        examples=(gaps + outside)[:MAX_EXAMPLES],
        example_rows=[],
        description=(
            f"Every month from {span[0]} to {span[-1]} has data, with no gaps and nothing "
            "outside that range"
        ),
        details="; ".join(problems),
    )


def raise_for_critical(results: list[CheckResult], *, context: str = "") -> None:
    """Raise :class:`DataValidationError` if any critical check failed; else return.

    The message names, for each failed critical check, the column, the rule (GX name and
    plain description), the number of bad rows and a few bad values with ``file:row``.
    Checks that could not run only because their column is missing are summarised after
    the missing-column line rather than repeated.
    """
    failed = [r for r in results if r.severity == "critical" and not r.success]
    if not failed:
        return
    absent = {
        (r.suite, r.column)
        for r in failed
        if r.expectation == "expect_column_to_exist" and r.column is not None
    }
    lines: list[str] = []
    skipped = 0
    for r in failed:
        if r.expectation != "expect_column_to_exist" and (r.suite, r.column) in absent:
            skipped += 1
            continue
        lines.append(_failure_line(r))
    if skipped:
        lines.append(f"({skipped} other critical check(s) could not run on the missing column(s).)")
    header = f"{context}: " if context else ""
    header += f"{len(failed)} critical data check(s) failed"
    raise DataValidationError("\n".join([header, *lines]), failed)


def results_frame(results: list[CheckResult]) -> pd.DataFrame:
    """Tidy table for the HTML validation summary, one row per check, in run order.

    Columns: Suite, Check (plain description), Column, Severity, Result (Pass/Fail),
    Unexpected (bad rows; months for the contiguity check), Examples (bad values with
    ``file:row``, or the error/details when there are no example values).
    """
    rows = []
    for r in results:
        if r.success:
            examples = ""
        elif r.examples:
            examples = ", ".join(_pair_examples(r))
            if r.details:
                examples = f"{examples}; {r.details}"
        else:
            examples = r.details
        rows.append(
            {
                "Suite": r.suite,
                "Check": r.description or r.expectation,
                "Column": r.column or "",
                "Severity": r.severity,
                "Result": "Pass" if r.success else "Fail",
                "Unexpected": int(r.unexpected_count),
                "Examples": examples,
            }
        )
    columns = ["Suite", "Check", "Column", "Severity", "Result", "Unexpected", "Examples"]
    return pd.DataFrame(rows, columns=columns)


def _failure_line(r: CheckResult) -> str:
    head = f"Critical data check failed ({r.suite}): "
    if r.expectation == "expect_column_to_exist":
        line = f"{head}column '{r.column}' is missing from the extract (expect_column_to_exist)"
        return f"{line}; {r.details}" if r.details else line
    where = f"column '{r.column}'" if r.column else "table"
    line = f"{head}{where} — {r.expectation} ({r.description})"
    if r.unexpected_count:
        line += f": {r.unexpected_count:,} bad row(s)"
        if r.examples:
            line += ", e.g. " + ", ".join(_pair_examples(r, quote=True))
        files = sorted({row.rsplit(":", 1)[0] for row in r.example_rows if ":" in row})
        if files:
            line += f" (file(s): {', '.join(files)})"
        if r.details:
            line += f"; {r.details}"
    elif r.details:
        line += f": {r.details}"
    elif r.examples:
        line += ": e.g. " + ", ".join(_pair_examples(r, quote=True))
    return line


def _pair_examples(r: CheckResult, *, quote: bool = False) -> list[str]:
    out = []
    for i, value in enumerate(r.examples[:MAX_EXAMPLES]):
        text = f"'{value}'" if quote else str(value)
        if i < len(r.example_rows):
            text += f" at {r.example_rows[i]}"
        out.append(text)
    return out


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float) and math.isnan(value)
    except TypeError:
        return False


def _month_ordinal(month: str) -> int:
    m = _MONTH_RE.match(month)
    if not m:
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def _ordinal_month(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


AUTHORITY_MONTHS_CHECK = "every_authority_has_every_month"


def check_authority_months(
    lad_months: Iterable[tuple[str, str]],
    authorities: dict[str, str],
    months: Sequence[str],
    suite: str,
) -> CheckResult:
    """Critical check that each of the partnership's authorities has rows in every month.

    Completeness by file-month is not enough: a force extract for part of the year and
    area-only extracts for the rest, or a two-authority CSP with one authority's months
    missing, have a file for every month and still understate the total. ``lad_months`` are
    the (authority code, month) pairs with at least one row; ``authorities`` maps code to name.
    """
    have = {(str(a), str(m)) for a, m in lad_months}
    gaps = {code: [m for m in months if (code, m) not in have] for code in authorities}
    gaps = {code: ms for code, ms in gaps.items() if ms}
    details = "; ".join(f"{authorities[c]} ({c}) has no rows for {', '.join(ms)}"
                        for c, ms in gaps.items())  # fmt: skip
    return CheckResult(
        suite=suite,
        expectation=AUTHORITY_MONTHS_CHECK,
        column="lad_code",
        severity="critical",
        success=not gaps,
        unexpected_count=sum(len(ms) for ms in gaps.values()),
        examples=[f"{authorities[c]}: {', '.join(ms)}" for c, ms in gaps.items()][:5],
        description="Every authority of the partnership has data for every month of the period",
        details=(details + ": the partnership's figures would be understated") if gaps else "",
    )
