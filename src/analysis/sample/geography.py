"""Deterministic generator of a fictional sample area: "Sampleton (synthetic sample area)".

Why this exists: the repository must run end to end with no downloaded data, and the
national-scale benchmark needs millions of realistic rows on demand.  So this module writes a
data folder with the *same file formats and quirks* as the real public sources the pipeline
reads (data.police.uk street-level archive, ONS LSOA -> ward -> LAD lookups, the ONS MYE4
population file, ward boundary GeoJSON), but every place, code and number in it is made up.

Design notes (why it looks the way it does):

* Everything is derived from ``seed`` through independent ``numpy`` generators (one per force for
  the geography, one per force-month for the crime rows), so the same arguments give
  byte-identical files whatever the thread scheduling, and a month's rows do not depend on the
  other months requested (only the "Under investigation" share does, via the data end month).
* Rows are produced fully vectorised per force-month (no per-row Python) and written with
  ``pyarrow.csv`` from small dictionary tables using ``take``; coordinates are snapped to a few
  anonymised map points per LSOA, as data.police.uk does, so formatting cost is per point.
* Geography is a grid: each LAD is a rectangle cut into LSOA rectangles; wards are rectangles of
  whole LSOA cells, so every LSOA lies inside exactly one ward of each ward set and the May 2023
  ward set can be a different tiling of the same area.
* Codes live in fictional ranges (``E01900001``.., ``E05900001``.., ``E06900001``, ``E079000xx``)
  so they can never be confused with, or joined by accident to, real ONS codes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["STREET_COLUMNS", "CRIME_TYPES", "generate_sample", "main"]

# --------------------------------------------------------------------------------------------
# Formats of the real public files (kept exactly: the pipeline's readers are written for these)
# --------------------------------------------------------------------------------------------

STREET_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
LOOKUP11_COLUMNS = ("FID", "LSOA11CD", "LSOA11NM", "WD19CD", "WD19NM", "LAD19CD", "LAD19NM")
LOOKUP22_COLUMNS = (
    "ObjectId",
    "LSOA21CD",
    "LSOA21NM",
    "WD22CD",
    "WD22NM",
    "WD22NMW",
    "LTLA22CD",
    "LTLA22NM",
    "LTLA22NMW",
)
LOOKUP23_COLUMNS = (
    "LSOA21CD",
    "LSOA21NM",
    "LSOA21NMW",
    "WD23CD",
    "WD23NM",
    "WD23NMW",
    "LAD23CD",
    "LAD23NM",
    "LAD23NMW",
    "ObjectId",
)
LOOKUP11_PATH = "lookups/LSOA11_WD19_LAD19_EW_LU.csv"
LOOKUP22_PATH = "lookups/LSOA21_WD22_LAD22_EW_LU.csv"
LOOKUP23_PATH = "lookups/LSOA21_WD23_LAD23_EW_LU.csv"
POPULATION_PATH = "population/MYE4_mid2001_to_mid2020_all_LAs.csv"
WARDS19_PATH = "boundaries/sample/wards_WD19.geojson"
WARDS23_PATH = "boundaries/sample/wards_WD23.geojson"
BOM = b"\xef\xbb\xbf"  # the real ONS 2021-vintage lookups start with a UTF-8 byte-order mark

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
MSOA_SIZE = 5  # LSOAs per MSOA, only used to make "<LAD> 001A" style names

SAMPLE_LAD = ("E06900001", "Sampleton")
SAMPLE_LABEL = "Sampleton (synthetic sample area)"
ELSEWHERE_LAD = ("E07900099", "Elsewhere")
SAMPLE_WARDS19 = 22
SAMPLE_WARDS23 = 24
SAMPLE_WARD19_START = 900001
SAMPLE_WARD23_START = 900101
OTHER_WARD_START = 901001
LSOA_START = 900001
SAMPLE_SPLITS = 2  # 2011 LSOAs split into two 2021 LSOAs each
ELSEWHERE_LSOAS = 12

SAMPLE_BBOX = (0.40, 51.30, 0.70, 51.46)  # west, south, east, north: centred on 0.55, 51.38
ELSEWHERE_BBOX = (0.12, 51.30, 0.38, 51.46)
PEER_REGION = (-0.50, 51.02, 1.00, 51.27)  # Weald-like, south and west of Sampleton
OTHER_FORCES_REGION = (-2.70, 51.70, -0.20, 54.40)  # inland England, away from Sampleton

PEER_NAMES = ("Ashbury", "Brookfield", "Castlemere", "Dunwick", "Eastholme", "Fairhaven")
NAME_PREFIXES = (
    "Alder", "Bramble", "Cold", "Deep", "Elm", "Fern", "Glen", "Hazel", "Iver", "Juniper",
    "Kings", "Lark", "Marsh", "Nether", "Oak", "Pine", "Quarry", "Rush", "Salt", "Thorn",
    "Under", "Vale", "Willow", "Yew", "Wren", "Hollow",
)  # fmt: skip
NAME_SUFFIXES = (
    "bury", "field", "mere", "wick", "holme", "haven", "ford", "ton", "ley", "worth",
    "stead", "minster", "combe", "dale", "gate", "port",
)  # fmt: skip
WARD_NAMES = (
    "Abbey", "Castle", "Harbour", "Northgate", "Southgate", "Westgate", "Eastgate", "Riverside",
    "Priory", "Cathedral", "Market", "Station", "Hillside", "Meadows", "Parkwood", "Woodlands",
    "Brambles", "Orchard", "Quarry", "Mill", "Chapel", "Common", "Downs", "Fields", "Green",
    "Heath", "Kingsway", "Lakeside", "Manor", "Marsh", "Moor", "Newtown", "Oakwood", "Old Town",
    "Queensway", "Rectory", "St Mary's", "St John's", "St Peter's", "Tower", "Valley",
    "Victoria", "Wharf", "Windmill", "Wood End", "Beacon", "Bridge", "Cliff", "Dockside",
    "Elmfield", "Fort", "Grange", "Hollybank", "Ivy Hatch", "Jubilee", "Lodge", "Nelson", "Pier",
    "Ropewalk", "Saltings", "Tannery", "Upper Town", "Vineyard", "Watermead",
)  # fmt: skip
WARD_NAME_QUALIFIERS = ("North", "South", "East", "West", "Central", "Rural", "Park", "Village")
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


# --------------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------------


@dataclass
class _Lad:
    """One local authority district and the parameters that drive its crime volumes."""

    code: str
    name: str
    geography: str  # MYE4 "Geography" column
    force: int  # 0-based force index; -1 for "Elsewhere" (no force of ours)
    bbox: tuple[float, float, float, float]  # west, south, east, north
    pop2020: int
    growth: float  # annual population growth factor
    rate: float  # crimes per head relative to Sampleton
    asb_ratio: float  # ASB volume as a share of crime volume at the reference year
    crime_trend: float  # annual growth factor of crime
    asb_trend: float  # annual growth factor of ASB


@dataclass
class _Ward:
    code: str
    name: str
    lad: int
    bbox: tuple[float, float, float, float]


@dataclass
class _Geography:
    """All LADs, wards and LSOAs of every vintage (the "universe"), as parallel arrays.

    LSOAs are indexed 0..U-1 in code order; arrow arrays used for row building have one extra
    trailing null entry (index U) that stands for "no location".
    """

    lads: list[_Lad] = field(default_factory=list)
    wards: list[_Ward] = field(default_factory=list)
    wards19: dict[int, list[int]] = field(default_factory=dict)  # lad -> ward ids (2019 set)
    wards23: dict[int, list[int]] = field(default_factory=dict)  # lad -> ward ids (2023 set)
    code: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    lad: list[int] = field(default_factory=list)
    rect: list[tuple[float, float, float, float]] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    in11: list[bool] = field(default_factory=list)
    in21: list[bool] = field(default_factory=list)
    ward19: list[int] = field(default_factory=list)
    ward23: list[int] = field(default_factory=list)

    def add_lsoa(
        self,
        code: str,
        name: str,
        lad: int,
        rect: tuple[float, float, float, float],
        weight: float,
        ward19: int,
        ward23: int,
        *,
        in11: bool,
        in21: bool,
    ) -> int:
        self.code.append(code)
        self.name.append(name)
        self.lad.append(lad)
        self.rect.append(rect)
        self.weight.append(weight)
        self.ward19.append(ward19)
        self.ward23.append(ward23)
        self.in11.append(in11)
        self.in21.append(in21)
        return len(self.code) - 1


@dataclass
class _Split:
    """A 2011 LSOA that becomes two 2021 LSOAs (codes are assigned after all 2011 codes)."""

    parent: int
    names: tuple[str, str]
    rects: tuple[tuple[float, float, float, float], tuple[float, float, float, float]]
    weights: tuple[float, float]


def _grid_shape(n: int, bbox: tuple[float, float, float, float]) -> tuple[int, int]:
    """Rows x columns of whole cells for ``n`` LSOAs: roughly square cells, n - nr*nc < nr
    leftover LSOAs are made by halving cells (so any ``n`` works, not just products)."""
    west, south, east, north = bbox
    width_km = (east - west) * 111.32 * math.cos(math.radians((south + north) / 2))
    height_km = (north - south) * 111.32
    nr = min(n, max(1, round(math.sqrt(n * height_km / width_km))))
    return nr, n // nr


def _split_sizes(n: int, k: int, shift: int) -> list[int]:
    """``n`` split into ``k`` near-equal integer parts, the larger parts rotated by ``shift``."""
    base, rem = divmod(n, k)
    sizes = [base + 1] * rem + [base] * (k - rem)
    shift %= k
    return sizes[shift:] + sizes[:shift]


def _choose_bands(nr: int, nc: int, n_wards: int, avoid: int | None = None) -> int:
    """Number of horizontal bands for a guillotine tiling of ``n_wards`` rectangles of cells.

    Chosen so wards come out roughly square; ``avoid`` lets the 2023 ward set pick a different
    band count from the 2019 one, so the two sets really are different tilings.
    """
    feasible = list(range(math.ceil(n_wards / nc), min(nr, n_wards) + 1))
    if not feasible:
        raise ValueError(f"cannot tile {nr}x{nc} LSOA cells into {n_wards} wards")
    ideal = math.sqrt(n_wards * nr / nc)
    ranked = sorted(feasible, key=lambda b: (abs(b - ideal), b))
    if avoid is not None and len(ranked) > 1 and ranked[0] == avoid:
        return ranked[1]
    return ranked[0]


def _tile(
    nr: int, nc: int, n_wards: int, bands: int, shift: int
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Tile an ``nr`` x ``nc`` cell grid into ``n_wards`` rectangles (rows r0:r1, cols c0:c1)."""
    cell_ward = np.full((nr, nc), -1, dtype=np.int64)
    rects: list[tuple[int, int, int, int]] = []
    row_sizes = _split_sizes(nr, bands, shift)
    ward_counts = _split_sizes(n_wards, bands, shift + 1)
    r = 0
    for i in range(bands):
        c = 0
        for width in _split_sizes(nc, ward_counts[i], shift + i):
            cell_ward[r : r + row_sizes[i], c : c + width] = len(rects)
            rects.append((r, r + row_sizes[i], c, c + width))
            c += width
        r += row_sizes[i]
    return cell_ward, rects


def _ward_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` plausible ward names, unique within one LAD."""
    names = [WARD_NAMES[i] for i in rng.permutation(len(WARD_NAMES))]
    if n > len(names):  # very large LADs: "Abbey North", "Castle South", ... then "Ward 9xx"
        names += [f"{w} {q}" for q in WARD_NAME_QUALIFIERS for w in WARD_NAMES]
        names += [f"Ward {k}" for k in range(len(names) + 1, n + 1)]
    return names[:n]


def _town_names(seed: int, n: int) -> list[str]:
    """``n`` fictional town names for LADs beyond the six fixed force-1 peers."""
    combos = [p + s for p in NAME_PREFIXES for s in NAME_SUFFIXES if p + s not in PEER_NAMES]
    order = np.random.default_rng([seed, 3]).permutation(len(combos))
    names = [combos[i] for i in order]
    k = 2
    while len(names) < n:  # more LADs than combinations: "Aldermere 2", ...
        names.extend(f"{combos[i]} {k}" for i in order)
        k += 1
    return names[:n]


def _grid_slots(
    region: tuple[float, float, float, float], n: int, rows: int | None = None
) -> list[tuple[float, float, float, float]]:
    """``n`` equal rectangles (row-major, north first) laid out in ``region`` with small gaps."""
    if n == 0:
        return []
    west, south, east, north = region
    if rows is None:
        aspect = ((east - west) * math.cos(math.radians((south + north) / 2))) / (north - south)
        cols = max(1, math.ceil(math.sqrt(n * aspect)))
        rows = math.ceil(n / cols)
    else:
        cols = math.ceil(n / rows)
    w = (east - west) / cols
    h = (north - south) / rows
    gap_w, gap_h = 0.04 * w, 0.04 * h
    slots = []
    for i in range(n):
        r, c = divmod(i, cols)
        x0 = west + c * w
        y1 = north - r * h
        slots.append((x0 + gap_w, y1 - h + gap_h, x0 + w - gap_w, y1 - gap_h))
    return slots


def _lad_codes() -> Iterator[str]:
    """Non-metropolitan district codes E07900001.. skipping E07900099 (reserved: Elsewhere)."""
    return (f"E07{900000 + i}" for i in range(1, 100000) if 900000 + i != 900099)


def _build_geography(seed: int, forces: int, n_peer_lads: int, lsoas_per_lad: int) -> _Geography:
    """Create every LAD, ward and LSOA (both vintages), deterministic in ``seed``."""
    geo = _Geography()
    district_codes = _lad_codes()
    n_other = (forces - 1) * (1 + n_peer_lads) + max(0, n_peer_lads - len(PEER_NAMES))
    generated = iter(_town_names(seed, n_other))
    peer_slots = _grid_slots(PEER_REGION, n_peer_lads, rows=2) if n_peer_lads else []
    other_slots = iter(_grid_slots(OTHER_FORCES_REGION, (forces - 1) * (1 + n_peer_lads)))

    # LADs first (cheap), so codes/positions do not depend on the LSOA work below.
    for f in range(forces):
        rng = np.random.default_rng([seed, 1, f])
        if f == 0:
            geo.lads.append(
                _Lad(
                    *SAMPLE_LAD,
                    geography="Unitary Authority",
                    force=0,
                    bbox=SAMPLE_BBOX,
                    pop2020=int(round(280_000 * rng.uniform(0.995, 1.005))),
                    growth=1.004,
                    rate=1.0,
                    asb_ratio=0.22,
                    crime_trend=1.04,
                    asb_trend=0.92,
                )
            )
            rates = rng.permutation(np.linspace(0.6, 1.4, n_peer_lads))
            for j in range(n_peer_lads):
                geo.lads.append(
                    _Lad(
                        next(district_codes),
                        PEER_NAMES[j] if j < len(PEER_NAMES) else next(generated),
                        geography="Non-metropolitan District",
                        force=0,
                        bbox=peer_slots[j],
                        pop2020=int(rng.integers(95_000, 185_000)),
                        growth=float(rng.uniform(1.002, 1.009)),
                        rate=float(rates[j]),
                        asb_ratio=float(rng.uniform(0.16, 0.30)),
                        crime_trend=float(rng.uniform(1.01, 1.07)),
                        asb_trend=float(rng.uniform(0.88, 0.96)),
                    )
                )
            geo.lads.append(
                _Lad(
                    *ELSEWHERE_LAD,
                    geography="Non-metropolitan District",
                    force=-1,
                    bbox=ELSEWHERE_BBOX,
                    pop2020=int(rng.integers(100_000, 140_000)),
                    growth=1.005,
                    rate=1.0,
                    asb_ratio=0.2,
                    crime_trend=1.03,
                    asb_trend=0.93,
                )
            )
            continue
        for j in range(1 + n_peer_lads):
            unitary = j == 0
            geo.lads.append(
                _Lad(
                    f"E06{900001 + f}" if unitary else next(district_codes),
                    next(generated),
                    geography="Unitary Authority" if unitary else "Non-metropolitan District",
                    force=f,
                    bbox=next(other_slots),
                    pop2020=int(
                        rng.integers(150_000, 320_000) if unitary else rng.integers(90_000, 180_000)
                    ),
                    growth=float(rng.uniform(1.002, 1.009)),
                    rate=float(rng.uniform(0.6, 1.4)),
                    asb_ratio=float(rng.uniform(0.16, 0.30)),
                    crime_trend=float(rng.uniform(1.01, 1.07)),
                    asb_trend=float(rng.uniform(0.88, 0.96)),
                )
            )

    splits: list[_Split] = []
    next_ward = OTHER_WARD_START
    lsoa_seq = LSOA_START
    for li, lad in enumerate(geo.lads):
        rng = np.random.default_rng([seed, 2, li])
        sample = lad.code == SAMPLE_LAD[0]
        n_lsoas = ELSEWHERE_LSOAS if lad.force < 0 else lsoas_per_lad
        nr, nc = _grid_shape(n_lsoas, lad.bbox)
        west, south, east, north = lad.bbox
        xs = np.linspace(west, east, nc + 1)
        ys = np.linspace(north, south, nr + 1)  # row 0 is the northern edge
        xs[1:-1] += rng.uniform(-0.25, 0.25, nc - 1) * (east - west) / nc
        ys[1:-1] -= rng.uniform(-0.25, 0.25, nr - 1) * (north - south) / nr

        # Ward tilings: Sampleton has 22 wards (2019) and a different tiling of 24 (May 2023);
        # every other LAD keeps one ward set (codes unchanged in all three lookups).
        if sample:
            b19 = _choose_bands(nr, nc, SAMPLE_WARDS19)
            b23 = _choose_bands(nr, nc, SAMPLE_WARDS23, avoid=b19)
            tilings = [
                (_tile(nr, nc, SAMPLE_WARDS19, b19, 0), SAMPLE_WARD19_START),
                (_tile(nr, nc, SAMPLE_WARDS23, b23, 1), SAMPLE_WARD23_START),
            ]
        else:
            n_wards = max(1, round(nr * nc / 3))
            tilings = [(_tile(nr, nc, n_wards, _choose_bands(nr, nc, n_wards), 0), next_ward)]
            next_ward += n_wards
        cell_wards: list[np.ndarray] = []
        ward_sets: list[list[int]] = []
        for (cell_ward, rects), start in tilings:
            names = _ward_names(rng, len(rects))
            ids = []
            for k, (r0, r1, c0, c1) in enumerate(rects):
                bbox = (float(xs[c0]), float(ys[r1]), float(xs[c1]), float(ys[r0]))
                geo.wards.append(_Ward(f"E05{start + k}", names[k], li, bbox))
                ids.append(len(geo.wards) - 1)
            cell_wards.append(np.asarray(ids)[cell_ward])
            ward_sets.append(ids)
        geo.wards19[li] = ward_sets[0]
        geo.wards23[li] = ward_sets[-1]
        w19, w23 = cell_wards[0], cell_wards[-1]

        # Skewed LSOA weights: lognormal noise plus a town centre (a few cells at several
        # times the average), so ward rankings are stable rather than noise.
        cell_w = rng.lognormal(0.0, 0.5, (nr, nc))
        rc = int(np.clip(nr // 2 + rng.integers(-1, 2), 0, nr - 1))
        cc = int(np.clip(nc // 2 + rng.integers(-1, 2), 0, nc - 1))
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                r, c = rc + dr, cc + dc
                if 0 <= r < nr and 0 <= c < nc:
                    cell_w[r, c] *= (
                        8.0 if (dr, dc) == (0, 0) else (4.0 if dr == 0 or dc == 0 else 2.0)
                    )
        # Leftover LSOAs come from halving cells; the town-centre cell stays whole (and is
        # never split in 2021) so the busiest LSOA is one stable code across vintages.
        centre = rc * nc + cc
        others = np.delete(np.arange(nr * nc), centre)
        halved = np.zeros(nr * nc, dtype=bool)
        halved[rng.choice(others, n_lsoas - nr * nc, replace=False)] = True

        k = 0  # LSOA number within the LAD, drives "<LAD> 001A" names
        letters: dict[int, int] = {}
        whole: list[int] = []
        for r in range(nr):
            for c in range(nc):
                x0, x1, y0, y1 = float(xs[c]), float(xs[c + 1]), float(ys[r + 1]), float(ys[r])
                if halved[r * nc + c]:
                    xm = (x0 + x1) / 2
                    share = float(rng.uniform(0.4, 0.6))
                    parts = [((x0, y0, xm, y1), share), ((xm, y0, x1, y1), 1 - share)]
                else:
                    parts = [((x0, y0, x1, y1), 1.0)]
                for part_rect, part_share in parts:
                    msoa = k // MSOA_SIZE + 1
                    letter = letters.get(msoa, 0)
                    letters[msoa] = letter + 1
                    idx = geo.add_lsoa(
                        f"E01{lsoa_seq}",
                        f"{lad.name} {msoa:03d}{chr(65 + letter)}",
                        li,
                        part_rect,
                        float(cell_w[r, c]) * part_share,
                        int(w19[r, c]),
                        int(w23[r, c]),
                        in11=True,
                        in21=True,
                    )
                    if len(parts) == 1 and r * nc + c != centre:
                        whole.append(idx)
                    lsoa_seq += 1
                    k += 1

        if sample:  # two 2011 LSOAs each split into two new 2021 LSOAs (north/south halves)
            for parent in sorted(int(i) for i in rng.choice(whole, SAMPLE_SPLITS, replace=False)):
                geo.in21[parent] = False
                x0, y0, x1, y1 = geo.rect[parent]
                ym = y0 + (y1 - y0) * float(rng.uniform(0.4, 0.6))
                share = float(rng.uniform(0.35, 0.65))
                msoa = int(geo.name[parent][-4:-1])
                first = letters[msoa]
                letters[msoa] = first + 2
                splits.append(
                    _Split(
                        parent,
                        (
                            f"{lad.name} {msoa:03d}{chr(65 + first)}",
                            f"{lad.name} {msoa:03d}{chr(66 + first)}",
                        ),
                        ((x0, ym, x1, y1), (x0, y0, x1, ym)),
                        (geo.weight[parent] * share, geo.weight[parent] * (1 - share)),
                    )
                )

    for split in splits:  # 2021 split codes continue the sequence after every 2011 code
        for name, rect, weight in zip(split.names, split.rects, split.weights, strict=True):
            geo.add_lsoa(
                f"E01{lsoa_seq}",
                name,
                geo.lad[split.parent],
                rect,
                weight,
                geo.ward19[split.parent],
                geo.ward23[split.parent],
                in11=False,
                in21=True,
            )
            lsoa_seq += 1
    if lsoa_seq > 999_999 or next_ward > 999_999:
        raise ValueError("too many LSOAs or wards for the fictional code ranges; use fewer")
    return geo


def _fmt6(values: np.ndarray) -> pa.Array:
    """Vectorised fixed 6-decimal formatting ("0.550000", "-1.234567"), as police.uk prints."""
    micro = np.round(values * 1e6).astype(np.int64)
    mag = np.abs(micro)
    whole = pc.cast(pa.array(mag // 1_000_000), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(mag % 1_000_000), pa.string()), 6, "0")
    sign = pc.if_else(pa.array(micro < 0), "-", "")
    return pc.binary_join_element_wise(pc.binary_join_element_wise(sign, whole, ""), frac, ".")


@dataclass
class _RowTables:
    """Arrow lookup arrays that rows are ``take``n from (last entry of each = no location)."""

    code: pa.Array
    name: pa.Array
    lon: pa.Array
    lat: pa.Array
    location: pa.Array
    n_lsoas: int


def _row_tables(geo: _Geography, seed: int) -> _RowTables:
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
    return _RowTables(
        code=pa.concat_arrays([pa.array(geo.code, pa.string()), null]),
        name=pa.concat_arrays([pa.array(geo.name, pa.string()), null]),
        lon=pa.concat_arrays([_fmt6(lon.ravel()), null]),
        lat=pa.concat_arrays([_fmt6(lat.ravel()), null]),
        location=loc_dict.take(pa.array(np.append(street, len(STREETS)))),
        n_lsoas=n,
    )


@dataclass
class _ForceVintage:
    """Per force and LSOA vintage: which LSOAs rows can land in, and how likely each is."""

    lads: np.ndarray  # LAD ids of the force, in order
    ids: np.ndarray  # LSOA ids ordered by LAD
    cum: np.ndarray  # cumulative weight over ``ids``
    lad_lo: np.ndarray  # first position in ``ids`` of each LAD
    lad_hi: np.ndarray  # one past the last position
    elsewhere: np.ndarray  # LSOA ids of "Elsewhere" in this vintage


def _force_vintage(geo: _Geography, force: int, vintage: int) -> _ForceVintage:
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
    return _ForceVintage(
        lads=lads,
        ids=ids,
        cum=np.cumsum(np.asarray(geo.weight)[ids]),
        lad_lo=hi - counts,
        lad_hi=hi,
        elsewhere=np.flatnonzero(present & (lad_of == elsewhere_lad)),
    )


# --------------------------------------------------------------------------------------------
# Street-level rows
# --------------------------------------------------------------------------------------------


def _month_ordinal(ym: str) -> int:
    try:
        year, month = (int(p) for p in ym.split("-"))
    except ValueError:
        raise ValueError(f"expected YYYY-MM, got {ym!r}") from None
    if not 1 <= month <= 12 or len(ym) != 7:
        raise ValueError(f"expected YYYY-MM, got {ym!r}")
    return year * 12 + month - 1


def _ym(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


_CRIME_SEASON = CRIME_SEASON / np.average(CRIME_SEASON, weights=DAYS_IN_MONTH)
_ASB_SEASON = ASB_SEASON / np.average(ASB_SEASON, weights=DAYS_IN_MONTH)


def _days_in_month(ordinal: int) -> int:
    year, m = divmod(ordinal, 12)
    if m == 1:
        return 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return int(DAYS_IN_MONTH[m])


def _month_table(
    *,
    seed: int,
    force: int,
    ordinal: int,
    end_ordinal: int,
    fv: _ForceVintage,
    tables: _RowTables,
    annual: np.ndarray,
    lads: list[_Lad],
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
        pa.array([_ym(ordinal)]).take(zeros),
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


def _csv_bytes(table: pa.Table, header: Sequence[str], bom: bool = False) -> bytes:
    """CSV exactly like the public files: unquoted header and values, blanks for nulls.

    ``quoting_style="none"`` also guards the format: pyarrow refuses any value containing a
    comma, quote or newline rather than silently quoting it.
    """
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    head = (",".join(header) + "\n").encode("utf-8")
    return (BOM if bom else b"") + head + sink.getvalue().to_pybytes()


def _write(path: Path, data: bytes, compress: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:  # mtime=0 and no file name in the header: byte-identical reruns
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.write_bytes(data)


# --------------------------------------------------------------------------------------------
# Lookups, population, boundaries, README
# --------------------------------------------------------------------------------------------


def _lookup_bytes(geo: _Geography) -> dict[str, bytes]:
    """The three ONS-format LSOA -> ward -> LAD lookups (every LAD, including Elsewhere)."""
    code = np.asarray(geo.code)
    name = np.asarray(geo.name)
    lad = np.asarray(geo.lad)
    lad_code = np.array([x.code for x in geo.lads])[lad]
    lad_name = np.array([x.name for x in geo.lads])[lad]
    ward_code = np.array([w.code for w in geo.wards])
    ward_name = np.array([w.name for w in geo.wards])
    w19 = np.asarray(geo.ward19)
    w23 = np.asarray(geo.ward23)
    s11 = np.flatnonzero(np.asarray(geo.in11))
    s21 = np.flatnonzero(np.asarray(geo.in21))

    def blanks(k: int) -> pa.Array:
        return pa.nulls(k, pa.string())

    t11 = pa.table(
        [
            pa.array(np.arange(1, s11.size + 1)),
            code[s11],
            name[s11],
            ward_code[w19[s11]],
            ward_name[w19[s11]],
            lad_code[s11],
            lad_name[s11],
        ],
        names=list(LOOKUP11_COLUMNS),
    )
    k = s21.size
    t22 = pa.table(
        [
            pa.array(np.arange(1, k + 1)),
            code[s21],
            name[s21],
            ward_code[w19[s21]],  # WD22 = the 2019 ward set (unchanged codes)
            ward_name[w19[s21]],
            blanks(k),
            lad_code[s21],
            lad_name[s21],
            blanks(k),
        ],
        names=list(LOOKUP22_COLUMNS),
    )
    t23 = pa.table(
        [
            code[s21],
            name[s21],
            blanks(k),
            ward_code[w23[s21]],
            ward_name[w23[s21]],
            blanks(k),
            lad_code[s21],
            lad_name[s21],
            blanks(k),
            pa.array(np.arange(1, k + 1)),
        ],
        names=list(LOOKUP23_COLUMNS),
    )
    return {
        LOOKUP11_PATH: _csv_bytes(t11, LOOKUP11_COLUMNS),
        LOOKUP22_PATH: _csv_bytes(t22, LOOKUP22_COLUMNS, bom=True),
        LOOKUP23_PATH: _csv_bytes(t23, LOOKUP23_COLUMNS, bom=True),
    }


def _population_bytes(geo: _Geography) -> bytes:
    """MYE4-style wide table, newest year first, with the real file's " Mid-2006" header."""
    years = list(range(2020, 2000, -1))
    header = ["Code", "Name", "Geography"] + [
        " Mid-2006" if y == 2006 else f"Mid-{y}" for y in years
    ]
    series = []
    for li, lad in enumerate(geo.lads):
        rng = np.random.default_rng([lad.pop2020, li])
        growth = lad.growth + rng.normal(0, 0.0008, len(years) - 1)
        values = lad.pop2020 / np.concatenate([[1.0], np.cumprod(growth)])
        series.append(np.round(values).astype(np.int64))
    england = np.sum(series, axis=0)
    lines = [",".join(header)]
    lines.append(",".join(["E92000001", "ENGLAND", "Country", *map(str, england)]))
    for lad, values in zip(geo.lads, series, strict=True):
        lines.append(",".join([lad.code, lad.name, lad.geography, *map(str, values)]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wards_geojson(geo: _Geography, wards: list[int], code_key: str, name_key: str) -> bytes:
    """Ward rectangles as a CRS84 FeatureCollection (exterior rings anticlockwise, RFC 7946)."""
    features = []
    for wi in wards:
        w = geo.wards[wi]
        x0, y0, x1, y1 = (round(v, 6) for v in w.bbox)
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        features.append(
            {
                "type": "Feature",
                "properties": {code_key: w.code, name_key: w.name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "name": f"{SAMPLE_LABEL}: {code_key[:4]} wards",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    # One feature per line: diff-friendly and small, still plain JSON for any reader.
    head = json.dumps({k: v for k, v in collection.items() if k != "features"})[:-1]
    body = ",\n".join(json.dumps(f, separators=(",", ":")) for f in features)
    return f'{head}, "features": [\n{body}\n]}}\n'.encode()


def _readme(params: dict[str, object], forces: list[str], n_rows: int) -> bytes:
    lines = [
        f"# {SAMPLE_LABEL}",
        "",
        "**All data in this folder is synthetic.** It was generated by `analysis.sample_data`",
        "(`python -m analysis.sample_data`) and describes a fictional area, Sampleton, its",
        "fictional neighbours and fictional police forces. No row is a real crime, and no code",
        "(E01900001.., E05900001.., E06900001, E079000xx) is a real ONS code.",
        "",
        "The files copy the formats of the real public sources so the pipeline can run",
        "without downloads: the data.police.uk street-level archive, the ONS LSOA -> ward ->",
        "LAD lookups (2011/2019, 2021/2022 and 2021/2023), the ONS MYE4 mid-year population",
        "estimates, and ward boundaries as GeoJSON (CRS84).",
        "",
        "## Parameters",
        "",
        *(f"- `{k}`: `{v}`" for k, v in params.items()),
        f"- forces written: {', '.join(forces)}",
        f"- street-level rows written: {n_rows}",
        "",
        "Same parameters -> byte-identical files. Regenerate with:",
        "",
        "```",
        "python -m analysis.sample_data OUT_DIR "
        f"--seed {params['seed']} --start {params['start']} --end {params['end']} "
        f"--forces {params['forces']} --peer-lads {params['n_peer_lads']} "
        f"--lsoas-per-lad {params['lsoas_per_lad']} "
        f"--crimes-per-year {params['area_crimes_per_year']}"
        + (" --gzip" if params["gzip"] else ""),
        "```",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def force_slug(force: int) -> str:
    """Folder/file name of a force: ``sampleshire``, ``sampleshire2``, ``sampleshire3``..."""
    return "sampleshire" if force == 0 else f"sampleshire{force + 1}"


def force_label(force: int) -> str:
    """The "Reported by"/"Falls within" value: ``Sampleshire Police``, ``Sampleshire 2 Police``."""
    return "Sampleshire Police" if force == 0 else f"Sampleshire {force + 1} Police"


def generate_sample(
    out_dir: Path,
    *,
    seed: int = 20240401,
    start: str = "2021-04",
    end: str = "2025-03",
    n_peer_lads: int = 6,
    lsoas_per_lad: int = 60,
    area_crimes_per_year: int = 21000,
    forces: int = 1,
    gzip: bool = False,
) -> dict:
    """Write the synthetic Sampleton data folder to ``out_dir`` and return a summary.

    ``area_crimes_per_year`` is Sampleton's expected recorded crime (excluding ASB) in financial
    year 2021/22; other LADs scale it by population and their own per-head rate, and every
    series follows its trend from there.  The folder is built in a temporary sibling and renamed
    into place, so readers never see a half-written folder and an existing one is replaced.

    Returns ``{"out_dir", "files", "rows_per_month", "rows_total", "parameters"}`` where
    ``files`` are the written paths relative to ``out_dir`` and ``rows_per_month`` maps each
    ``YYYY-MM`` to the number of street-level rows written across all forces.
    """
    out_dir = Path(out_dir)
    first, last = _month_ordinal(start), _month_ordinal(end)
    if last < first:
        raise ValueError(f"end {end} is before start {start}")
    if forces < 1 or n_peer_lads < 0 or area_crimes_per_year < 0:
        raise ValueError("forces must be >= 1, n_peer_lads and area_crimes_per_year >= 0")
    if lsoas_per_lad < SAMPLE_WARDS23 + SAMPLE_SPLITS:
        raise ValueError(f"lsoas_per_lad must be at least {SAMPLE_WARDS23 + SAMPLE_SPLITS}")
    params: dict[str, object] = {
        "seed": seed,
        "start": start,
        "end": end,
        "n_peer_lads": n_peer_lads,
        "lsoas_per_lad": lsoas_per_lad,
        "area_crimes_per_year": area_crimes_per_year,
        "forces": forces,
        "gzip": gzip,
    }

    geo = _build_geography(seed, forces, n_peer_lads, lsoas_per_lad)
    tables = _row_tables(geo, seed)
    sample_pop = geo.lads[0].pop2020
    annual = np.array(
        [area_crimes_per_year * lad.pop2020 / sample_pop * lad.rate for lad in geo.lads]
    )
    vintages = {(f, v): _force_vintage(geo, f, v) for f in range(forces) for v in (2011, 2021)}

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    suffix = ".csv.gz" if gzip else ".csv"
    tasks = [(f, o) for f in range(forces) for o in range(first, last + 1)]

    def run(task: tuple[int, int]) -> tuple[str, int]:
        f, o = task
        table = _month_table(
            seed=seed,
            force=f,
            ordinal=o,
            end_ordinal=last,
            fv=vintages[(f, 2021 if o >= VINTAGE_2021_FROM else 2011)],
            tables=tables,
            annual=annual,
            lads=geo.lads,
            force_label=force_label(f),
        )
        rel = f"police_uk/{force_slug(f)}/{_ym(o)}/{_ym(o)}-{force_slug(f)}-street{suffix}"
        _write(tmp / rel, _csv_bytes(table, STREET_COLUMNS), compress=gzip)
        return rel, table.num_rows

    try:
        files: list[str] = []
        rows_per_month = {_ym(o): 0 for o in range(first, last + 1)}
        # Threads: pyarrow and zlib release the GIL; each task has its own seeded generator,
        # so the output does not depend on scheduling.
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
            for (_, o), (rel, n_rows) in zip(tasks, pool.map(run, tasks), strict=True):
                files.append(rel)
                rows_per_month[_ym(o)] += n_rows
        others = dict(_lookup_bytes(geo))
        others[POPULATION_PATH] = _population_bytes(geo)
        others[WARDS19_PATH] = _wards_geojson(geo, geo.wards19[0], "WD19CD", "WD19NM")
        others[WARDS23_PATH] = _wards_geojson(geo, geo.wards23[0], "WD23CD", "WD23NM")
        rows_total = sum(rows_per_month.values())
        others["README.md"] = _readme(params, [force_slug(f) for f in range(forces)], rows_total)
        for rel, data in others.items():
            _write(tmp / rel, data)
            files.append(rel)

        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            out_dir.rename(old)
            tmp.rename(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {
        "out_dir": str(out_dir),
        "files": sorted(files),
        "rows_per_month": rows_per_month,
        "rows_total": rows_total,
        "parameters": params,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m analysis.sample_data OUT_DIR [--seed N] [--start YYYY-MM] ...``."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.sample_data",
        description=f"Write the {SAMPLE_LABEL} data folder (synthetic, deterministic).",
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=20240401)
    parser.add_argument("--start", default="2021-04", help="first month, YYYY-MM")
    parser.add_argument("--end", default="2025-03", help="last month, YYYY-MM")
    parser.add_argument("--forces", type=int, default=1, help="number of forces (benchmarks)")
    parser.add_argument("--peer-lads", type=int, default=6, help="LADs per force besides one")
    parser.add_argument("--lsoas-per-lad", type=int, default=60)
    parser.add_argument(
        "--crimes-per-year", type=int, default=21000, help="Sampleton crime excl. ASB, FY21/22"
    )
    parser.add_argument("--gzip", action="store_true", help="write .csv.gz street files")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    summary = generate_sample(
        args.out_dir,
        seed=args.seed,
        start=args.start,
        end=args.end,
        n_peer_lads=args.peer_lads,
        lsoas_per_lad=args.lsoas_per_lad,
        area_crimes_per_year=args.crimes_per_year,
        forces=args.forces,
        gzip=args.gzip,
    )
    print(
        f"wrote {len(summary['files'])} files, {summary['rows_total']:,} street-level rows "
        f"to {summary['out_dir']} in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
