"""Reading the cells of a partner return: figures ("4,772", "6% (2 out of 31)") and period
headings ("11/12 performance", "Q3 2014/15", "Baseline '10/11").

Why this module is separate
---------------------------
These are pure functions of one cell's text: :func:`parse_value` and
:func:`parse_period_heading` never raise, and nothing here knows of files, rows or the
indicator register. Kept apart from the file reading
(:mod:`analysis.sources.return_layout`) and the assembly of the tidy table
(:mod:`analysis.sources.partner_returns`), they can be tested cell by cell, and other
readers of partner spreadsheets (the fire activity table) use them without the rest. The
rules they apply, and why, are in the docstring of :mod:`analysis.sources.partner_returns`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from analysis.sources import targets as tg

#: ``value_status`` of a figure: read, absent ("n/a", blank, "TBC"), or present but unreadable.
VALUE_OK, VALUE_MISSING, VALUE_UNREADABLE = "ok", "missing", "not machine-readable"
#: Units of an indicator's figures.
UNITS: tuple[str, ...] = ("count", "percent")
#: Kinds of :class:`PeriodHeading`.
PERIOD_TYPES: tuple[str, ...] = ("quarter", "financial_year", "calendar_year", "twelve_months",
                                 "baseline")  # fmt: skip

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_MISSING_TOKENS = {
    "",
    "n/a",
    "na",
    "n.a.",
    "n/k",
    "nk",
    "-",
    "--",
    "..",
    "...",
    "x",
    "*",
    "tbc",
    "tba",
    "tbd",
    "none",
    "nil return",
    "no data",
    "not available",
    "unavailable",
    "not known",
    "unknown",
    "pending",
    "to follow",
}
_MISSING_PREFIXES = (
    "awaiting",
    "not yet",
    "not available",
    "no longer",
    "no data",
    "data not",
    "data to follow",
    "tbc",
    "to follow",
    "unavailable",
    "not collected",
    "not collated",
)
_VALUE_RE = re.compile(rf"^(?P<sign>[-+])?\s*(?P<n>{_NUMBER})\s*(?P<pct>%)?\s*(?P<rest>.*)$")
_DATE_RE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4}))$"
)
_FRACTION_RE = re.compile(rf"^(?P<a>{_NUMBER})\s*(?:/|out\s+of|of)\s*(?P<b>{_NUMBER})$", re.I)
_BRACKET_FRACTION_RE = re.compile(
    rf"^\(\s*(?P<a>{_NUMBER})\s*(?:out\s+of|of|/)\s*(?P<b>{_NUMBER})\s*(?P<what>[^)]*)\)\s*\.?$",
    re.I,
)
_BRACKET_COUNT_RE = re.compile(rf"^\(\s*(?P<a>{_NUMBER})\s+(?P<what>[^)]*)\)\s*\.?$", re.I)
_HEADING_NOISE = re.compile(
    r"\b(?:performance|actuals?|out-?turns?|values?|results?|figures?|data|financial\s+year|"
    r"year|fy)\b",
    re.I,
)
_FY_FULL = re.compile(r"^(?P<a>(?:19|20)\d{2})\s*[/-]\s*(?P<b>\d{2}|\d{4})$")
_FY_SHORT = re.compile(r"^(?P<a>\d{2})\s*[/-]\s*(?P<b>\d{2})$")
_CAL_YEAR = re.compile(r"^(?P<y>(?:19|20)\d{2})$")
_QUARTER = re.compile(
    r"^(?:(?P<y1>\d{2,4}\s*[/-]\s*\d{2,4})\s*)?(?:q|quarter\s*)(?P<q>[1-4])"
    r"(?:\s*(?P<y2>\d{2,4}\s*[/-]\s*\d{2,4}))?$",
    re.I,
)
_BASELINE = re.compile(r"^baseline\b\s*(?P<rest>.*)$", re.I)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: "Jan – Dec", "Apr - Mar", "Oct to Sep 2024", "Apr 2023 – Mar 2024": twelve months named by
#: their first and last month (appendices give the year in a title line or the file name)
_MONTH_RANGE = re.compile(
    rf"^{_MONTH}\s*(?P<y1>(?:19|20)\d{{2}})?\s*(?:-|\u2013|\u2014|to)\s*{_MONTH}\s*(?P<y2>(?:19|20)\d{{2}})?$",
    re.I,
)


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedValue:
    """One cell read as a number, or why not. ``note`` explains anything non-obvious."""

    text: str
    value: float | None
    status: str
    percent_sign: bool = False
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None
    check: str | None = None


def parse_number(text: str) -> float:
    """'4,772' -> 4772.0 (thousands commas allowed); raises ValueError for anything else."""
    return float(text.replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def parse_value(text: object) -> ParsedValue:
    """Read one cell of a return. Never raises.

    The rules (what counts as missing, bracketed counts, the % check) and why are in
    :mod:`analysis.sources.partner_returns`.
    """
    raw = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    s = tg.normalise_text(raw)
    low = s.lower().rstrip(".")
    if low in _MISSING_TOKENS:
        return ParsedValue(raw, None, VALUE_MISSING, note="blank" if not low else f"'{s}'")
    if low.startswith(_MISSING_PREFIXES):
        return ParsedValue(raw, None, VALUE_MISSING, note=f"'{s}'")

    if _DATE_RE.match(s):  # "01/04/2025" is not 1, nor 2025-04-01 the year 2025
        return ParsedValue(raw, None, VALUE_UNREADABLE, note=f"'{s}' is a date, not a figure")
    frac = _FRACTION_RE.match(s)
    if frac:
        a, b = parse_number(frac.group("a")), parse_number(frac.group("b"))
        if b == 0:
            return ParsedValue(raw, None, VALUE_UNREADABLE, note="fraction with denominator 0")
        return ParsedValue(
            raw,
            100.0 * a / b,
            VALUE_OK,
            percent_sign=True,
            numerator=a,
            denominator=b,
            note=f"percentage computed from {s}",
        )

    m = _VALUE_RE.match(s)
    if not m:
        return ParsedValue(raw, None, VALUE_UNREADABLE, note=f"no number in '{s}'")
    value = parse_number(m.group("n")) * (-1 if m.group("sign") == "-" else 1)
    pct = bool(m.group("pct"))
    rest = m.group("rest").strip()
    numerator = denominator = None
    note = check = None
    if rest:
        bf = _BRACKET_FRACTION_RE.match(rest)
        bc = _BRACKET_COUNT_RE.match(rest)
        if bf:
            numerator, denominator = parse_number(bf.group("a")), parse_number(bf.group("b"))
            what = bf.group("what").strip()
            note = f"{_plain(numerator)} of {_plain(denominator)}" + (f" {what}" if what else "")
        elif bc:
            note = (
                f"'{bc.group('a')} {bc.group('what').strip()}' in brackets: not used as "
                "numerator or denominator (the return does not say which it is)"
            )
        else:
            note = f"text after the number not used: '{rest}'"
    if numerator is not None and denominator is not None:
        if denominator == 0:
            check = f"denominator is 0 in '{s}'"
        elif numerator > denominator:
            check = (
                f"numerator {_plain(numerator)} is larger than denominator {_plain(denominator)}"
            )
        elif pct:
            computed = 100.0 * numerator / denominator
            allowed = 0.5 * 10 ** (-_decimals(m.group("n"))) + 1e-9
            if abs(computed - value) > allowed:
                check = (
                    f"stated {_plain(value)}% but {_plain(numerator)} of {_plain(denominator)} "
                    f"is {computed:.1f}%"
                )
    return ParsedValue(
        raw,
        value,
        VALUE_OK,
        percent_sign=pct,
        numerator=numerator,
        denominator=denominator,
        note=note,
        check=check,
    )


def _plain(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodHeading:
    """What a period column heading means. Months are ``year*12 + month - 1`` integers."""

    kind: str  # quarter | financial_year | calendar_year | baseline
    label: str
    start: int | None = None
    end: int | None = None
    fy: int | None = None  # financial year start (FY columns and quarters)
    quarter: int | None = None
    first_month: int | None = None  # a month range of unknown year: its first month, 1-12

    @property
    def order(self) -> int:
        """Sort key: by last month; a year sorts after its own Q4; unknown years by quarter."""
        if self.end is None:
            return self.quarter or 0
        return self.end * 10 + (0 if self.kind == "quarter" else 1)

    def with_end_year(self, year: int) -> PeriodHeading:
        """A month range of unknown year placed to end in ``year``."""
        return month_range_heading(self.first_month or 1, end_year=year)

    def with_fy(self, fy: int) -> PeriodHeading:
        """A quarter of unknown year placed in financial year ``fy``."""
        q = self.quarter or 1
        start = fy * 12 + 3 + 3 * (q - 1)
        return PeriodHeading("quarter", f"{fy_label(fy)} Q{q}", start, start + 2, fy, q)


def fy_label(start_year: int) -> str:
    """2012 -> '2012/13'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def _year_part(text: str) -> tuple[str, int] | None:
    """('financial_year', start) or ('calendar_year', year) from '2012/13', '12/13', '2024'."""
    t = text.strip().strip("'\u2019()[] ").strip()
    t = t.replace("'", "")
    m = _FY_FULL.match(t)
    if m:
        a = int(m.group("a"))
        b = m.group("b")
        if int(b) % 100 == (a + 1) % 100:
            return "financial_year", a
        return None
    m = _FY_SHORT.match(t)
    if m:
        a, b = int(m.group("a")), int(m.group("b"))
        if b == (a + 1) % 100:
            return "financial_year", (2000 + a if a < 70 else 1900 + a)
        return None
    m = _CAL_YEAR.match(t)
    if m:
        return "calendar_year", int(m.group("y"))
    return None


def parse_period_heading(heading: object) -> PeriodHeading | None:
    """Read a period column heading; None when it is not one."""
    raw = tg.normalise_text(heading)
    text = raw.replace("'", "").replace("\u2019", "")
    base = _BASELINE.match(text)
    if base:
        rest = _HEADING_NOISE.sub(" ", base.group("rest")).strip(" -:()")
        if not rest:
            return PeriodHeading("baseline", "Baseline")
        inner = _year_part(" ".join(rest.split()))
        if inner is None:
            return None
        kind, y = inner
        if kind == "financial_year":
            return PeriodHeading("baseline", f"Baseline {fy_label(y)}", y * 12 + 3, y * 12 + 14, y)
        return PeriodHeading("baseline", f"Baseline {y}", y * 12, y * 12 + 11)
    cleaned = " ".join(_HEADING_NOISE.sub(" ", text).split()).strip(" -:")
    if not cleaned:
        return None
    rng = _MONTH_RANGE.match(cleaned)
    if rng:
        first = _MONTHS.index(rng.group(1).lower()[:3]) + 1
        last = _MONTHS.index(rng.group(3).lower()[:3]) + 1
        if last != (first - 2) % 12 + 1:
            return None  # not twelve months
        if rng.group("y2"):
            return month_range_heading(first, end_year=int(rng.group("y2")))
        if rng.group("y1"):
            return month_range_heading(first, end_year=int(rng.group("y1")) + (first != 1))
        return PeriodHeading("range", f"{rng.group(1).title()}-{rng.group(3).title()}",
                             first_month=first)  # fmt: skip
    q = _QUARTER.match(cleaned)
    if q:
        quarter = int(q.group("q"))
        ytext = q.group("y1") or q.group("y2")
        heading_q = PeriodHeading("quarter", f"Q{quarter}", quarter=quarter)
        if ytext:
            yp = _year_part(ytext)
            if yp is None or yp[0] != "financial_year":
                return None
            return heading_q.with_fy(yp[1])
        return heading_q
    yp = _year_part(cleaned)
    if yp is None:
        return None
    kind, y = yp
    if kind == "financial_year":
        return PeriodHeading(kind, fy_label(y), y * 12 + 3, y * 12 + 14, y)
    return PeriodHeading(kind, str(y), y * 12, y * 12 + 11)


def month_range_heading(first: int, *, end_year: int) -> PeriodHeading:
    """Twelve months from month ``first`` (1-12) ending in ``end_year``: Jan-Dec is that calendar
    year, Apr-Mar the financial year ending then, any other the twelve months ending then."""
    end = end_year * 12 + (first - 2) % 12
    start = end - 11
    if first == 1:
        return PeriodHeading("calendar_year", str(end_year), start, end)
    if first == 4:
        return PeriodHeading("financial_year", fy_label(end_year - 1), start, end, end_year - 1)
    label = (
        f"{_MONTHS[start % 12].title()} {start // 12} to {_MONTHS[end % 12].title()} {end // 12}"
    )
    return PeriodHeading("twelve_months", label, start, end)


def month_text(index: int | None) -> str | None:
    """Month index -> 'YYYY-MM' (None stays None)."""
    if index is None:
        return None
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
