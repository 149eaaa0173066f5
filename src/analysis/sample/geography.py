"""The fictional geography of the sample area: districts, wards and LSOAs of both vintages.

Why this module exists: every other sample file (street-level crimes, lookups, population,
ward boundaries) is derived from one consistent model of the area, built here, deterministic
in ``seed`` (one ``numpy`` generator per force and per LAD).

* Geography is a grid: each LAD is a rectangle cut into LSOA rectangles; wards are rectangles
  of whole LSOA cells, so every LSOA lies inside exactly one ward of each ward set and the May
  2023 ward set can be a different tiling of the same area.
* Codes live in fictional ranges (``E01900001``.., ``E05900001``.., ``E06900001``,
  ``E079000xx``) so they can never be confused with, or joined by accident to, real ONS codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from analysis.sample.names import PEER_NAMES, town_names, ward_names
from analysis.sample.tiling import choose_bands, grid_shape, grid_slots, tile

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


@dataclass
class Lad:
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
class Ward:
    """One ward of one ward set; ``lad`` indexes :attr:`Geography.lads`."""

    code: str
    name: str
    lad: int
    bbox: tuple[float, float, float, float]


@dataclass
class Geography:
    """All LADs, wards and LSOAs of every vintage (the "universe"), as parallel arrays.

    LSOAs are indexed 0..U-1 in code order; arrow arrays used for row building have one extra
    trailing null entry (index U) that stands for "no location".
    """

    lads: list[Lad] = field(default_factory=list)
    wards: list[Ward] = field(default_factory=list)
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


def _lad_codes() -> Iterator[str]:
    """Non-metropolitan district codes E07900001.. skipping E07900099 (reserved: Elsewhere)."""
    return (f"E07{900000 + i}" for i in range(1, 100000) if 900000 + i != 900099)


def build_geography(seed: int, forces: int, n_peer_lads: int, lsoas_per_lad: int) -> Geography:
    """Create every LAD, ward and LSOA (both vintages), deterministic in ``seed``."""
    geo = Geography()
    district_codes = _lad_codes()
    n_other = (forces - 1) * (1 + n_peer_lads) + max(0, n_peer_lads - len(PEER_NAMES))
    generated = iter(town_names(seed, n_other))
    peer_slots = grid_slots(PEER_REGION, n_peer_lads, rows=2) if n_peer_lads else []
    other_slots = iter(grid_slots(OTHER_FORCES_REGION, (forces - 1) * (1 + n_peer_lads)))

    # LADs first (cheap), so codes/positions do not depend on the LSOA work below.
    for f in range(forces):
        rng = np.random.default_rng([seed, 1, f])
        if f == 0:
            geo.lads.append(
                Lad(
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
                    Lad(
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
                Lad(
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
                Lad(
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
        nr, nc = grid_shape(n_lsoas, lad.bbox)
        west, south, east, north = lad.bbox
        xs = np.linspace(west, east, nc + 1)
        ys = np.linspace(north, south, nr + 1)  # row 0 is the northern edge
        xs[1:-1] += rng.uniform(-0.25, 0.25, nc - 1) * (east - west) / nc
        ys[1:-1] -= rng.uniform(-0.25, 0.25, nr - 1) * (north - south) / nr

        # Ward tilings: Sampleton has 22 wards (2019) and a different tiling of 24 (May 2023);
        # every other LAD keeps one ward set (codes unchanged in all three lookups).
        if sample:
            b19 = choose_bands(nr, nc, SAMPLE_WARDS19)
            b23 = choose_bands(nr, nc, SAMPLE_WARDS23, avoid=b19)
            tilings = [
                (tile(nr, nc, SAMPLE_WARDS19, b19, 0), SAMPLE_WARD19_START),
                (tile(nr, nc, SAMPLE_WARDS23, b23, 1), SAMPLE_WARD23_START),
            ]
        else:
            n_wards = max(1, round(nr * nc / 3))
            tilings = [(tile(nr, nc, n_wards, choose_bands(nr, nc, n_wards), 0), next_ward)]
            next_ward += n_wards
        cell_wards: list[np.ndarray] = []
        ward_sets: list[list[int]] = []
        for (cell_ward, rects), start in tilings:
            names = ward_names(rng, len(rects))
            ids = []
            for k, (r0, r1, c0, c1) in enumerate(rects):
                bbox = (float(xs[c0]), float(ys[r1]), float(xs[c1]), float(ys[r0]))
                geo.wards.append(Ward(f"E05{start + k}", names[k], li, bbox))
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
