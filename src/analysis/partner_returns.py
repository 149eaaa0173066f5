"""Partner performance returns (CSV or XLSX) to one tidy table, one row per indicator and period.

Why this module exists
----------------------
Every partner sends its indicators in its own spreadsheet: an indicator column ("Indicator"
or "Measure"), a free-text target, one column per period ("11/12 performance", "2012/13",
"Q3"), sometimes a baseline ("Baseline '10/11"), a published RAG, comments and the priority.
Cells mix formats: "4,772", "25.60%", "6% (2 out of 31 young people)", "84% (57 clients)",
blank, "n/a", "TBC". This module reads all of that into one table the rest of the pipeline
can trust, and stops with a message naming the file, row and column when a return cannot be
trusted (a percentage above 100, the same indicator twice, a column it does not recognise).

Rules, and why
--------------
* **Nothing is guessed silently.** A value that cannot be read is kept, with
  ``value_status`` "missing" (blank, n/a, -, TBC, "awaiting ...") or "not machine-readable",
  and the original text in ``value_text``; targets are read by :mod:`analysis.targets`.
  Every inference the reader does make is written into a ``*_note`` column.
* **Units are per indicator**, because a return mixes them row by row. An indicator is a
  percentage if any of its figures has a % sign or its name says "percentage"/"proportion";
  otherwise a count. The register (below) overrides this.
* **"84% (57 clients)"**: the bracketed 57 is a count of clients, but the return does not
  say whether they are the numerator (clients whose risk fell) or the denominator (clients
  assessed): 57/0.84 = 68 and 0.84 x 57 = 48 are both plausible. So numerator and
  denominator stay blank and "57 clients" goes into ``value_note``. "6% (2 out of 31 young
  people)" and "35% (15 of 43 young people)" do give both, and the stated percentage is
  checked against them (``value_check``), because published tables sometimes disagree with
  their own counts.
* **Periods**: "11/12", "2011/12", "2011-12" are financial years; "2024" a calendar year;
  "Q1".."Q4" quarters of the financial year named in the heading, or of the return's single
  financial-year column, or of the year in the file name ("..._2014-15_..."), else of an
  unknown year (then they are only compared within their own file). ``period`` is the
  canonical label ("2014/15 Q3"), ``source_column`` the heading as written.
* **A two-row header** (e.g. "Performance" merged over quarter columns, with "Q1".."Q4" in
  the row below) is combined column by column; merged cells elsewhere in an XLSX (e.g. a
  priority merged down its rows) are filled from their top-left cell, as a reader sees them.
* **The indicator register** (``config/indicators.csv``, see :func:`load_register`) lets the
  analyst fix what a return leaves ambiguous: unit, polarity, a target, the value a relative
  target is measured against, whether a count target is per quarter, and a stable
  ``indicator_id`` so the same indicator is matched across years when its wording changes.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import targets as tg
from analysis.errors import InputDataError

#: Default register location: ``<repo>/config/indicators.csv``.
DEFAULT_REGISTER: Path = Path(__file__).resolve().parents[2] / "config" / "indicators.csv"

#: Columns of the tidy table, in order (see the module docstring for what each means).
TIDY_COLUMNS: tuple[str, ...] = (
    "priority",
    "indicator",
    "indicator_key",
    "period",
    "period_type",
    "period_order",
    "period_start",
    "period_end",
    "value",
    "value_text",
    "value_status",
    "unit",
    "numerator",
    "denominator",
    "value_note",
    "value_check",
    "target_text",
    "target_source",
    "target_kind",
    "target_value",
    "target_unit",
    "target_direction",
    "target_strict",
    "target_reference",
    "target_reference_value",
    "target_period",
    "target_note",
    "polarity",
    "polarity_source",
    "published_rag",
    "comment",
    "superseded",
    "source_file",
    "source_row",
    "source_column",
)

VALUE_OK, VALUE_MISSING, VALUE_UNREADABLE = "ok", "missing", "not machine-readable"
UNITS: tuple[str, ...] = ("count", "percent")
PERIOD_TYPES: tuple[str, ...] = ("quarter", "financial_year", "calendar_year", "baseline")

_HEADER_SCAN_ROWS = 15
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
_FRACTION_RE = re.compile(rf"^(?P<a>{_NUMBER})\s*(?:/|out\s+of|of)\s*(?P<b>{_NUMBER})$", re.I)
_BRACKET_FRACTION_RE = re.compile(
    rf"^\(\s*(?P<a>{_NUMBER})\s*(?:out\s+of|of|/)\s*(?P<b>{_NUMBER})\s*(?P<what>[^)]*)\)\s*\.?$",
    re.I,
)
_BRACKET_COUNT_RE = re.compile(rf"^\(\s*(?P<a>{_NUMBER})\s+(?P<what>[^)]*)\)\s*\.?$", re.I)
_PERCENT_WORDING = re.compile(r"\b(?:percentage|proportion|per\s?cent)\b|%", re.I)

_COLUMN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "indicator",
        re.compile(
            r"^(?:indicators?|measures?|performance\s+(?:indicators?|measures?)|kpis?|"
            r"key\s+performance\s+indicators?)$",
            re.I,
        ),
    ),
    ("target", re.compile(r"^targets?\b.*$", re.I)),
    ("rag", re.compile(r"^(?:rag|rag\s+status|rag\s+rating|status)$", re.I)),
    (
        "comment",
        re.compile(r"^(?:comments?|commentary|notes?|narrative|remarks?|.*\bupdates?)$", re.I),
    ),
    ("priority", re.compile(r"^(?:priority|priorities|theme|strand|objective)$", re.I)),
    (
        "ignore",
        re.compile(
            r"^(?:lead|leads|owner|lead\s+officer|lead\s+agency|responsible(?:\s+officer)?|"
            r"data\s+source|source|frequency|ref\.?|reference|no\.?|#|id|code)$",
            re.I,
        ),
    ),
]
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
_FILE_FY = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_](\d{2})(?!\d)")
_PRIORITY_ROW = re.compile(r"^priority\b\s*\d*\s*[-:.]?\s*(?P<name>.*)$", re.I)


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def input_error(
    file: str | Path, message: str, *, row: int | None = None, column: str | None = None
) -> InputDataError:
    """An :class:`InputDataError` whose message starts 'FILE, row N, column 'X': ...'.

    The parts are also kept as attributes (``file``, ``row``, ``column``) for callers that
    want them separately (the CLI, tests).
    """
    where = str(file)
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column '{column}'"
    err = InputDataError(f"{where}: {message}")
    err.file, err.row, err.column = str(file), row, column  # type: ignore[attr-defined]
    return err


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


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def parse_value(text: object) -> ParsedValue:
    """Read one cell of a return. Never raises; see the module docstring for the rules."""
    raw = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    s = tg.normalise_text(raw)
    low = s.lower().rstrip(".")
    if low in _MISSING_TOKENS:
        return ParsedValue(raw, None, VALUE_MISSING, note="blank" if not low else f"'{s}'")
    if low.startswith(_MISSING_PREFIXES):
        return ParsedValue(raw, None, VALUE_MISSING, note=f"'{s}'")

    frac = _FRACTION_RE.match(s)
    if frac:
        a, b = _num(frac.group("a")), _num(frac.group("b"))
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
    value = _num(m.group("n")) * (-1 if m.group("sign") == "-" else 1)
    pct = bool(m.group("pct"))
    rest = m.group("rest").strip()
    numerator = denominator = None
    note = check = None
    if rest:
        bf = _BRACKET_FRACTION_RE.match(rest)
        bc = _BRACKET_COUNT_RE.match(rest)
        if bf:
            numerator, denominator = _num(bf.group("a")), _num(bf.group("b"))
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

    @property
    def order(self) -> int:
        """Sort key: by last month; a year sorts after its own Q4; unknown years by quarter."""
        if self.end is None:
            return self.quarter or 0
        return self.end * 10 + (0 if self.kind == "quarter" else 1)

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


def month_text(index: int | None) -> str | None:
    """Month index -> 'YYYY-MM' (None stays None)."""
    if index is None:
        return None
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --------------------------------------------------------------------------------------
# The indicator register
# --------------------------------------------------------------------------------------

REGISTER_COLUMNS: tuple[str, ...] = (
    "area",
    "indicator",
    "indicator_id",
    "unit",
    "polarity",
    "target",
    "target_period",
    "reference_value",
    "note",
)


@dataclass(frozen=True)
class RegisterEntry:
    """One analyst decision about an indicator (blank fields change nothing)."""

    pattern: str
    area: str | None = None
    indicator_id: str | None = None
    unit: str | None = None
    polarity: str | None = None
    target: str | None = None
    target_period: str | None = None
    reference_value: float | None = None
    note: str | None = None
    source: str = ""  # "file:row" of the entry, for messages

    def matches(self, indicator: str) -> bool:
        """Case-insensitive match on whitespace-normalised text; ``*`` and ``?`` are wildcards."""
        return fnmatch.fnmatchcase(_key_text(indicator), _key_text(self.pattern))


def _key_text(text: object) -> str:
    return " ".join(tg.normalise_text(text).lower().split()).rstrip(" .;:")


def _choice(rec: dict, column: str, allowed: tuple, expected: str, at: tuple) -> str | None:
    """A register cell of a fixed set of values: blank is None, anything else an error."""
    value = rec.get(column) or None
    if value is not None and value not in allowed:
        path, line = at
        raise input_error(
            path, f"{column} must be {expected}, got '{value}'", row=line, column=column
        )
    return value


def load_register(
    path: str | Path | None = DEFAULT_REGISTER, *, area: str | None = None
) -> list[RegisterEntry]:
    """Read the indicator register; entries for other areas are left out.

    The file is a CSV with the columns :data:`REGISTER_COLUMNS` (``area`` and ``note`` may
    be blank; lines starting with ``#`` are comments). ``indicator`` is the indicator's
    wording, matched case-insensitively, with ``*`` as a wildcard so one entry can cover a
    wording that changes between years ("Number of fly tipping incidents*"). An entry with
    an ``area`` applies only when that area is being read; a blank area applies everywhere.
    ``None`` or a missing file gives an empty register (the returns are then read as is).
    """
    if path is None:
        return []
    path = Path(path)
    if not path.exists():
        return []
    text = _decode(path)
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text))
    line = 1
    for cells in reader:
        if cells and not cells[0].lstrip().startswith("#") and any(c.strip() for c in cells):
            records.append((line, [c.strip() for c in cells]))
        line = reader.line_num + 1
    if not records:
        return []
    header_line, header = records[0]
    unknown = [h for h in header if h not in REGISTER_COLUMNS]
    if "indicator" not in header or unknown:
        raise input_error(
            path,
            f"register columns must be {', '.join(REGISTER_COLUMNS)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "; 'indicator' is missing"),
            row=header_line,
        )
    entries: list[RegisterEntry] = []
    for line, cells in records[1:]:
        if len(cells) > len(header):
            raise input_error(path, f"{len(cells)} cells but {len(header)} headings", row=line)
        rec = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        if not rec.get("indicator"):
            if any(rec.values()):
                raise input_error(path, "entry has no indicator", row=line, column="indicator")
            continue
        entry_area = rec.get("area") or None
        if entry_area and area is not None and entry_area.lower() != area.lower():
            continue
        if entry_area and area is None:
            continue
        at = (path, line)
        unit = _choice(rec, "unit", UNITS, f"one of {UNITS}", at)
        polarity = _choice(rec, "polarity", tg.POLARITIES, f"one of {tg.POLARITIES}", at)
        target_period = _choice(
            rec, "target_period", ("year", "quarter"), "'year' or 'quarter'", at
        )
        ref = rec.get("reference_value") or None
        try:
            ref_value = _num(ref.rstrip("%")) if ref else None
        except ValueError:
            raise input_error(
                path,
                f"reference_value must be a number, got '{ref}'",
                row=line,
                column="reference_value",
            ) from None
        target = rec.get("target") or None
        parsed = tg.parse_target(target) if target is not None else None
        if parsed is not None and not parsed.machine_readable and parsed.kind != tg.NONE:
            raise input_error(
                path,
                f"target '{target}' is not machine-readable ({parsed.note}); "
                "write it like '5% reduction', 'at least 70%' or '150'",
                row=line,
                column="target",
            )
        entries.append(
            RegisterEntry(
                pattern=rec["indicator"],
                area=entry_area,
                indicator_id=rec.get("indicator_id") or None,
                unit=unit,
                polarity=polarity,
                target=target,
                target_period=target_period,
                reference_value=ref_value,
                note=rec.get("note") or None,
                source=f"{path.name}:{line}",
            )
        )
    return entries


def match_register(entries: Sequence[RegisterEntry], indicator: str) -> RegisterEntry | None:
    """The one register entry for an indicator, or None; two matches is an error."""
    found = [e for e in entries if e.matches(indicator)]
    if len(found) > 1:
        raise InputDataError(
            f"indicator register: '{indicator}' matches {len(found)} entries "
            f"({', '.join(e.source for e in found)}); make the patterns distinct"
        )
    return found[0] if found else None


# --------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # Excel's "CSV" on Windows


@dataclass
class _Grid:
    """A return as text cells, with the file's own row numbers and known merged spans."""

    path: Path
    rows: list[tuple[int, list[str]]]
    merged_spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)


def _read_csv_grid(path: Path) -> _Grid:
    text = _decode(path)
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for rec in reader:
            rows.append((start, [c.strip() for c in rec]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise input_error(path, f"not a readable CSV file: {exc}", row=start) from None
    return _Grid(path, rows)


def _xlsx_text(cell) -> str:
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        if "%" in (cell.number_format or ""):
            return f"{v * 100:.10g}%"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return f"{v:.10g}" if isinstance(v, float) else str(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v).strip()


def _read_xlsx_grid(path: Path, sheet: str | None = None) -> _Grid:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # zip/XML errors from a damaged or mis-named file
        raise input_error(path, f"not a readable XLSX workbook: {exc}") from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise input_error(path, f"no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    grid = {(c.row, c.column): _xlsx_text(c) for row in ws.iter_rows() for c in row}
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for rng in ws.merged_cells.ranges:
        value = grid.get((rng.min_row, rng.min_col), "")
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[(r, c)] = value
        if rng.max_col > rng.min_col:
            spans.setdefault(rng.min_row, []).append((rng.min_col - 1, rng.max_col - 1, value))
    max_row, max_col = ws.max_row, ws.max_column
    rows = [
        (r, [grid.get((r, c), "") for c in range(1, max_col + 1)]) for r in range(1, max_row + 1)
    ]
    return _Grid(path, rows, spans)


def _classify(name: str) -> tuple[str, PeriodHeading | None]:
    n = tg.normalise_text(name)
    if not n:
        return "blank", None
    for kind, pattern in _COLUMN_PATTERNS:
        if pattern.match(n):
            return kind, None
    period = parse_period_heading(n)
    if period is not None:
        return ("baseline" if period.kind == "baseline" else "period"), period
    return "unknown", None


def _col_letter(i: int) -> str:
    s, i = "", i + 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class _Layout:
    header_row: int  # file row number of the (last) header row
    data_from: int  # index into grid.rows of the first data row
    names: list[str]
    kinds: list[str]
    periods: dict[int, PeriodHeading]


def _layout(grid: _Grid) -> _Layout:
    rows = grid.rows
    header_idx = None
    for i, (_, cells) in enumerate(rows[:_HEADER_SCAN_ROWS]):
        if any(_classify(c)[0] == "indicator" for c in cells):
            header_idx = i
            break
    if header_idx is None:
        raise input_error(
            grid.path,
            f"no header row with an 'Indicator' or 'Measure' column in the first {_HEADER_SCAN_ROWS} rows",
        )
    top_row, top = rows[header_idx]
    names = list(top)
    data_from = header_idx + 1
    if header_idx + 1 < len(rows):
        below_row, below = rows[header_idx + 1]
        ind_col = next(i for i, c in enumerate(top) if _classify(c)[0] == "indicator")
        below_periods = [
            i for i, c in enumerate(below) if _classify(c)[0] in ("period", "baseline")
        ]
        if below_periods and (
            ind_col >= len(below) or not below[ind_col] or below[ind_col] == top[ind_col]
        ):
            # two-row header: the lower row names the columns under a spanning upper cell
            width = max(len(top), len(below))
            top = top + [""] * (width - len(top))
            below = below + [""] * (width - len(below))
            names = [b if b and b != t else t for t, b in zip(top, below, strict=True)]
            data_from = header_idx + 2
            top_row = below_row
        else:
            for first, last, label in grid.merged_spans.get(top_row, []):
                if _classify(label)[0] not in ("period", "baseline"):
                    raise input_error(
                        grid.path,
                        f"merged header cell '{label}' spans columns {_col_letter(first)}-"
                        f"{_col_letter(last)} but the row below does not name the periods "
                        "(e.g. Q1, Q2, 2023/24); unmerge it or add a row of period headings",
                        row=top_row,
                    )
    kinds: list[str] = []
    periods: dict[int, PeriodHeading] = {}
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        kind, period = _classify(name)
        if kind == "unknown":
            raise input_error(
                grid.path,
                "column not recognised: expected Indicator/Measure, Target, period columns "
                "(e.g. '2012/13', '11/12 performance', 'Q3', 'Baseline 2010/11'), RAG, Comment "
                "or Priority",
                row=top_row,
                column=name,
            )
        if kind == "blank":
            has_data = any(i < len(cells) and cells[i] for _, cells in rows[data_from:])
            if has_data:
                raise input_error(
                    grid.path,
                    f"column {_col_letter(i)} has figures but no heading",
                    row=top_row,
                    column=_col_letter(i),
                )
        if kind in ("indicator", "target", "rag", "comment", "priority", "baseline"):
            if kind in seen:
                raise input_error(
                    grid.path,
                    f"two {kind} columns ('{names[seen[kind]]}' and '{name}')",
                    row=top_row,
                    column=name,
                )
            seen[kind] = i
        if period is not None:
            label = period.label
            if label in seen:
                raise input_error(
                    grid.path,
                    f"two columns for the same period {label} ('{names[seen[label]]}' and '{name}')",
                    row=top_row,
                    column=name,
                )
            seen[label] = i
            periods[i] = period
        kinds.append(kind)
    if not any(k == "period" for k in kinds):
        raise input_error(
            grid.path,
            "no period columns (e.g. '2012/13', '11/12 performance', 'Q3')",
            row=top_row,
        )
    # quarters without a year: use the return's single financial year, else the file name's
    fys = {p.fy for p in periods.values() if p.kind == "financial_year"}
    file_fy = None
    m = _FILE_FY.search(grid.path.name)
    if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
        file_fy = int(m.group(1))
    fy = next(iter(fys)) if len(fys) == 1 else file_fy
    for i, p in list(periods.items()):
        if p.kind == "quarter" and p.end is None and fy is not None:
            periods[i] = p.with_fy(fy)
    return _Layout(top_row, data_from, names, kinds, periods)


def read_grid(path: str | Path, *, sheet: str | None = None) -> _Grid:
    """The raw cells of a CSV or XLSX return (used by :func:`read_return`)."""
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx_grid(path, sheet)
    if suffix in (".csv", ".txt"):
        return _read_csv_grid(path)
    raise input_error(path, f"unsupported file type '{suffix}': use .csv or .xlsx")


def _normalise_rag(text: str) -> str | None:
    t = tg.normalise_text(text).upper()
    if not t:
        return None
    return {"G": "GREEN", "A": "AMBER", "R": "RED", "NA": "N/A", "N.A.": "N/A"}.get(t, t)


def read_return(
    path: str | Path,
    *,
    register: Sequence[RegisterEntry] = (),
    sheet: str | None = None,
) -> pd.DataFrame:
    """One return to tidy rows (columns :data:`TIDY_COLUMNS`, ``superseded`` all False)."""
    grid = read_grid(path, sheet=sheet)
    layout = _layout(grid)
    col = {
        k: layout.kinds.index(k)
        for k in ("indicator", "target", "rag", "comment", "priority")
        if k in layout.kinds
    }
    value_cols = [i for i, k in enumerate(layout.kinds) if k in ("period", "baseline")]
    latest_col = max(
        (i for i in value_cols if layout.periods[i].kind != "baseline"),
        key=lambda i: layout.periods[i].order,
    )

    def cell(cells: list[str], i: int | None) -> str:
        return cells[i] if i is not None and i < len(cells) else ""

    records: list[dict] = []
    seen_keys: dict[str, int] = {}
    current_priority: str | None = None
    for row_no, cells in grid.rows[layout.data_from :]:
        if not any(cells):
            continue
        indicator = tg.normalise_text(cell(cells, col.get("indicator")))
        others = [
            c
            for i, c in enumerate(cells)
            if c and i != col.get("indicator") and i != col.get("priority")
        ]
        prio_cell = tg.normalise_text(cell(cells, col.get("priority")))
        filled = [tg.normalise_text(c) for c in cells if c]
        if len(filled) > 1 and len(set(filled)) == 1:
            # one text across the whole row: a section title merged across the columns
            section = _PRIORITY_ROW.match(filled[0])
            current_priority = (section.group("name").strip() if section else "") or filled[0]
            continue
        if not indicator:
            if prio_cell and not others:
                current_priority = prio_cell
                continue
            raise input_error(
                grid.path,
                "row has figures but no indicator name",
                row=row_no,
                column=layout.names[col["indicator"]],
            )
        if not others and not prio_cell:
            section = _PRIORITY_ROW.match(indicator)
            if section:
                current_priority = section.group("name").strip() or indicator
                continue
        if prio_cell:
            current_priority = prio_cell
        entry = match_register(register, indicator)
        key = entry.indicator_id if entry and entry.indicator_id else _key_text(indicator)
        if key in seen_keys:
            raise input_error(
                grid.path,
                f"indicator '{indicator}' appears twice in this return (rows {seen_keys[key]} "
                f"and {row_no}); each indicator must have one row",
                row=row_no,
                column=layout.names[col["indicator"]],
            )
        seen_keys[key] = row_no
        parsed = {i: parse_value(cell(cells, i)) for i in value_cols}
        target_text = cell(cells, col.get("target"))
        unit, unit_note = _resolve_unit(indicator, parsed.values(), entry, target_text)
        for i, pv in parsed.items():
            if unit == "percent" and pv.value is not None and pv.value > 100:
                raise input_error(
                    grid.path,
                    f"percentage {pv.text.strip()} is above 100 for '{indicator}'",
                    row=row_no,
                    column=layout.names[i],
                )
        resolved = resolve_target(indicator, target_text, unit, entry)
        published = _normalise_rag(cell(cells, col.get("rag")))
        comment = cell(cells, col.get("comment")) or None
        for i, pv in parsed.items():
            period = layout.periods[i]
            notes = [
                n
                for n in (
                    pv.note,
                    unit_note
                    if pv.value is not None and not pv.percent_sign and unit == "percent"
                    else None,
                )
                if n
            ]
            records.append(
                {
                    "priority": current_priority,
                    "indicator": indicator,
                    "indicator_key": key,
                    "period": period.label,
                    "period_type": period.kind,
                    "period_order": period.order,
                    "period_start": month_text(period.start),
                    "period_end": month_text(period.end),
                    "value": pv.value,
                    "value_text": pv.text,
                    "value_status": pv.status,
                    "unit": unit,
                    "numerator": pv.numerator,
                    "denominator": pv.denominator,
                    "value_note": "; ".join(notes) or None,
                    "value_check": pv.check,
                    **resolved,
                    "published_rag": published if i == latest_col else None,
                    "comment": comment,
                    "superseded": False,
                    "source_file": grid.path.name,
                    "source_row": row_no,
                    "source_column": layout.names[i],
                }
            )
    return _frame(records)


def _frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=list(TIDY_COLUMNS))
    for c in ("value", "numerator", "denominator", "target_value", "target_reference_value"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    df["period_order"] = df["period_order"].astype("int64")
    df["source_row"] = df["source_row"].astype("int64")
    df["superseded"] = df["superseded"].astype(bool)
    df["target_strict"] = df["target_strict"].astype(bool)
    return df


def _resolve_unit(
    indicator: str,
    values: Iterable[ParsedValue],
    entry: RegisterEntry | None,
    target_text: str = "",
) -> tuple[str, str | None]:
    """(unit, note for bare numbers read as percentages); see the module docstring.

    With no figure at all in the row, the unit of a level target ("85%") is used, so an
    indicator whose figures are all missing still keeps its (percentage) target.
    """
    values = list(values)
    if entry is not None and entry.unit:
        return entry.unit, f"unit '{entry.unit}' from the indicator register ({entry.source})"
    if not any(v.value is not None for v in values):
        target = tg.parse_target(
            entry.target if entry is not None and entry.target else target_text
        )
        if target.kind == tg.LEVEL and target.unit == "percent":
            return "percent", None
    if any(v.percent_sign for v in values):
        return "percent", "no % sign; read as a percentage like the indicator's other figures"
    if _PERCENT_WORDING.search(indicator):
        return "percent", "no % sign; read as a percentage because the indicator's name says so"
    return "count", None


def resolve_target(
    indicator: str, target_text: str, unit: str, entry: RegisterEntry | None = None
) -> dict:
    """Target fields of the tidy table for one indicator (see :mod:`analysis.targets`).

    Order of authority: the register's target, else the return's; the register's polarity,
    else the target's stated direction, else the indicator's leading verb. A bare level
    ("70%", "150") means "at most" when lower is better, else "at least".
    """
    notes: list[str] = []
    source = "return"
    target = tg.parse_target(target_text)
    if entry is not None and entry.target:
        target = tg.parse_target(entry.target)
        source = "register"
        notes.append(f"target '{entry.target}' from the indicator register ({entry.source})")
    if target.note:
        notes.append(target.note)
    wording = tg.polarity_from_wording(indicator)

    if target.kind == tg.LEVEL and target.unit == "percent" and unit == "count":
        if wording is not None:
            direction = tg.DECREASE if wording == tg.LOWER_IS_BETTER else tg.INCREASE
            value = -(target.value or 0) if direction == tg.DECREASE else (target.value or 0)
            notes.append(
                f"'{target.text.strip()}' on an indicator counted in numbers, read as a "
                f"{abs(value):g}% {'reduction' if value < 0 else 'increase'} because the "
                f"indicator's name says '{indicator.split()[0]}'"
            )
            target = tg.Target(
                text=target.text,
                kind=tg.RELATIVE,
                value=value,
                unit="percent",
                direction=direction,
                reference="the previous period",
            )
        else:
            notes.append(
                "a percentage target for an indicator counted in numbers: a level or a "
                "change? Set it in the indicator register"
            )
            target = tg.Target(text=target.text, kind=tg.NOT_MACHINE_READABLE, note=notes[-1])
    elif target.kind == tg.LEVEL and target.unit == "count" and unit == "percent":
        if target.value is not None and target.value <= 100:
            notes.append(
                f"target {target.value:g} read as {target.value:g}% (the figures are percentages)"
            )
            target = tg.Target(**{**target.to_dict(), "unit": "percent"})
        else:
            notes.append("target is a count but the figures are percentages")
            target = tg.Target(text=target.text, kind=tg.NOT_MACHINE_READABLE, note=notes[-1])

    stated = tg.polarity_from_target(target)
    if entry is not None and entry.polarity:
        polarity, polarity_source = entry.polarity, "register"
        if stated and stated != polarity:
            notes.append(f"register polarity {polarity} overrides the target's direction")
    elif stated:
        polarity, polarity_source = stated, "target"
        if wording and wording != stated:
            notes.append(
                "the indicator's wording and its target point different ways; the target is used"
            )
    elif wording:
        polarity, polarity_source = wording, "wording"
    else:
        polarity, polarity_source = None, None

    direction = target.direction
    if target.kind == tg.LEVEL and direction is None:
        if polarity == tg.LOWER_IS_BETTER:
            direction = tg.AT_MOST
        else:
            direction = tg.AT_LEAST
            if polarity is None:
                polarity, polarity_source = tg.HIGHER_IS_BETTER, "target"
                notes.append("a bare level is read as 'at least' (the usual meaning in returns)")

    reference_value = target.reference_value
    if entry is not None and entry.reference_value is not None:
        reference_value = entry.reference_value
        notes.append(
            f"reference value {entry.reference_value:g} from the indicator register ({entry.source})"
        )
    if entry is not None and entry.note:
        notes.append(f"register: {entry.note}")

    return {
        "target_text": target_text,
        "target_source": source,
        "target_kind": target.kind,
        "target_value": target.value,
        "target_unit": target.unit if target.machine_readable else None,
        "target_direction": direction,
        "target_strict": bool(target.strict),
        "target_reference": target.reference if target.kind == tg.RELATIVE else None,
        "target_reference_value": reference_value if target.kind == tg.RELATIVE else None,
        "target_period": (entry.target_period if entry and entry.target_period else None),
        "target_note": "; ".join(dict.fromkeys(notes)) or None,
        "polarity": polarity,
        "polarity_source": polarity_source,
    }


def read_returns(
    paths: Iterable[str | Path],
    *,
    register: Sequence[RegisterEntry] = (),
) -> pd.DataFrame:
    """Several returns to one tidy table, in the order given.

    When two files give the same indicator (same ``indicator_key``) for the same period (a
    later return repeating last year's column, perhaps revised), the later file's row is
    used and the earlier one is kept with ``superseded`` True, so the revision is visible.
    """
    frames = [read_return(p, register=register) for p in paths]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return _frame([])
    df = pd.concat(frames, ignore_index=True)
    dup = df.duplicated(["indicator_key", "period"], keep="last")
    df.loc[dup, "superseded"] = True
    return df


def validate_performance(df: pd.DataFrame) -> list:
    """Run the ``partner_performance`` GX suite over a tidy table (see ``expectations/``)."""
    from analysis.validation import validate

    return validate(df, "partner_performance", {})
