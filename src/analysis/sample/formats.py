"""File formats of the real public sources, and the writers that reproduce them exactly.

Why this module exists: every generator in :mod:`analysis.sample` must write files that the
pipeline's readers cannot tell from the real ones (same headers, byte-order marks, quoting and
line endings), so the column lists, the folder layout and the low-level writers live in one
place, shared by the police.uk, area and partner generators.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

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
DEPRIVATION_PATH = "deprivation/IoD2025_LSOA21_sample.csv"
WARDS19_PATH = "boundaries/sample/wards_WD19.geojson"
WARDS23_PATH = "boundaries/sample/wards_WD23.geojson"
BOM = b"\xef\xbb\xbf"  # the real ONS 2021-vintage lookups start with a UTF-8 byte-order mark


def csv_bytes(table: pa.Table, header: Sequence[str], bom: bool = False) -> bytes:
    """CSV exactly like the public files: unquoted header and values, blanks for nulls.

    ``quoting_style="none"`` also guards the format: pyarrow refuses any value containing a
    comma, quote or newline rather than silently quoting it.
    """
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    head = (",".join(header) + "\n").encode("utf-8")
    return (BOM if bom else b"") + head + sink.getvalue().to_pybytes()


def write_file(path: Path, data: bytes, compress: bool = False) -> None:
    """Write ``data`` to ``path`` (creating folders), gzipped reproducibly if ``compress``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:  # mtime=0 and no file name in the header: byte-identical reruns
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.write_bytes(data)


def fy_label(y: int) -> str:
    """Financial year label as the partners' returns write it: 2024 -> ``2024/25``."""
    return f"{y}/{(y + 1) % 100:02d}"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """A plain ``csv``-module file (minimal quoting, ``\\n`` line ends), as partners send."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
