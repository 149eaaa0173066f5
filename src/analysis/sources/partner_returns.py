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
  and the original text in ``value_text``; targets are read by :mod:`analysis.sources.targets`.
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
* **The indicator register** (``config/indicators.csv``, see
  :func:`analysis.sources.indicator_register.load_register`) lets the analyst fix what a
  return leaves ambiguous: unit, polarity, a target, the value a relative target is
  measured against, whether a count target is per quarter, and a stable ``indicator_id``
  so the same indicator is matched across years when its wording changes.

Where the parts live
--------------------
:mod:`analysis.sources.return_layout` reads the file and finds its header and columns;
:mod:`analysis.sources.return_values` reads figures and period headings;
:mod:`analysis.sources.indicator_register` reads the register; this module puts them
together, one row at a time, into the tidy table, and settles each indicator's unit and
target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis.errors import input_error
from analysis.sources import targets as tg
from analysis.sources.indicator_register import RegisterEntry, indicator_key, match_register
from analysis.sources.return_layout import detect_layout, read_grid
from analysis.sources.return_values import ParsedValue, month_text, parse_value

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

#: An indicator whose name says it is a percentage (see :func:`_resolve_unit`).
_PERCENT_WORDING = re.compile(r"\b(?:percentage|proportion|per\s?cent)\b|%", re.I)
#: A section row such as "Priority 2 - Tackle ASB": names the priority of the rows below.
_PRIORITY_ROW = re.compile(r"^priority\b\s*\d*\s*[-:.]?\s*(?P<name>.*)$", re.I)


def _normalise_rag(text: str) -> str | None:
    """A published RAG as one word: 'g' -> 'GREEN', 'na' -> 'N/A'; blank is None."""
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
    layout = detect_layout(grid)
    col = {
        k: layout.kinds.index(k)
        for k in (
            "indicator",
            "target",
            "rag",
            "comment",
            "priority",
            "difference",
            "difference_baseline",
        )  # fmt: skip
        if k in layout.kinds
    }
    value_cols = [i for i, k in enumerate(layout.kinds) if k in ("period", "baseline")]
    in_order = sorted((i for i in value_cols if layout.periods[i].kind != "baseline"),
                      key=lambda i: layout.periods[i].order)  # fmt: skip
    latest_col = in_order[-1]
    previous_col = in_order[-2] if len(in_order) > 1 else None
    baseline_col = next((i for i in value_cols if layout.periods[i].kind == "baseline"), None)

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
        key = entry.indicator_id if entry and entry.indicator_id else indicator_key(indicator)
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
        stated = [
            stated_difference(cell(cells, col[k]), parsed[latest_col], parsed.get(ref), what)
            for k, ref, what in (("difference", previous_col, "the previous period"),
                                 ("difference_baseline", baseline_col, "the baseline"))
            if k in col and ref is not None
        ]  # fmt: skip
        stated = [c for c in stated if c]
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
                    "value_check": "; ".join(
                        c for c in [pv.check, *(stated if i == latest_col else [])] if c
                    )
                    or None,
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


def stated_difference(text: str, latest, reference, against: str) -> str | None:
    """A disagreement between a stated difference ("Diff.": -114) and the values, or None.

    Published appendices get these wrong; the pipeline never uses the stated figure, but says
    where it differs from what the values give (within the rounding of the stated figure).
    """
    stated = parse_value(text)
    if stated.value is None or latest.value is None or reference is None or reference.value is None:
        return None
    actual = latest.value - reference.value
    decimals = len(stated.text.split(".", 1)[1].rstrip("% ")) if "." in stated.text else 0
    if abs(actual - stated.value) <= 0.5 * 10**-decimals + 1e-9:
        return None
    return (f"stated difference {stated.text.strip()} on {against}, but {latest.text.strip()} "
            f"against {reference.text.strip()} is {actual:+,.{max(decimals, 0)}f}")  # fmt: skip


def _frame(records: list[dict]) -> pd.DataFrame:
    """Records to the tidy table with fixed dtypes.

    Fixed so that an empty table, or a column that happens to be all blank, still
    concatenates and compares like any other.
    """
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
    """Target fields of the tidy table for one indicator (see :mod:`analysis.sources.targets`).

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
