"""Rectangle tilings that lay out the sample area's districts, LSOAs and wards.

Why this module exists: the fictional geography is a grid (each LAD a rectangle cut into LSOA
cells, wards rectangles of whole cells), which keeps every LSOA inside exactly one ward of each
ward set and lets the May 2023 wards be a different tiling of the same area. These are the
pure-geometry helpers behind :func:`analysis.sample.geography.build_geography`.
"""

from __future__ import annotations

import math

import numpy as np


def grid_shape(n: int, bbox: tuple[float, float, float, float]) -> tuple[int, int]:
    """Rows x columns of whole cells for ``n`` LSOAs: roughly square cells, n - nr*nc < nr
    leftover LSOAs are made by halving cells (so any ``n`` works, not just products)."""
    west, south, east, north = bbox
    width_km = (east - west) * 111.32 * math.cos(math.radians((south + north) / 2))
    height_km = (north - south) * 111.32
    nr = min(n, max(1, round(math.sqrt(n * height_km / width_km))))
    return nr, n // nr


def split_sizes(n: int, k: int, shift: int) -> list[int]:
    """``n`` split into ``k`` near-equal integer parts, the larger parts rotated by ``shift``."""
    base, rem = divmod(n, k)
    sizes = [base + 1] * rem + [base] * (k - rem)
    shift %= k
    return sizes[shift:] + sizes[:shift]


def choose_bands(nr: int, nc: int, n_wards: int, avoid: int | None = None) -> int:
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


def tile(
    nr: int, nc: int, n_wards: int, bands: int, shift: int
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Tile an ``nr`` x ``nc`` cell grid into ``n_wards`` rectangles (rows r0:r1, cols c0:c1)."""
    cell_ward = np.full((nr, nc), -1, dtype=np.int64)
    rects: list[tuple[int, int, int, int]] = []
    row_sizes = split_sizes(nr, bands, shift)
    ward_counts = split_sizes(n_wards, bands, shift + 1)
    r = 0
    for i in range(bands):
        c = 0
        for width in split_sizes(nc, ward_counts[i], shift + i):
            cell_ward[r : r + row_sizes[i], c : c + width] = len(rects)
            rects.append((r, r + row_sizes[i], c, c + width))
            c += width
        r += row_sizes[i]
    return cell_ward, rects


def grid_slots(
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
