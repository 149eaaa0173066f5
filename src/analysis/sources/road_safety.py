"""Road casualties for an area by calendar year: killed or seriously injured (KSI) and slight.

Why this module exists
----------------------
CSPs report KSI casualties against a baseline average and a reduction target (the seeds:
"reduce KSI casualties to 48 by 2020, a 40% reduction on the 2005-2009 baseline average").
The source is the Department for Transport's road safety open data (STATS19): a collision
file and a casualty file, joined on the collision index, the area taken from the collision's
local authority code. An area that only receives a summary can instead supply an
*aggregated return* (a CSV of year, KSI and slight counts).

Published column names (DfT ``dft-road-casualty-statistics-*`` CSVs)
-------------------------------------------------------------------
Files published up to 2023 use ``accident_index``, ``accident_year``,
``accident_reference``; later files use ``collision_index``, ``collision_year`` and
``collision_ref_no``/``collision_reference``. Both are accepted (:data:`INDEX_COLUMNS`,
:data:`YEAR_COLUMNS`). The area is ``local_authority_ons_district`` (ONS code, e.g.
E06000035) in the collision file; severity is ``casualty_severity`` in the casualty file,
1 = fatal, 2 = serious, 3 = slight. KSI = fatal + serious.

Design notes
------------
* National files are large (roughly 100k casualties a year; the 1979-to-latest file has
  millions of rows), so both files are read in chunks with only the needed columns, and each
  chunk is filtered with vectorised ``isin`` before anything is kept: the collisions of the
  area first, then only the casualties of those collisions.
* Years the extract covers but with no casualty in the area count as 0; years outside the
  extract are absent (not 0), so a short extract is not mistaken for a fall.
* Since 2016 more police forces record injuries with CRASH, which classifies severity
  differently; DfT publishes severity-*adjusted* figures (``casualty_adjusted_severity_*``
  probabilities). ``adjusted=True`` uses them where present (fatal casualties are never
  adjusted); the default is the recorded severity, which is what the seed targets used.
* Target trajectory: a straight line from the baseline average, placed at the last baseline
  year (configurable), to the target in the target year, held flat after it. "On track"
  means at or below the line.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputDataError, input_error
from analysis.sources.raw_files import open_csv_stream, read_bytes

INDEX_COLUMNS: tuple[str, ...] = ("collision_index", "accident_index")
YEAR_COLUMNS: tuple[str, ...] = ("collision_year", "accident_year")
LA_COLUMN = "local_authority_ons_district"
SEVERITY_COLUMN = "casualty_severity"
ADJUSTED_SERIOUS = "casualty_adjusted_severity_serious"
ADJUSTED_SLIGHT = "casualty_adjusted_severity_slight"
FATAL, SERIOUS, SLIGHT = 1, 2, 3

#: Columns of the yearly table.
ROAD_COLUMNS: tuple[str, ...] = (
    "year",
    "fatal",
    "serious",
    "ksi",
    "slight",
    "casualties",
    "source",
)

_CHUNK = 500_000


@contextmanager
def _csv(path: Path) -> Iterator[tuple[list[str], io.BufferedReader]]:
    """The file's header and a stream after it: one open, hashed (see :mod:`raw_files`)."""
    if not path.exists():
        raise input_error(path, "file not found")
    try:
        with open_csv_stream(path) as (header, stream):
            yield header, stream
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise input_error(path, f"not a readable CSV file: {exc}") from None


def _chunks(stream: io.BufferedReader, header: list[str], usecols: list[str], chunksize: int):
    """The data rows in chunks, indexed from 0 for the first row after the header."""
    return pd.read_csv(stream, header=None, names=header, usecols=usecols, dtype=str,
                       chunksize=chunksize, encoding="utf-8")  # fmt: skip


def _pick(path: Path, header: Sequence[str], options: Sequence[str], what: str) -> str:
    for name in options:
        if name in header:
            return name
    raise input_error(
        path,
        f"no {what} column: expected one of {', '.join(options)} (DfT road safety open data); "
        f"the file has {', '.join(header[:12])}{' ...' if len(header) > 12 else ''}",
        row=1,
    )


def read_stats19(
    collisions: str | Path,
    casualties: str | Path,
    la_codes: Iterable[str],
    *,
    years: tuple[int, int] | None = None,
    adjusted: bool = False,
    chunksize: int = _CHUNK,
) -> pd.DataFrame:
    """KSI and slight casualties by year for collisions in ``la_codes`` (see module docstring).

    Returns :data:`ROAD_COLUMNS`, one row per year the collision file covers (restricted to
    ``years`` inclusive when given). Raises :class:`InputDataError` naming the file, row and
    column for a missing column or a severity that is not 1, 2 or 3.
    """
    coll_path, cas_path = Path(collisions), Path(casualties)
    codes = {str(c).strip() for c in la_codes}
    if not codes:
        raise InputDataError("road safety: no local authority codes to select collisions by")
    with _csv(coll_path) as (ch, stream):
        area, covered = _area_collisions(coll_path, ch, stream, codes, years, chunksize)
    if area.empty:  # zero casualties every year would be a plausible, wrong road-safety section
        raise input_error(coll_path, f"no collision in the file is in the partnership's "
                          f"authorities ({', '.join(sorted(codes))}) in the years asked for: is it "
                          "the right extract?", column=LA_COLUMN)  # fmt: skip
    with _csv(cas_path) as (kh, stream):
        counts = _casualties(cas_path, kh, stream, area, adjusted, chunksize)
    span = sorted(y for y in covered if years is None or years[0] <= y <= years[1])
    counts = counts.reindex(span, fill_value=0.0)
    out = pd.DataFrame(
        {
            "year": np.asarray(span, dtype="int64"),
            "fatal": counts["fatal"].to_numpy(),
            "serious": counts["serious"].to_numpy(),
        }
    )
    out["ksi"] = out["fatal"] + out["serious"]
    out["slight"] = counts["slight"].to_numpy()
    out["casualties"] = out["ksi"] + out["slight"]
    out["source"] = "DfT road safety open data" + (" (severity-adjusted)" if adjusted else "")
    return out[list(ROAD_COLUMNS)]


def _area_collisions(
    coll_path: Path,
    ch: list[str],
    stream: io.BufferedReader,
    codes: set[str],
    years: tuple[int, int] | None,
    chunksize: int,
) -> tuple[pd.DataFrame, set[int]]:
    """The area's collisions (index, year) and every year the file covers."""
    c_index = _pick(coll_path, ch, INDEX_COLUMNS, "collision index")
    c_year = _pick(coll_path, ch, YEAR_COLUMNS, "collision year")
    if LA_COLUMN not in ch:
        raise input_error(
            coll_path, "needs the local authority code column", row=1, column=LA_COLUMN
        )

    area_parts, covered = [], set()
    with _chunks(stream, ch, [c_index, c_year, LA_COLUMN], chunksize) as reader:
        for chunk in reader:
            yr = pd.to_numeric(chunk[c_year], errors="coerce")
            bad = yr.isna()
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise input_error(
                    coll_path,
                    f"year '{chunk[c_year].iloc[i]}' is not a number",
                    row=int(chunk.index[i]) + 2,
                    column=c_year,
                )
            covered.update(int(y) for y in pd.unique(yr))
            keep = chunk[LA_COLUMN].str.strip().isin(codes).to_numpy()
            if years is not None:
                keep = keep & ((yr >= years[0]) & (yr <= years[1])).to_numpy()
            if keep.any():
                area_parts.append(
                    pd.DataFrame(
                        {
                            "index": chunk[c_index].to_numpy()[keep],
                            "year": yr.to_numpy()[keep].astype(int),
                        }
                    )
                )
    area = (
        pd.concat(area_parts, ignore_index=True)
        if area_parts
        else pd.DataFrame({"index": [], "year": []})
    )

    return area, covered


def _casualties(
    cas_path: Path,
    kh: list[str],
    stream: io.BufferedReader,
    area: pd.DataFrame,
    adjusted: bool,
    chunksize: int,
) -> pd.DataFrame:
    """Fatal, serious and slight casualties by year in the area's collisions."""
    k_index = _pick(cas_path, kh, INDEX_COLUMNS, "collision index")
    if SEVERITY_COLUMN not in kh:
        raise input_error(
            cas_path, "needs the casualty severity column", row=1, column=SEVERITY_COLUMN
        )
    extra = [c for c in (ADJUSTED_SERIOUS, ADJUSTED_SLIGHT) if adjusted and c in kh]
    if adjusted and len(extra) < 2:
        raise input_error(
            cas_path,
            f"adjusted figures asked for but the file lacks {ADJUSTED_SERIOUS}/{ADJUSTED_SLIGHT}",
            row=1,
        )
    wanted = set(area["index"])
    cas_parts = []
    with _chunks(stream, kh, [k_index, SEVERITY_COLUMN, *extra], chunksize) as reader:
        for chunk in reader:
            keep = chunk[k_index].isin(wanted)
            if not keep.any():
                continue
            part = chunk[keep]
            sev = pd.to_numeric(part[SEVERITY_COLUMN], errors="coerce")
            bad = ~sev.isin([FATAL, SERIOUS, SLIGHT])
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise input_error(
                    cas_path,
                    f"severity '{part[SEVERITY_COLUMN].iloc[i]}' is not 1 (fatal), 2 (serious) or 3 (slight)",
                    row=int(part.index[i]) + 2,
                    column=SEVERITY_COLUMN,
                )
            frame = pd.DataFrame(
                {"index": part[k_index].to_numpy(), "severity": sev.astype(int).to_numpy()}
            )
            for c in extra:
                frame[c] = pd.to_numeric(part[c], errors="coerce").to_numpy()
            cas_parts.append(frame)
    cas = (
        pd.concat(cas_parts, ignore_index=True)
        if cas_parts
        else pd.DataFrame(
            {
                "index": pd.Series(dtype=str),
                "severity": pd.Series(dtype=int),
                **{c: pd.Series(dtype=float) for c in extra},
            }
        )
    )
    cas = cas.merge(area, on="index", how="inner")
    fatal = (cas["severity"] == FATAL).astype(float)
    if adjusted:
        # CRASH-era probabilities where given; recorded severity where not; fatal unadjusted
        serious = cas[ADJUSTED_SERIOUS].where(
            cas[ADJUSTED_SERIOUS].notna(), (cas["severity"] == SERIOUS).astype(float)
        )
        slight = cas[ADJUSTED_SLIGHT].where(
            cas[ADJUSTED_SLIGHT].notna(), (cas["severity"] == SLIGHT).astype(float)
        )
        serious = serious.where(cas["severity"] != FATAL, 0.0)
        slight = slight.where(cas["severity"] != FATAL, 0.0)
    else:
        serious = (cas["severity"] == SERIOUS).astype(float)
        slight = (cas["severity"] == SLIGHT).astype(float)
    counts = (
        pd.DataFrame({"year": cas["year"], "fatal": fatal, "serious": serious, "slight": slight})
        .groupby("year")
        .sum()
    )
    return counts


def read_road_return(path: str | Path) -> pd.DataFrame:
    """An aggregated return: a CSV with year, ksi and slight (optional fatal, serious)."""
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found")
    try:
        raw = pd.read_csv(io.BytesIO(read_bytes(path)), dtype=str, encoding="utf-8-sig",
                          keep_default_na=False)  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise input_error(path, f"not a readable CSV file: {exc}") from None
    raw.columns = header = [str(c).strip() for c in raw.columns]
    lower = {h.lower(): h for h in header}
    missing = [c for c in ("year", "ksi", "slight") if c not in lower]
    if missing:
        raise input_error(
            path, f"needs columns year, ksi, slight; missing {', '.join(missing)}", row=1
        )
    out = {}
    for name in ("year", "fatal", "serious", "ksi", "slight"):
        if name not in lower:
            out[name] = np.full(len(raw), np.nan)
            continue
        col = lower[name]
        text = raw[col].str.strip().str.replace(",", "", regex=False)
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise input_error(
                path, f"'{raw[col].iloc[i]}' is not a count of 0 or more", row=i + 2, column=col
            )
        out[name] = values.to_numpy(dtype=float)
    df = pd.DataFrame(out)
    if df["year"].duplicated().any():
        i = int(np.flatnonzero(df["year"].duplicated().to_numpy())[0])
        raise input_error(
            path, f"year {int(df['year'].iloc[i])} appears twice", row=i + 2, column=lower["year"]
        )
    df["year"] = df["year"].astype("int64")
    both = df["fatal"].notna() & df["serious"].notna()
    if (both & ((df["fatal"] + df["serious"] - df["ksi"]).abs() > 1e-9)).any():
        i = int(
            np.flatnonzero(
                (both & ((df["fatal"] + df["serious"] - df["ksi"]).abs() > 1e-9)).to_numpy()
            )[0]
        )
        raise input_error(
            path, "fatal + serious does not equal ksi", row=i + 2, column=lower["ksi"]
        )
    df["casualties"] = df["ksi"] + df["slight"]
    df["source"] = f"aggregated return {path.name}"
    return df.sort_values("year").reset_index(drop=True)[list(ROAD_COLUMNS)]
