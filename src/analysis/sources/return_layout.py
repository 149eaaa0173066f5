"""Reading a partner return's file into a grid of text cells and finding its layout: which
row is the header, what each column is (indicator, target, a period, RAG, comment ...).

Why this module is separate
---------------------------
Partners' spreadsheets differ in everything but content: CSV or XLSX, UTF-8 or Excel's
cp1252, a title above the header, a two-row header under a merged "Performance" cell,
columns in any order. This module turns all of that into one shape (:class:`Grid` and its
:class:`Layout`) and refuses, naming the row and column, what it cannot place. Reading the
rows into the tidy table (:mod:`analysis.sources.partner_returns`) then deals with one shape
only; other readers of partner spreadsheets (the fire activity table) reuse
:func:`read_grid`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import input_error
from analysis.sources import targets as tg
from analysis.sources.raw_files import read_bytes
from analysis.sources.return_values import PeriodHeading, parse_period_heading

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell

#: The header row is looked for among this many rows at the top (titles may come first).
_HEADER_SCAN_ROWS = 15
#: Headings of the non-period columns, tried in order; "ignore" columns are read past.
_COLUMN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "indicator",
        re.compile(
            r"^(?:(?:proxy\s+)?(?:indicators?|measures?)(?:\s*/\s*(?:indicators?|measures?))?|"
            r"performance\s+(?:indicators?|measures?)|kpis?|key\s+performance\s+indicators?)$",
            re.I,
        ),
    ),
    # a stated difference: checked against the values (see partner_returns.stated_difference)
    (
        "difference_baseline",
        re.compile(r"^(?:diff\.?|difference)\s+(?:to|from|on|vs\.?)\s+baseline$", re.I),
    ),
    (
        "difference",
        re.compile(
            r"^(?:diff\.?|difference|change)(?:\s+(?:to|from|on|vs\.?)\s+(?:previous|last)\s+(?:year|period))?$",
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
#: A financial year in a file name ("..._2014-15_..."), for quarters headed without one.
_FILE_FY = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_](\d{2})(?!\d)")


def read_text(path: Path) -> str:
    """A CSV file's text: UTF-8 (with or without a BOM), else cp1252, as Excel on Windows saves."""
    data = read_bytes(path)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" and some exports
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # Excel's "CSV" on Windows


@dataclass
class Grid:
    """A return as text cells, with the file's own row numbers and known merged spans.

    ``rows`` pairs each row's number in the file (for messages) with its cells, stripped.
    ``merged_spans`` maps a row number to the XLSX cells merged across columns in it, as
    (first column index, last column index, text): a merged header cell needs a row of
    period headings below it, which only the layout can check.
    """

    path: Path
    rows: list[tuple[int, list[str]]]
    merged_spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)


def _read_csv_grid(path: Path) -> Grid:
    """Every record of a CSV file, numbered by the line it starts on (a cell may span lines)."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in (";", "\t") if first.count(d) > first.count(",")), ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)  # European Excel writes ';'
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for rec in reader:
            rows.append((start, [c.strip() for c in rec]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise input_error(path, f"not a readable CSV file: {exc}", row=start) from None
    return Grid(path, rows)


def _xlsx_text(cell: Cell | MergedCell) -> str:
    """A cell as the partner sees it: 0.75 formatted as a percentage is '75%', 12.0 is '12'."""
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


def _read_xlsx_grid(path: Path, sheet: str | None = None) -> Grid:
    """The first (or named) sheet's cells, merged cells filled from their top-left cell."""
    data = read_bytes(path)
    if data[:4] == b"\xd0\xcf\x11\xe0":  # an OLE file: an encrypted workbook, or an old .xls
        raise input_error(path, "is password-protected or in the old .xls format: save an "
                          "unprotected copy as .xlsx")  # fmt: skip
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # zip/XML errors from a damaged or mis-named file
        raise input_error(path, f"not a readable XLSX workbook: {exc}") from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise input_error(path, f"no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    fs = formulas[ws.title]
    # a formula whose result was never saved (a file written by a program that does not
    # calculate) reads as blank, and a lower quarter would be used instead: refuse it
    for row in fs.iter_rows():
        for c in row:
            if c.data_type == "f" and ws.cell(c.row, c.column).value is None:
                raise input_error(path, f"cell {c.coordinate} holds a formula ({c.value}) with no "
                                  "saved result: open the file in Excel and save it",
                                  row=c.row, column=c.column_letter)  # fmt: skip
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
    return Grid(path, rows, spans)


def _classify(name: str) -> tuple[str, PeriodHeading | None]:
    """What a column heading names, with its period when it names one.

    The kind is one of those in :data:`_COLUMN_PATTERNS`, or "period", "baseline", "blank"
    or "unknown".
    """
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
    """0 -> 'A', 26 -> 'AA': columns named as the partner's spreadsheet names them."""
    s, i = "", i + 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Layout:
    """Where a return's header is and what each of its columns holds.

    ``names`` are the headings as written (two-row headers combined), ``kinds`` the kind of
    each column (see :func:`_classify`), ``periods`` the period of each period or baseline
    column by column index, with quarters placed in their financial year where known.
    """

    header_row: int  # file row number of the (last) header row
    data_from: int  # index into grid.rows of the first data row
    names: list[str]
    kinds: list[str]
    periods: dict[int, PeriodHeading]


def detect_layout(grid: Grid) -> Layout:
    """Find the header (the first row with an indicator column) and classify its columns.

    Raises :class:`~analysis.errors.InputDataError`, naming the row and column, for a
    column it does not recognise, a blank heading over figures, two columns of one kind or
    period, a merged header cell with no period row below, or no period column at all:
    guessing any of these could put a figure in the wrong period.
    """
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
        if kind in ("indicator", "target", "rag", "comment", "priority", "baseline", "difference",
                    "difference_baseline"):  # fmt: skip
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
    # month ranges without a year ("Jan - Dec"): the year from a title line, else the file name
    ranges = [i for i, p in periods.items() if p.kind == "range"]
    if ranges:
        titles = " ".join(c for _, cells in rows[:header_idx] for c in cells if c)
        year = _title_year(titles) or _title_year(grid.path.stem.replace("_", " "))
        if year is None:
            raise input_error(grid.path, f"column '{names[ranges[0]]}' names months but no year, "
                              "and neither a title line nor the file name gives one (e.g. "
                              "'Performance 2011' or appendix_2011.csv)", row=top_row,
                              column=names[ranges[0]])  # fmt: skip
        for i in ranges:
            periods[i] = periods[i].with_end_year(year)
    return Layout(top_row, data_from, names, kinds, periods)


def _title_year(text: str) -> int | None:
    """The year a title names: '2011' ends in 2011; '2011/12' or '2011-12' ends in 2012."""
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?:\s*[/-]\s*(\d{2}|\d{4}))?(?!\d)", text)
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if end and int(end[-2:]) == (start + 1) % 100:
        return start + 1
    return start


def read_grid(path: str | Path, *, sheet: str | None = None) -> Grid:
    """The raw cells of a CSV or XLSX return, chosen by the file's suffix."""
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx_grid(path, sheet)
    if suffix in (".csv", ".txt"):
        return _read_csv_grid(path)
    raise input_error(path, f"unsupported file type '{suffix}': use .csv or .xlsx")
