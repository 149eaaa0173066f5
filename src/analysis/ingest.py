"""Ingest: police.uk files -> tidy Parquet for one area, with an account of every row.

Output (under ``data/processed/<area>/``):

* ``police_uk_area.parquet`` - the area's rows, all months: month, crime_id, lsoa_code,
  lsoa_vintage, lad_code, crime_type, crime_group, measure, longitude, latitude,
  source_file, source_row.
* ``lad_month_counts.parquet`` - rows per local authority, month and measure for every
  authority in the force files (the peer comparison).
* ``ingest_report.json`` - per file: rows read, rows with a blank LSOA, rows whose LSOA is
  in no lookup, rows outside the area, rows kept. Nothing is dropped without being counted.

Area membership is decided by joining the LSOA code to the ONS lookup of the file's LSOA
vintage, never by the LSOA name.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.config import AreaConfig
from analysis.crime_types import CRIME_GROUPS, group_of, measure_of
from analysis.errors import InputDataError
from analysis.geography import read_lsoa_lookup, vintages_by_file, ward_table
from analysis.periods import Period
from analysis.police_uk import discover, read_street_file

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    raw: pd.DataFrame  # every row read, typed, with lad_code (for validation and peers)
    area: pd.DataFrame  # the area's rows
    report: dict


def read_all(config: AreaConfig) -> tuple[pd.DataFrame, list]:
    """Read every configured street file into one typed frame (Arrow-backed strings)."""
    files = discover(config.police_uk, config.forces)
    tables = []
    for sf in files:
        tables.append(read_street_file(sf))
        log.debug("read %s (%d rows)", sf.name, tables[-1].num_rows)
    table = pa.concat_tables(tables, promote_options="permissive").unify_dictionaries()
    df = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    for col in ("source_file", "force", "month", "crime_type", "falls_within"):
        df[col] = df[col].astype("category")
    check_forces(df)
    log.info(
        "read %d rows from %d files (%s to %s)",
        len(df),
        len(files),
        files[0].month,
        files[-1].month,
    )
    return df, files


def attach_geography(df: pd.DataFrame, config: AreaConfig) -> pd.DataFrame:
    """Add lsoa_vintage and lad_code (and lad_name) by the lookup of each file's vintage.

    Vectorised over LSOA categories: each distinct code is looked up once per vintage.
    """
    lookups = {v: read_lsoa_lookup(p) for v, p in config.lsoa_lookups.items()}
    lsoa = df["lsoa_code"].astype("category")
    cats = lsoa.cat.categories
    codes = lsoa.cat.codes.to_numpy()
    sources = df["source_file"].cat
    best = vintages_by_file(sources.codes.to_numpy(), len(sources.categories), codes, cats, lookups)
    vintage_of_file = dict(zip(sources.categories, best, strict=True))
    file_vintage = df["source_file"].map(vintage_of_file).astype("int16")
    lad = np.full(len(df), None, dtype=object)
    lad_name = np.full(len(df), None, dtype=object)
    for vintage, lk in lookups.items():
        indexed = lk.set_index("lsoa_code")
        by_cat = indexed["lad_code"].reindex(cats).to_numpy(dtype=object)
        name_by_cat = (
            indexed["lad_name"].reindex(cats).to_numpy(dtype=object) if "lad_name" in lk else by_cat
        )
        mask = (file_vintage.to_numpy() == vintage) & (codes >= 0)
        lad[mask] = by_cat[codes[mask]]
        lad_name[mask] = name_by_cat[codes[mask]]
    out = df.assign(
        lsoa_vintage=file_vintage.to_numpy(),
        lad_code=pd.Categorical(lad),
        lad_name=pd.Categorical(lad_name),
    )
    return out


def check_forces(df: pd.DataFrame) -> None:
    """A file of another force renamed into this force's folder would be counted as ours.

    Each file's "Falls within" must be the name most of the force's files carry.
    """
    main = df.groupby(["force", "source_file"], observed=True)["falls_within"].agg(
        lambda s: s.mode().iloc[0] if s.notna().any() else None
    )
    for force, per_file in main.groupby(level="force", observed=True):
        usual = per_file.mode()
        if per_file.size < 2 or usual.empty:
            continue
        odd = per_file[per_file != usual.iloc[0]]
        if len(odd) and len(odd) < len(per_file) / 2:
            (_, name), value = next(iter(odd.items()))
            raise InputDataError(
                f"{name}: column 'Falls within' says {value!r}, but the other {force} files say "
                f"{usual.iloc[0]!r}: is this another force's file?"
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


def account(df: pd.DataFrame, config: AreaConfig) -> list[dict]:
    """Per-file counts of rows kept and rows excluded, and why."""
    in_area = df["lad_code"].isin(config.local_authority_codes).to_numpy()
    blank = df["lsoa_code"].isna().to_numpy()
    unknown = (~blank) & df["lad_code"].isna().to_numpy()
    outside = (~blank) & (~unknown) & (~in_area)
    flags = pd.DataFrame(
        {
            "source_file": df["source_file"],
            "month": df["month"],
            "rows": 1,
            "blank_lsoa": blank,
            "lsoa_not_in_lookup": unknown,
            "outside_area": outside,
            "kept": in_area,
        }
    )
    per_file = (
        flags.groupby(["source_file", "month"], observed=True).sum(numeric_only=True).reset_index()
    )
    vint = df.groupby("source_file", observed=True)["lsoa_vintage"].first()
    per_file["lsoa_vintage"] = per_file["source_file"].map(vint).astype(int)
    per_file = per_file.sort_values(["month", "source_file"])
    records = per_file.astype({"source_file": str, "month": str}).to_dict(orient="records")
    return [
        {k: (int(v) if isinstance(v, (np.integer, bool, np.bool_)) else v) for k, v in r.items()}
        for r in records
    ]


def build_area_table(df: pd.DataFrame, config: AreaConfig) -> pd.DataFrame:
    area = df.loc[df["lad_code"].isin(config.local_authority_codes)].copy()
    area["crime_type"] = area["crime_type"].astype(str)
    area["crime_group"] = group_of(area["crime_type"]).astype("string")
    area["measure"] = measure_of(area["crime_type"]).astype(str)
    cols = [
        "month", "crime_id", "lsoa_code", "lsoa_name", "lsoa_vintage", "lad_code", "crime_type",
        "crime_group", "measure", "longitude", "latitude", "source_file", "source_row",
    ]  # fmt: skip
    area = area[cols]
    for col in ("month", "lad_code", "source_file"):
        area[col] = area[col].astype(str)
    area = area.sort_values(["month", "source_file", "source_row"], kind="stable").reset_index(
        drop=True
    )
    return area


def lad_month_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Rows per local authority, month and measure across the whole force extract."""
    cols = ["lad_code", "lad_name", "month", "crime_type"]  # never copy the wide columns
    known = df[cols].loc[df["lad_code"].notna() & df["crime_type"].isin(list(CRIME_GROUPS))]
    measure = measure_of(known["crime_type"].astype(str))
    counts = (
        known.assign(measure=measure)
        .groupby(["lad_code", "lad_name", "month", "measure"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )
    for col in ("lad_code", "lad_name", "month", "measure"):
        counts[col] = counts[col].astype(str)
    return counts.sort_values(["lad_code", "month", "measure"]).reset_index(drop=True)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write deterministically (no pandas index, fixed row group) via a temp file + rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    table = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, tmp, compression="zstd", row_group_size=1_000_000)
    os.replace(tmp, path)


def write_json(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


def period_table(area: pd.DataFrame, config: AreaConfig, period: Period) -> pd.DataFrame:
    """The area's rows for the period and its comparison period, with the period's wards."""
    ward_set = config.ward_set_for(period)
    wards = ward_table(ward_set.lookups, config.local_authority_codes)
    months = set(period.months) | set(period.previous().months)
    rows = area.loc[area["month"].isin(months)]
    merged = rows.merge(wards, on=["lsoa_vintage", "lsoa_code"], how="left", validate="many_to_one")
    merged["in_period"] = merged["month"].isin(set(period.months))
    return merged.reset_index(drop=True)
