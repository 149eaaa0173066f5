"""Assessment periods: financial year, calendar year, or the 12 months ending a given month.

CSPs report on different bases (the seeds use all three), so a period is always a run of
whole calendar months with a start and an end month. Months are handled as ``YYYY-MM``
strings because that is how police.uk labels them and it sorts correctly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]  # fmt: skip


class PeriodError(ValueError):
    """A period in the configuration cannot be understood."""


def parse_month(value: object) -> tuple[int, int]:
    """Return (year, month) from a ``YYYY-MM`` string; raise PeriodError otherwise."""
    text = str(value).strip()
    match = _MONTH_RE.match(text)
    if not match:
        raise PeriodError(f"'{value}' is not a month in the form YYYY-MM (e.g. 2025-03)")
    return int(match.group(1)), int(match.group(2))


def month_index(month: str) -> int:
    """Months since year 0, so that month arithmetic is plain integer arithmetic."""
    year, mon = parse_month(month)
    return year * 12 + (mon - 1)


def month_from_index(index: int) -> str:
    """Inverse of :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(month: str, short: bool = False) -> str:
    """'2025-03' -> 'March 2025' (or 'Mar 2025' when short)."""
    year, mon = parse_month(month)
    name = _MONTH_NAMES[mon - 1]
    return f"{name[:3] if short else name} {year}"


def month_range(start: str, end: str) -> list[str]:
    """All months from start to end inclusive."""
    first, last = month_index(start), month_index(end)
    return [month_from_index(i) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Period:
    """A run of whole months being assessed.

    ``kind`` is one of ``financial_year``, ``calendar_year`` or ``twelve_months_ending``;
    ``slug`` is safe for folder names and stable across runs.
    """

    kind: str
    start: str
    end: str

    def __post_init__(self) -> None:
        if month_index(self.end) < month_index(self.start):
            raise PeriodError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def months(self) -> list[str]:
        return month_range(self.start, self.end)

    @property
    def length(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1

    @property
    def slug(self) -> str:
        s_year, _ = parse_month(self.start)
        e_year, e_mon = parse_month(self.end)
        if self.kind == "financial_year":
            return f"fy{s_year}-{str(s_year + 1)[2:]}"
        if self.kind == "calendar_year":
            return f"cy{s_year}"
        return f"12m-to-{self.end}"

    @property
    def label(self) -> str:
        """Human label used in headings: 'April 2024 to March 2025'."""
        return f"{month_label(self.start)} to {month_label(self.end)}"

    @property
    def short_label(self) -> str:
        s_year, _ = parse_month(self.start)
        if self.kind == "financial_year":
            return f"{s_year}/{str(s_year + 1)[2:]}"
        if self.kind == "calendar_year":
            return str(s_year)
        return f"12m to {month_label(self.end, short=True)}"

    @property
    def year(self) -> int:
        """The calendar year the period mostly falls in (for population estimates).

        A financial year April 2024 - March 2025 uses mid-2024, the estimate at its centre
        of mass; a calendar year uses its own year.
        """
        mid = month_index(self.start) + (self.length - 1) // 2
        return mid // 12

    def shifted(self, months: int) -> Period:
        """The same kind of period moved by ``months`` (negative = earlier)."""
        return Period(
            self.kind,
            month_from_index(month_index(self.start) + months),
            month_from_index(month_index(self.end) + months),
        )

    def previous(self) -> Period:
        """The comparison period: the same span immediately before."""
        return self.shifted(-self.length)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "slug": self.slug,
            "label": self.label,
            "short_label": self.short_label,
        }


def period_from_config(spec: dict) -> Period:
    """Build a Period from one entry of a configuration's ``periods`` list.

    Accepted shapes::

        {type: financial_year, start: 2024}            # April 2024 - March 2025
        {type: calendar_year, year: 2025}
        {type: twelve_months_ending, end: 2025-12}
    """
    if not isinstance(spec, dict) or "type" not in spec:
        raise PeriodError(
            f"period {spec!r} needs a 'type' (financial_year, calendar_year or twelve_months_ending)"
        )
    kind = spec["type"]
    try:
        if kind == "financial_year":
            year = int(spec["start"])
            return Period(kind, f"{year:04d}-04", f"{year + 1:04d}-03")
        if kind == "calendar_year":
            year = int(spec["year"])
            return Period(kind, f"{year:04d}-01", f"{year:04d}-12")
        if kind == "twelve_months_ending":
            end = str(spec["end"])
            parse_month(end)
            return Period(kind, month_from_index(month_index(end) - 11), end)
    except KeyError as exc:
        raise PeriodError(f"period {spec!r} of type {kind} is missing '{exc.args[0]}'") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, PeriodError):
            raise PeriodError(f"period {spec!r}: {exc}") from None
        raise PeriodError(f"period {spec!r}: year must be a whole number") from None
    raise PeriodError(
        f"period type '{kind}' is not known: use financial_year, calendar_year or twelve_months_ending"
    )


def assign_periods(months: pd.Series, template: Period) -> pd.Series:
    """Label each month with the period of ``template``'s kind and phase that contains it.

    Vectorised: used for the trend chart, where every month of data is rolled up into
    periods aligned with the one being assessed (e.g. every April-March year).
    Returns the period's start month for each row.
    """
    years = months.str.slice(0, 4).astype("int32")
    mons = months.str.slice(5, 7).astype("int32")
    idx = years * 12 + (mons - 1)
    offset = (idx - month_index(template.start)) % template.length
    start_idx = idx - offset
    return (
        (start_idx // 12).astype(str).str.zfill(4)
        + "-"
        + (start_idx % 12 + 1).astype(str).str.zfill(2)
    )
