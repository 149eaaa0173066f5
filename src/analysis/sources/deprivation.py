"""English Indices of Deprivation by LSOA: the IMD decile, and the population where given.

Why this module exists
----------------------
Crime concentrates where deprivation does; an assessment shows rates by deprivation decile,
and ward rates per head need LSOA populations. MHCLG publishes the indices in two shapes this
reads by pattern: the IoD2025 file ("LSOA code (2021)", "Index of Multiple Deprivation (IMD)
Decile (where 1 is most deprived 10% of LSOAs)", "Total population: mid 2022" ...) and the
IoD2019 table as converted to CSV ("lsoa11_code", "IMD_decile"; no population). Deciles are
national (1 = the most deprived tenth of LSOAs in England).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import input_error
from analysis.sources.raw_files import read_bytes

_CODE = re.compile(r"^lsoa.*(code|cd)\b", re.I)
_DECILE = re.compile(r"^(imd_decile|index of multiple deprivation \(imd\) decile)", re.I)
_POPULATION = re.compile(r"^total population", re.I)


def _column(header: list[str], pattern: re.Pattern, path: Path, what: str) -> str | None:
    found = [h for h in header if pattern.search(h.strip())]
    if len(found) > 1:
        raise input_error(path, f"more than one {what} column ({', '.join(found)})", row=1)
    return found[0] if found else None


def read_deprivation(path: Path) -> pd.DataFrame:
    """Columns lsoa_code, imd_decile (1-10) and population (NaN where the file has none)."""
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found")
    try:
        raw = pd.read_csv(io.BytesIO(read_bytes(path)), dtype=str, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise input_error(path, f"not a readable CSV file: {exc}") from None
    header = [str(c) for c in raw.columns]
    code = _column(header, _CODE, path, "LSOA code")
    decile = _column(header, _DECILE, path, "IMD decile")
    if code is None or decile is None:
        raise input_error(path, "needs an LSOA code column and an IMD decile column (IoD2019 or "
                          f"IoD2025 layout); the file has {', '.join(header[:6])} ...", row=1)  # fmt: skip
    pop = _column(header, _POPULATION, path, "total population")
    out = pd.DataFrame({"lsoa_code": raw[code].str.strip()})
    deciles = pd.to_numeric(raw[decile], errors="coerce")
    bad = ~deciles.isin(range(1, 11))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise input_error(path, f"IMD decile '{raw[decile].iloc[i]}' is not 1 to 10", row=i + 2,
                          column=decile)  # fmt: skip
    out["imd_decile"] = deciles.astype("int64")
    if pop is not None:
        values = pd.to_numeric(raw[pop].str.replace(",", "", regex=False), errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise input_error(path, f"population '{raw[pop].iloc[i]}' is not a number of 0 or more",
                              row=i + 2, column=pop)  # fmt: skip
        out["population"] = values.astype("float64")
    else:
        out["population"] = np.nan
    dupes = out["lsoa_code"].duplicated()
    if dupes.any():
        i = int(np.flatnonzero(dupes.to_numpy())[0])
        raise input_error(path, f"LSOA {out['lsoa_code'].iloc[i]} appears twice", row=i + 2,
                          column=code)  # fmt: skip
    return out
