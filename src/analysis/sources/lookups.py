"""ONS geography lookups: LSOA -> ward -> local authority, in either LSOA vintage.

police.uk labels each row with the LSOA of its snapped location: 2011 codes in older
files, 2021 codes in newer ones. Area membership must come from the ONS lookup of the
matching vintage and never from the "LSOA name" prefix (names change and are not unique
across boundary reviews). Column names differ between ONS releases (``LAD19CD``,
``LTLA22CD``, ``WD23CD`` ...), so columns are found by pattern.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputDataError, input_error
from analysis.sources.raw_files import read_bytes, read_text

LSOA_CODE_RE = r"^[EW]01\d{6}$"


class LookupFileError(InputDataError):
    """A lookup file does not have the columns we need."""


_PATTERNS = {
    "lsoa_code": r"^LSOA\d{2}CD$",
    "lsoa_name": r"^LSOA\d{2}NM$",
    "ward_code": r"^WD\d{2}CD$",
    "ward_name": r"^WD\d{2}NM$",
    "lad_code": r"^(LAD|LTLA)\d{2}CD$",
    "lad_name": r"^(LAD|LTLA)\d{2}NM$",
}


def _find_columns(header: list[str], path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, pattern in _PATTERNS.items():
        matches = [h for h in header if re.match(pattern, h.strip(), flags=re.IGNORECASE)]
        if matches:
            found[key] = matches[0]
    for key in ("lsoa_code", "lad_code"):
        if key not in found:
            raise LookupFileError(
                f"{path.name}: no {key.replace('_', ' ')} column "
                f"(expected a header like {'LSOA21CD' if key == 'lsoa_code' else 'LAD23CD'}); "
                f"header is: {', '.join(header)}"
            )
    return found


@lru_cache(maxsize=16)
def read_lsoa_lookup(path: Path) -> pd.DataFrame:
    """Read an ONS LSOA best-fit lookup into columns lsoa_code, [lsoa_name], [ward_code,
    ward_name], lad_code, lad_name, one row per LSOA. Cached: lookups are read per period."""
    path = Path(path)
    data = read_bytes(path)
    header = pd.read_csv(io.BytesIO(data), nrows=0, encoding="utf-8-sig").columns.tolist()
    cols = _find_columns(header, path)
    df = pd.read_csv(io.BytesIO(data), usecols=list(cols.values()), dtype=str,
                     encoding="utf-8-sig")  # fmt: skip
    df = df.rename(columns={v: k for k, v in cols.items()})
    for col in df.columns:
        df[col] = df[col].str.strip().replace("", None)
    df = df.dropna(how="all")  # blank lines, e.g. ",,,," at the end of a spreadsheet export
    dupes = df["lsoa_code"].duplicated()
    if dupes.any():
        first = df.loc[dupes, "lsoa_code"].iloc[0]
        raise LookupFileError(
            f"{path.name}: LSOA {first} appears on more than one row (row {int(np.flatnonzero(dupes)[0]) + 2}); "
            "a best-fit lookup must give one ward per LSOA"
        )
    return df.reset_index(drop=True)


def lsoa_codes_of(lookup: pd.DataFrame, lad_codes: tuple[str, ...]) -> set[str]:
    return set(lookup.loc[lookup["lad_code"].isin(lad_codes), "lsoa_code"])


@dataclass(frozen=True)
class LsoaIndex:
    """Every LSOA code of every configured lookup vintage, and its local authority in each.

    Built once per run; each police.uk file then resolves only its few hundred distinct LSOA
    codes against it (:meth:`resolve`), never its rows.
    """

    position: dict[str, int]  # LSOA code -> position in the union of the lookups' codes
    lad_of: dict[int, np.ndarray]  # vintage -> per position, row of ``lads`` (-1: not in it);
    # one extra -1 at the end, so that position -1 (an unknown code) maps to -1
    lads: pd.DataFrame  # lad_code, lad_name: one row per distinct pair

    @classmethod
    def from_lookups(cls, lookups: dict[int, pd.DataFrame]) -> LsoaIndex:
        # an LSOA with no authority in a lookup is not in that lookup (counted as such)
        lookups = {v: lk.dropna(subset=["lsoa_code", "lad_code"]) for v, lk in lookups.items()}
        frames = []
        for lk in lookups.values():
            names = lk["lad_name"] if "lad_name" in lk else lk["lad_code"]
            frames.append(pd.DataFrame({"lad_code": lk["lad_code"], "lad_name": names}))
        lads = pd.concat(frames).drop_duplicates().sort_values(["lad_code", "lad_name"])
        lads = lads.reset_index(drop=True)
        lad_row = pd.MultiIndex.from_frame(lads)
        codes = pd.Index(pd.unique(pd.concat([lk["lsoa_code"] for lk in lookups.values()])))
        lad_of = {}
        for vintage, lk in lookups.items():
            names = lk["lad_name"] if "lad_name" in lk else lk["lad_code"]
            rows = lad_row.get_indexer(pd.MultiIndex.from_arrays([lk["lad_code"], names]))
            per_code = np.full(len(codes) + 1, -1, dtype=np.int32)
            per_code[codes.get_indexer(lk["lsoa_code"])] = rows
            lad_of[vintage] = per_code
        position = {code: i for i, code in enumerate(codes.tolist())}
        return cls(position=position, lad_of=lad_of, lads=lads)

    def resolve(self, values: list[str]) -> tuple[int, np.ndarray]:
        """The vintage of one file's distinct LSOA codes, and each code's row in ``lads``.

        The vintage is the lookup that knows most of the distinct codes. Most LSOAs kept their
        code in 2021, so only the codes created or retired then tell the vintages apart; on a
        tie the newer vintage wins (identical answers either way). Unknown codes get -1.
        A plain dict lookup of a file's few hundred codes is the fastest way here (pandas
        string indexes convert themselves on every call).
        """
        get = self.position.get
        pos = np.array([get(v, -1) for v in values], dtype=np.int64)
        distinct = len(set(values)) == len(values)
        best, best_hits, best_lad = max(self.lad_of), -1, np.full(len(values), -1, np.int32)
        for vintage in sorted(self.lad_of):
            lad = self.lad_of[vintage][pos]
            hits = int((lad >= 0).sum()) if distinct else np.unique(pos[lad >= 0]).size
            if hits >= best_hits:
                best, best_hits, best_lad = vintage, hits, lad
        return best, best_lad


def detect_vintage(codes: pd.Index | np.ndarray, lookups: dict[int, pd.DataFrame]) -> int:
    """The LSOA vintage of one file's codes (see :meth:`LsoaIndex.resolve`)."""
    distinct = pd.Index(codes).dropna().unique().tolist()
    return LsoaIndex.from_lookups(lookups).resolve(distinct)[0]


def ward_table(lookups: dict[int, Path], lad_codes: tuple[str, ...]) -> pd.DataFrame:
    """LSOA -> ward for the area, for every LSOA vintage the ward set provides.

    Returns columns lsoa_vintage, lsoa_code, ward_code, ward_name.
    """
    parts = []
    for vintage, path in sorted(lookups.items()):
        lk = read_lsoa_lookup(Path(path))
        if "ward_code" not in lk:
            raise LookupFileError(
                f"{Path(path).name}: no ward column (expected e.g. WD23CD, WD23NM)"
            )
        cols = ["lsoa_code", "ward_code", "ward_name", "lad_code"]
        cols += ["lad_name"] if "lad_name" in lk else []
        sub = lk.loc[lk["lad_code"].isin(lad_codes), cols].copy()
        sub.insert(0, "lsoa_vintage", vintage)
        parts.append(sub)
    out = pd.concat(parts, ignore_index=True)
    return label_repeated_wards(out)[["lsoa_vintage", "lsoa_code", "ward_code", "ward_name"]]


def label_repeated_wards(wards: pd.DataFrame) -> pd.DataFrame:
    """Ward names made unique by their authority where two authorities of the CSP share one:
    two "Watling" rows in a table are unreadable, "Watling (Dartford)" is not."""
    names = wards.drop_duplicates("ward_code")
    repeated = set(names.loc[names["ward_name"].duplicated(keep=False), "ward_name"])
    if not repeated:
        return wards
    lad = wards["lad_name"] if "lad_name" in wards else wards["lad_code"]
    wards = wards.copy()
    hit = wards["ward_name"].isin(repeated)
    wards.loc[hit, "ward_name"] = wards.loc[hit, "ward_name"] + " (" + lad[hit].astype(str) + ")"
    return wards


def read_boundaries(path: Path) -> dict:
    """Ward polygons (GeoJSON in lon/lat) with each feature's ward code found by pattern."""
    path = Path(path)
    try:
        data = json.loads(read_text(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise input_error(path, f"not a readable GeoJSON file: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise input_error(path, "not a GeoJSON FeatureCollection (no 'features' list)")
    features = []
    for feat in data.get("features", []):
        props = feat.get("properties", {})
        code = next((v for k, v in props.items() if re.match(r"^WD\d{2}CD$", k)), None)
        name = next((v for k, v in props.items() if re.match(r"^WD\d{2}NM$", k)), None)
        features.append({"code": code, "name": name, "geometry": feat.get("geometry")})
    return {"features": features}


def match_boundaries(boundaries: dict, wards: pd.DataFrame) -> dict:
    """The boundaries of the ward set's wards only, and which wards have none.

    A file covering more than the area (a county's wards) is fine: the others are dropped and
    counted. A ward with no outline, or codes from another ward set (all of them missing),
    means the map would be drawn wrong: ``missing`` names them and the map is left out.
    """
    codes = dict(zip(wards["ward_code"], wards["ward_name"], strict=False))
    kept = [f for f in boundaries["features"] if f["code"] in codes]
    have = {f["code"] for f in kept}
    missing = sorted(f"{codes[c]} ({c})" for c in set(codes) - have)
    extra = len(boundaries["features"]) - len(kept)
    return {"features": kept, "missing": missing, "extra": extra}
