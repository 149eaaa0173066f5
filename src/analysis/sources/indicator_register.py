"""The indicator register (``config/indicators.csv``): the analyst's decisions where a
partner return is ambiguous, and matching them to the returns' indicators.

Why this module is separate
---------------------------
The register is configuration, not data: the analyst writes it, once, with the evidence for
each decision (unit, polarity, a target, the value a relative target is measured against,
whether a count target is per quarter, a stable ``indicator_id`` for an indicator whose
wording drifts between years). It is read and checked on its own, before any return, so a
mistake in it is reported against the register's own line; the entry points
(:mod:`analysis.performance`, the partner measures) load it and hand the entries to
:func:`analysis.sources.partner_returns.read_returns`.
"""

from __future__ import annotations

import csv
import fnmatch
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.config import REPO_ROOT
from analysis.errors import InputDataError, input_error
from analysis.sources import targets as tg
from analysis.sources.return_layout import read_text
from analysis.sources.return_values import UNITS, parse_number

#: Default register location: ``<repo>/config/indicators.csv``.
DEFAULT_REGISTER: Path = REPO_ROOT / "config" / "indicators.csv"

#: Columns of the register file; only ``indicator`` is required.
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
        return fnmatch.fnmatchcase(indicator_key(indicator), indicator_key(self.pattern))


def indicator_key(text: object) -> str:
    """An indicator's wording as compared: lower case, single spaces, no trailing '.;:'.

    It is also the tidy table's ``indicator_key`` when the register gives no
    ``indicator_id``, so "Fly tipping." and "fly  tipping" are the same indicator.
    """
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
    text = read_text(path)
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
            ref_value = parse_number(ref.rstrip("%")) if ref else None
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
