"""The sample area's reference files: ONS-format lookups, MYE4 population, ward boundaries.

Why this module exists: the pipeline joins crimes to wards and rates them per head through
these files, so they are written from the same :class:`~analysis.sample.geography.Geography`
as the crimes, in the exact shapes of the real ONS downloads (including their quirks: the
2021-vintage lookups' byte-order mark, the MYE4 " Mid-2006" header).
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from analysis.sample.formats import (
    LOOKUP11_COLUMNS,
    LOOKUP11_PATH,
    LOOKUP22_COLUMNS,
    LOOKUP22_PATH,
    LOOKUP23_COLUMNS,
    LOOKUP23_PATH,
    csv_bytes,
)
from analysis.sample.geography import SAMPLE_LABEL, Geography


def lookup_bytes(geo: Geography) -> dict[str, bytes]:
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
        LOOKUP11_PATH: csv_bytes(t11, LOOKUP11_COLUMNS),
        LOOKUP22_PATH: csv_bytes(t22, LOOKUP22_COLUMNS, bom=True),
        LOOKUP23_PATH: csv_bytes(t23, LOOKUP23_COLUMNS, bom=True),
    }


def population_bytes(geo: Geography) -> bytes:
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


def wards_geojson(geo: Geography, wards: list[int], code_key: str, name_key: str) -> bytes:
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


DEPRIVATION_COLUMNS = (
    "LSOA code (2021)",
    "LSOA name (2021)",
    "Local Authority District code (2024)",
    "Local Authority District name (2024)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    "Total population: mid 2022",
)


def deprivation_bytes(geo: Geography, seed: int) -> bytes:
    """An IoD2025-style file for the 2021 LSOAs: IMD decile and mid-2022 population.

    Populations split each authority's mid-2020 estimate across its LSOAs (the sample has
    fewer, larger LSOAs than real ones); deciles follow each LSOA's crime weight with noise, so that the more
    deprived areas have more crime per head, as in real data. Its own seeded generator, so
    adding this file changed no other file of the sample.
    """
    rng = np.random.default_rng([seed, 2025])
    idx = np.flatnonzero(np.asarray(geo.in21))
    lad = np.asarray(geo.lad)[idx]
    weight = np.asarray(geo.weight)[idx]
    share = rng.uniform(0.8, 1.2, size=idx.size)
    pops = np.zeros(idx.size, dtype=np.int64)
    for i, x in enumerate(geo.lads):
        part = lad == i
        if part.any():
            raw = share[part] / share[part].sum() * x.pop2020
            pops[part] = np.round(raw).astype(np.int64)
    score = np.log(weight / pops.clip(min=1)) + rng.normal(0.0, 0.6, size=idx.size)
    ranks = score.argsort().argsort()  # 0 = least crime per head
    decile = 10 - (ranks * 10 // idx.size)  # most crime per head -> decile 1 (most deprived)
    table = pa.table(
        {
            "code": np.asarray(geo.code)[idx],
            "name": np.asarray(geo.name)[idx],
            "lad_code": np.array([x.code for x in geo.lads])[lad],
            "lad_name": np.array([x.name for x in geo.lads])[lad],
            "decile": decile.astype(np.int64),
            "population": pops,
        }
    )
    return csv_bytes(table, DEPRIVATION_COLUMNS)
