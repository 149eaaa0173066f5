"""Ingest: police.uk files -> tidy Parquet for one area, with an account of every row.

Output (under ``data/processed/<area>/``):

* ``police_uk_area.parquet`` - the area's rows, all months: month, crime_id, lsoa_code,
  lsoa_name, lsoa_vintage, lad_code, crime_type, crime_group, measure, longitude, latitude,
  source_file, source_row.
* ``lad_month_counts.parquet`` - rows per local authority, month, measure and crime group
  for every authority in the force files (the peer comparisons).
* ``ingest_report.json`` - per file: rows read, rows with a blank LSOA, rows whose LSOA is
  in no lookup, rows outside the area, rows kept. Nothing is dropped without being counted.

Area membership is decided by joining the LSOA code to the ONS lookup of the file's LSOA
vintage, never by the LSOA name.

Why it streams: a national year is about 6 million rows in 516 files. Holding them as one
frame took 4 GB and most of the run. Instead each file is read, checked and reduced on its
own (:func:`scan_file`), files are read in parallel threads (Arrow's CSV parser releases the
GIL), and only the area's rows, the per-authority counts and the check tallies are kept. The
work per file is done on its few hundred distinct values (Arrow dictionary arrays), so
the ingest costs little more than parsing the CSV text. ``make bench`` measures it.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.checks.arrow import ArrowSuite, Tally
from analysis.checks.results import CheckResult, raise_for_critical
from analysis.config import AreaConfig
from analysis.errors import InputDataError
from analysis.sources.crime_types import (
    ASB,
    CRIME_GROUPS,
    KNOWN_CRIME_TYPES,
    KNOWN_GROUPS,
    group_of,
)
from analysis.sources.lookups import LsoaIndex, read_lsoa_lookup
from analysis.sources.police_uk import StreetFile, discover, read_street_file

log = logging.getLogger(__name__)

AREA_COLUMNS = [
    "month", "crime_id", "lsoa_code", "lsoa_name", "lsoa_vintage", "lad_code", "crime_type",
    "crime_group", "measure", "longitude", "latitude", "source_file", "source_row",
]  # fmt: skip


@dataclass
class FileScan:
    """What one file leaves behind once read: everything else is dropped."""

    account: dict  # rows read, blank LSOA, LSOA not in lookup, outside the area, kept
    falls_within: str | None  # the file's commonest "Falls within" value
    area_rows: pa.Table | None  # the area's rows (AREA_COLUMNS less crime_group and measure)
    lad_counts: tuple[np.ndarray, np.ndarray]  # (lad row x groups + group code, count)
    tallies: list[Tally]  # the raw suite's rules on this file


@dataclass
class Ingested:
    files: list[StreetFile]
    area: pd.DataFrame
    lad_counts: pd.DataFrame
    report: list[dict]
    raw_checks: list[CheckResult]


class Scanner:
    """The per-run state each file's scan needs: the LSOA index, the area, the raw suite."""

    def __init__(self, config: AreaConfig, suite: ArrowSuite) -> None:
        lookups = {v: read_lsoa_lookup(p) for v, p in config.lsoa_lookups.items()}
        self.geo = LsoaIndex.from_lookups(lookups)
        self.in_area = self.geo.lads["lad_code"].isin(config.local_authority_codes).to_numpy()
        self.lad_codes = pa.array(self.geo.lads["lad_code"].tolist(), pa.string())
        self.suite = suite

    def scan(self, sf: StreetFile) -> FileScan:
        table = read_street_file(sf)
        tallies = self.suite.tally(table, sf.name)
        n = table.num_rows
        lsoa = table.column("lsoa_code").chunk(0)
        vintage, lad_of_value = self.geo.resolve(lsoa.dictionary.to_pylist())
        crime_type = table.column("crime_type").chunk(0)
        # One pass over the rows: how many of each (LSOA value, crime type value) pair, with a
        # slot at the end of each for blanks. Everything below but the kept rows is worked out
        # on this small table, not on the rows.
        n_lsoa, n_type = len(lsoa.dictionary) + 1, len(crime_type.dictionary) + 1
        lsoa_idx = lsoa.indices.fill_null(n_lsoa - 1).to_numpy()
        type_idx = crime_type.indices.fill_null(n_type - 1).to_numpy()
        pairs = np.bincount(
            lsoa_idx.astype(np.int64) * n_type + type_idx, minlength=n_lsoa * n_type
        ).reshape(n_lsoa, n_type)
        per_lsoa = pairs.sum(axis=1)
        lad = np.append(lad_of_value, -1)  # per LSOA value; the blank slot has none
        known = lad >= 0
        kept_value = known & self.in_area[np.maximum(lad, 0)]
        blank_rows = int(per_lsoa[-1])
        unknown_rows = int(per_lsoa[:-1][~known[:-1]].sum())
        n_kept = int(per_lsoa[kept_value].sum())

        group = np.append(_group_codes(crime_type.dictionary), -1)  # per type value
        n_groups = len(KNOWN_GROUPS)
        by_group = np.zeros((n_lsoa, n_groups), dtype=np.int64)
        for code in range(n_groups):  # a dozen groups, not rows
            by_group[:, code] = pairs[:, group == code].sum(axis=1)
        lad_keys = lad[known].astype(np.int64)[:, None] * n_groups + np.arange(n_groups)
        bins = np.bincount(lad_keys.ravel(), weights=by_group[known].ravel()).astype(np.int64)
        nz = np.flatnonzero(bins)  # (authority, crime group) pairs present, and their counts

        area_rows = None
        if n_kept:  # rows only for a file that has some of the area's rows
            kept = kept_value[lsoa_idx]
            take = pa.array(np.flatnonzero(kept))
            picked = table.select(
                [
                    "month",
                    "crime_id",
                    "lsoa_code",
                    "lsoa_name",
                    "crime_type",
                    "longitude",
                    "latitude",
                    "source_row",
                ]  # fmt: skip
            ).take(take)
            area_rows = pa.table(
                {
                    "month": _plain_text(picked.column("month")),
                    "crime_id": pc.utf8_trim_whitespace(picked.column("crime_id")),
                    "lsoa_code": _plain_text(picked.column("lsoa_code")),
                    "lsoa_name": pc.utf8_trim_whitespace(picked.column("lsoa_name")),
                    "lsoa_vintage": pa.array(np.full(n_kept, vintage, dtype=np.int16)),
                    "lad_code": self.lad_codes.take(pa.array(lad[lsoa_idx[kept]])),
                    "crime_type": _plain_text(picked.column("crime_type")),
                    "longitude": picked.column("longitude"),
                    "latitude": picked.column("latitude"),
                    "source_file": pa.array([sf.name] * n_kept, pa.string()),
                    "source_row": picked.column("source_row"),
                }
            )
        account = {
            "source_file": sf.name,
            "month": sf.month,
            "rows": n,
            "blank_lsoa": blank_rows,
            "lsoa_not_in_lookup": unknown_rows,
            "outside_area": n - blank_rows - unknown_rows - n_kept,
            "kept": n_kept,
            "lsoa_vintage": int(vintage),
        }
        return FileScan(
            account=account,
            falls_within=_commonest(table.column("falls_within").chunk(0)),
            area_rows=area_rows,
            lad_counts=(nz, bins[nz]),
            tallies=tallies,
        )


def _group_codes(types: pa.Array) -> np.ndarray:
    """Per distinct crime type: its group's index in KNOWN_GROUPS, -1 if unknown (not counted)."""
    text = types.to_numpy(zero_copy_only=False)
    index = {g: i for i, g in enumerate(KNOWN_GROUPS)}
    return np.array([index.get(CRIME_GROUPS.get(t), -1) for t in text], dtype=np.int16)


def _plain_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(col, pa.string())


def _commonest(arr: pa.DictionaryArray) -> str | None:
    """The commonest non-blank value (ties: the alphabetically first), or None if all blank."""
    counts = Counter()
    indices = arr.indices.drop_null().to_numpy()
    if not len(indices):
        return None
    for value, count in zip(
        arr.dictionary.to_pylist(), np.bincount(indices, minlength=len(arr.dictionary)), strict=True
    ):
        counts[value] += int(count)
    top = max(counts.values())
    return min(v for v, c in counts.items() if c == top)


def workers() -> int:
    """Threads for reading files: the CPUs this process may use, at most 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))


def make_scanner(config: AreaConfig, files: list[StreetFile]) -> Scanner:
    """The lookups, the area and the raw suite (with this run's months), built once per run."""
    months = sorted({f.month for f in files})
    suite = ArrowSuite(
        "police_uk_raw",
        {
            "expected_months": months,
            "known_crime_types": KNOWN_CRIME_TYPES,
            "min_rows": 100 * len(months),
            "max_rows": 2_000_000 * len(months),
        },
    )
    return Scanner(config, suite)


def scan_files(scanner: Scanner, files: list[StreetFile]) -> list[FileScan]:
    """Every file read, checked and reduced, in parallel threads; results in file order.

    A bad file's error is raised in file order, so the same input always gives the same message.
    """
    with ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="ingest") as pool:
        return list(pool.map(scanner.scan, files))


def ingest_files(config: AreaConfig) -> Ingested:
    """Read, check and reduce every configured street file; stop on bad input."""
    files = discover(config.police_uk, config.forces)
    scanner = make_scanner(config, files)
    scans = scan_files(scanner, files)
    log.info(
        "read %d rows from %d files (%s to %s) in %d threads",
        sum(s.account["rows"] for s in scans),
        len(files),
        files[0].month,
        files[-1].month,
        workers(),
    )
    check_forces(files, [s.falls_within for s in scans])
    raw_checks = scanner.suite.results([s.tallies for s in scans])
    raise_for_critical(raw_checks, context="police.uk extract")
    report = sorted((s.account for s in scans), key=lambda r: (r["month"], r["source_file"]))
    check_unmatched(report, config)
    return Ingested(
        files=files,
        area=build_area_table([s.area_rows for s in scans if s.area_rows is not None]),
        lad_counts=lad_month_counts(files, scans, scanner.geo),
        report=report,
        raw_checks=raw_checks,
    )


def check_forces(files: list[StreetFile], falls_within: list[str | None]) -> None:
    """A file of another force renamed into this force's folder would be counted as ours.

    Each file's "Falls within" must be the name most of the force's files carry.
    """
    per_force: dict[str, list[tuple[str, str | None]]] = {}
    for sf, value in zip(files, falls_within, strict=True):
        per_force.setdefault(sf.force, []).append((sf.name, value))
    for force, entries in per_force.items():
        values = [v for _, v in entries if v is not None]
        if len(entries) < 2 or not values:
            continue
        counts = Counter(values)
        top = max(counts.values())
        usual = min(v for v, c in counts.items() if c == top)
        odd = [(name, v) for name, v in entries if v != usual]
        if odd and len(odd) < len(entries) / 2:
            name, value = odd[0]
            raise InputDataError(
                f"{name}: column 'Falls within' says {value!r}, but the other {force} files say "
                f"{usual!r}: is this another force's file?"
            )


def check_unmatched(report: list[dict], config: AreaConfig) -> None:
    """Well-formed LSOA codes missing from the lookup usually mean the wrong lookup (vintage or
    release): stop rather than under-count the area. A handful is tolerated and reported."""
    limit = float(config.thresholds.get("max_unmatched_share", 0.01))
    for r in report:
        if r["rows"] and r["lsoa_not_in_lookup"] / r["rows"] > limit:
            lookup = config.lsoa_lookups[r["lsoa_vintage"]].name
            raise InputDataError(
                f"{r['source_file']}: {r['lsoa_not_in_lookup']:,} of {r['rows']:,} rows have an LSOA code "
                f"that is not in {lookup} (more than {limit:.0%}); is the lookup complete and of the "
                f"right vintage ({r['lsoa_vintage']})?"
            )


def build_area_table(parts: list[pa.Table]) -> pd.DataFrame:
    """The area's rows from every file, with comparable group and measure, in file order."""
    if parts:
        table = pa.concat_tables(parts)
    else:
        fields = [(c, pa.string()) for c in AREA_COLUMNS if c not in ("crime_group", "measure")]
        types = {"lsoa_vintage": pa.int16(), "longitude": pa.float64(), "latitude": pa.float64(),
                 "source_row": pa.int64()}  # fmt: skip
        table = pa.schema([(c, types.get(c, t)) for c, t in fields]).empty_table()
    area = table.to_pandas()
    area["crime_group"] = group_of(area["crime_type"]).astype("str")
    area["measure"] = np.where(area["crime_type"] == ASB, "asb", "crime")
    area["measure"] = area["measure"].astype("str")
    area = area[AREA_COLUMNS]
    return area.sort_values(["month", "source_file", "source_row"], kind="stable").reset_index(
        drop=True
    )


def lad_month_counts(
    files: list[StreetFile], scans: list[FileScan], geo: LsoaIndex
) -> pd.DataFrame:
    """Rows per local authority, month, measure and crime group across every file read (peers)."""
    keys = [s.lad_counts[0] for s in scans]
    sizes = [len(k) for k in keys]
    counts = pd.DataFrame(
        {
            "key": np.concatenate(keys) if keys else np.array([], dtype=np.int64),
            "month": np.repeat([f.month for f in files], sizes).astype(object),
            "count": np.concatenate([s.lad_counts[1] for s in scans]) if keys else [],
        }
    )
    counts = counts.groupby(["key", "month"], as_index=False)["count"].sum()
    key = counts["key"].to_numpy(dtype=np.int64)
    lads = geo.lads.iloc[key // len(KNOWN_GROUPS)]
    groups = np.asarray(KNOWN_GROUPS, dtype=object)[key % len(KNOWN_GROUPS)]
    out = pd.DataFrame(
        {
            "lad_code": lads["lad_code"].to_numpy(),
            "lad_name": lads["lad_name"].to_numpy(),
            "month": counts["month"].to_numpy(),
            "measure": np.where(groups == ASB, "asb", "crime"),
            "crime_group": groups,
            "count": counts["count"].to_numpy(dtype=np.int64),
        }
    )
    for col in ("lad_code", "lad_name", "month", "measure", "crime_group"):
        out[col] = out[col].astype("str")
    return out.sort_values(["lad_code", "month", "measure", "crime_group"]).reset_index(drop=True)
