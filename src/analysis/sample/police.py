"""Street-level crime rows in the data.police.uk archive format, for one force-month.

Why this module exists: the pipeline's police.uk reader and its benchmark need realistic rows
(crime mix, seasonality, trends, outcomes, blank and cross-border locations, the 2023 switch to
2021 LSOAs) in large volumes, fast and reproducibly.

* Each force-month has its own ``numpy`` generator seeded from ``seed``, so a month's rows do
  not depend on thread scheduling or on the other months requested (only the "Under
  investigation" share does, via the data end month).
* Rows are produced fully vectorised (no per-row Python) and assembled from small dictionary
  arrays with ``take``; coordinates are snapped to a few anonymised map points per LSOA, as
  data.police.uk does, so formatting cost is per point, not per row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.sample.formats import STREET_COLUMNS
from analysis.sample.geography import ELSEWHERE_LAD, Geography, Lad

# Current data.police.uk categories, in the order police.uk lists them.
CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
ASB = 0  # index of "Anti-social behaviour" in CRIME_TYPES
# Share (%) of recorded crime excluding ASB, in CRIME_TYPES[1:] order; roughly a typical English
# district.  Renormalised, so they need not sum to exactly 100.
CRIME_MIX = np.array([1.5, 5, 10, 3, 3, 8, 1.5, 11, 1.5, 8, 1.5, 7, 38], dtype=float)
# Per-type annual drift relative to the overall crime trend (shoplifting up, acquisitive crime
# like burglary down), so "change by crime type" tables have something real to show.
TYPE_DRIFT = np.array([0.97, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.10, 1.04, 0.96, 1.0])
OUTCOMES: tuple[str, ...] = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Awaiting court outcome",
    "Offender given a caution",
    "Local resolution",
)
OUTCOME_BASE = np.array([0.45, 0.30, 0.03, 0.10, 0.04, 0.08])
UNDER_INVESTIGATION = 2

# Per-day seasonal factors, January..December (normalised to a days-weighted mean of 1 below).
CRIME_SEASON = np.array([0.94, 0.90, 0.97, 0.99, 1.04, 1.07, 1.12, 1.08, 1.02, 1.00, 0.96, 0.93])
ASB_SEASON = np.array([0.86, 0.84, 0.92, 1.02, 1.12, 1.18, 1.25, 1.22, 1.04, 1.02, 0.90, 0.83])
DAYS_IN_MONTH = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# The trend reference is the middle of financial year 2021/22 (Apr 2021 - Mar 2022):
# ``area_crimes_per_year`` is the expected recorded crime in Sampleton in that year.
REF_MONTH = 2021 * 12 + 8.5  # between 2021-09 and 2021-10, as a month ordinal (year*12 + m-1)
VINTAGE_2021_FROM = 2023 * 12 + 0  # data.police.uk switched to 2021 LSOAs from January 2023
BLANK_SHARE = 0.01  # rows with no location (blank coordinates and LSOA)
CROSS_BORDER_SHARE = 0.005  # rows geocoded just over the force boundary ("Elsewhere")
POINTS_PER_LSOA = 12  # anonymised snap points per LSOA, as data.police.uk uses
STREETS = (
    "High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Street", "Castle Hill",
    "Harbour Way", "Orchard Close", "Abbey Road", "Northgate", "Queen Street", "King Street",
    "Park Avenue", "Chapel Lane", "Brook Street", "Meadow View", "Quarry Lane", "Windmill Road",
    "Riverside Walk", "Market Square", "Bridge Street", "Canal Road", "Beacon Hill", "Elm Grove",
    "Oak Drive", "Willow Close", "Rectory Lane", "School Road", "Manor Road", "Priory Close",
    "Ferry Road", "Dock Road", "Sandpiper Way", "Kestrel Close", "Foxglove Drive",
    "Supermarket", "Parking Area", "Petrol Station", "Shopping Area", "Sports/Recreation Area",
    "Nightclub", "Hospital", "Further/Higher Educational Building",
)  # fmt: skip
NO_LOCATION = "No location"


def force_slug(force: int) -> str:
    """Folder/file name of a force: ``sampleshire``, ``sampleshire2``, ``sampleshire3``..."""
    return "sampleshire" if force == 0 else f"sampleshire{force + 1}"


def force_label(force: int) -> str:
    """The "Reported by"/"Falls within" value: ``Sampleshire Police``, ``Sampleshire 2 Police``."""
    return "Sampleshire Police" if force == 0 else f"Sampleshire {force + 1} Police"


def _fmt6(values: np.ndarray) -> pa.Array:
    """Vectorised fixed 6-decimal formatting ("0.550000", "-1.234567"), as police.uk prints."""
    micro = np.round(values * 1e6).astype(np.int64)
    mag = np.abs(micro)
    whole = pc.cast(pa.array(mag // 1_000_000), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(mag % 1_000_000), pa.string()), 6, "0")
    sign = pc.if_else(pa.array(micro < 0), "-", "")
    return pc.binary_join_element_wise(pc.binary_join_element_wise(sign, whole, ""), frac, ".")


@dataclass
class RowTables:
    """Arrow lookup arrays that rows are ``take``n from (last entry of each = no location)."""

    code: pa.Array
    name: pa.Array
    lon: pa.Array
    lat: pa.Array
    location: pa.Array
    n_lsoas: int


def row_tables(geo: Geography, seed: int) -> RowTables:
    """Snap points (POINTS_PER_LSOA per LSOA, strictly inside it) and their formatted strings."""
    rng = np.random.default_rng([seed, 4])
    rect = np.asarray(geo.rect)
    n = len(rect)
    u = 0.05 + 0.9 * rng.random((n, POINTS_PER_LSOA, 2))  # 5% inset: rounding stays inside
    lon = rect[:, [0]] + u[:, :, 0] * (rect[:, [2]] - rect[:, [0]])
    lat = rect[:, [1]] + u[:, :, 1] * (rect[:, [3]] - rect[:, [1]])
    street = rng.integers(0, len(STREETS), n * POINTS_PER_LSOA)
    loc_dict = pa.array([f"On or near {s}" for s in STREETS] + [NO_LOCATION])
    null = pa.nulls(1, pa.string())
    return RowTables(
        code=pa.concat_arrays([pa.array(geo.code, pa.string()), null]),
        name=pa.concat_arrays([pa.array(geo.name, pa.string()), null]),
        lon=pa.concat_arrays([_fmt6(lon.ravel()), null]),
        lat=pa.concat_arrays([_fmt6(lat.ravel()), null]),
        location=loc_dict.take(pa.array(np.append(street, len(STREETS)))),
        n_lsoas=n,
    )


@dataclass
class ForceVintage:
    """Per force and LSOA vintage: which LSOAs rows can land in, and how likely each is."""

    lads: np.ndarray  # LAD ids of the force, in order
    ids: np.ndarray  # LSOA ids ordered by LAD
    cum: np.ndarray  # cumulative weight over ``ids``
    lad_lo: np.ndarray  # first position in ``ids`` of each LAD
    lad_hi: np.ndarray  # one past the last position
    elsewhere: np.ndarray  # LSOA ids of "Elsewhere" in this vintage


def force_vintage(geo: Geography, force: int, vintage: int) -> ForceVintage:
    lad_of = np.asarray(geo.lad)
    present = np.asarray(geo.in11 if vintage == 2011 else geo.in21)
    lad_force = np.array([lad.force for lad in geo.lads])
    lads = np.flatnonzero(lad_force == force)
    mask = present & np.isin(lad_of, lads)
    ids = np.flatnonzero(mask)
    ids = ids[np.lexsort((ids, lad_of[ids]))]
    counts = np.array([(lad_of[ids] == li).sum() for li in lads])
    hi = np.cumsum(counts)
    elsewhere_lad = next(i for i, lad in enumerate(geo.lads) if lad.code == ELSEWHERE_LAD[0])
    return ForceVintage(
        lads=lads,
        ids=ids,
        cum=np.cumsum(np.asarray(geo.weight)[ids]),
        lad_lo=hi - counts,
        lad_hi=hi,
        elsewhere=np.flatnonzero(present & (lad_of == elsewhere_lad)),
    )


def month_ordinal(ym: str) -> int:
    """``YYYY-MM`` -> ``year * 12 + month - 1``, so months can be counted and compared."""
    try:
        year, month = (int(p) for p in ym.split("-"))
    except ValueError:
        raise ValueError(f"expected YYYY-MM, got {ym!r}") from None
    if not 1 <= month <= 12 or len(ym) != 7:
        raise ValueError(f"expected YYYY-MM, got {ym!r}")
    return year * 12 + month - 1


def month_label(ordinal: int) -> str:
    """Inverse of :func:`month_ordinal`: the ``YYYY-MM`` police.uk folder and file name."""
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


_CRIME_SEASON = CRIME_SEASON / np.average(CRIME_SEASON, weights=DAYS_IN_MONTH)
_ASB_SEASON = ASB_SEASON / np.average(ASB_SEASON, weights=DAYS_IN_MONTH)


def _days_in_month(ordinal: int) -> int:
    year, m = divmod(ordinal, 12)
    if m == 1:
        return 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return int(DAYS_IN_MONTH[m])


def month_table(
    *,
    seed: int,
    force: int,
    ordinal: int,
    end_ordinal: int,
    fv: ForceVintage,
    tables: RowTables,
    annual: np.ndarray,
    lads: list[Lad],
    force_label: str,
) -> pa.Table:
    """All street-level rows of one force-month, vectorised. ``annual`` = crimes/yr per LAD id."""
    year, m0 = divmod(ordinal, 12)
    rng = np.random.default_rng([seed, 5, force, year, m0 + 1])
    years = (ordinal - REF_MONTH) / 12
    days = _days_in_month(ordinal) / 365.25
    crime_trend = np.array([lads[i].crime_trend for i in fv.lads])
    asb_trend = np.array([lads[i].asb_trend for i in fv.lads])
    asb_ratio = np.array([lads[i].asb_ratio for i in fv.lads])
    base = annual[fv.lads] * days
    expected = np.stack(
        [
            base * _CRIME_SEASON[m0] * crime_trend**years,
            base * asb_ratio * _ASB_SEASON[m0] * asb_trend**years,
        ],
        axis=1,
    )
    group = np.repeat(np.arange(expected.size), rng.poisson(expected).ravel())
    lad_local = group >> 1
    is_asb = (group & 1).astype(bool)
    n = group.size

    # LSOA: weighted draw inside the row's LAD via one searchsorted over the force's LSOAs.
    lo, hi = fv.lad_lo[lad_local], fv.lad_hi[lad_local]
    cum_lo = np.where(lo > 0, fv.cum[np.maximum(lo - 1, 0)], 0.0)
    target = cum_lo + rng.random(n) * (fv.cum[hi - 1] - cum_lo)
    pos = np.clip(np.searchsorted(fv.cum, target, side="right"), lo, hi - 1)
    lsoa = fv.ids[pos]
    special = rng.random(n)
    over_border = (special >= BLANK_SHARE) & (special < BLANK_SHARE + CROSS_BORDER_SHARE)
    lsoa[over_border] = fv.elsewhere[rng.integers(0, fv.elsewhere.size, int(over_border.sum()))]
    lsoa[special < BLANK_SHARE] = tables.n_lsoas  # no location
    point = lsoa * POINTS_PER_LSOA + rng.integers(0, POINTS_PER_LSOA, n)
    point[lsoa == tables.n_lsoas] = tables.n_lsoas * POINTS_PER_LSOA

    mix = CRIME_MIX * TYPE_DRIFT**years
    ctype = 1 + np.minimum(
        np.searchsorted(np.cumsum(mix), rng.random(n) * mix.sum(), side="right"), mix.size - 1
    )
    ctype[is_asb] = ASB
    age = end_ordinal - ordinal  # recent months: more "Under investigation", as in a snapshot
    outcome_p = OUTCOME_BASE.copy()
    outcome_p[UNDER_INVESTIGATION] += 0.45 * math.exp(-age / 4)
    outcome = np.minimum(
        np.searchsorted(np.cumsum(outcome_p), rng.random(n) * outcome_p.sum(), side="right"),
        len(OUTCOMES) - 1,
    )
    outcome[is_asb] = len(OUTCOMES)  # the null entry

    order = np.argsort(lsoa, kind="stable")  # real files come grouped by place
    lsoa, point, ctype, outcome, is_asb = (a[order] for a in (lsoa, point, ctype, outcome, is_asb))

    # Crime ID: 64 hex chars from the seeded generator; ASB rows have none (null -> blank).
    has_id = ~is_asb
    n_ids = int(has_id.sum())
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.where(has_id, 64, 0), out=offsets[1:])
    crime_id = pa.StringArray.from_buffers(
        n,
        pa.py_buffer(offsets),
        pa.py_buffer(rng.bytes(32 * n_ids).hex().encode("ascii")),
        pa.py_buffer(np.packbits(has_id, bitorder="little")),
        n - n_ids,
    )
    zeros = pa.array(np.zeros(n, dtype=np.int32))
    lsoa_idx = pa.array(lsoa)
    point_idx = pa.array(point)
    outcomes = pa.array([*OUTCOMES, None], pa.string())
    columns = [
        crime_id,
        pa.array([month_label(ordinal)]).take(zeros),
        pa.array([force_label]).take(zeros),
        pa.array([force_label]).take(zeros),
        tables.lon.take(point_idx),
        tables.lat.take(point_idx),
        tables.location.take(point_idx),
        tables.code.take(lsoa_idx),
        tables.name.take(lsoa_idx),
        pa.array(CRIME_TYPES).take(pa.array(ctype)),
        outcomes.take(pa.array(outcome)),
        pa.nulls(n, pa.string()),
    ]
    return pa.Table.from_arrays(columns, names=list(STREET_COLUMNS))
