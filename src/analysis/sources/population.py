"""ONS mid-year population estimates (MYE4 layout: one row per area, one column per year).

Rates per 1,000 residents use the estimate for the period's year, or the latest earlier one
when that year is not yet published; the figures say which year was used so a reviewer
knows the denominator.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import InputDataError
from analysis.sources.raw_files import read_bytes


class PopulationError(InputDataError):
    """The population file is malformed or lacks the area."""


@dataclass(frozen=True)
class PopulationEstimate:
    value: int
    year: int
    requested_year: int
    source: str

    @property
    def is_latest_earlier(self) -> bool:
        return self.year != self.requested_year


def read_mye(path: Path) -> pd.DataFrame:
    """Long table: code, name, year, population. Handles padded headers like ' Mid-2006'."""
    path = Path(path)
    df = pd.read_csv(io.BytesIO(read_bytes(path)), dtype=str, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    if "Code" not in df.columns:
        raise PopulationError(f"{path.name}: no 'Code' column; header is {', '.join(df.columns)}")
    year_cols = {c: int(m.group(1)) for c in df.columns if (m := re.match(r"^Mid-(\d{4})$", c))}
    if not year_cols:
        raise PopulationError(f"{path.name}: no 'Mid-YYYY' columns")
    codes = df["Code"].str.strip()
    repeated = codes.notna() & codes.duplicated(keep="first")
    if repeated.any():  # summing per code would double the population and halve every rate
        i = int(repeated.to_numpy().nonzero()[0][0])
        first = int(codes.eq(codes.iloc[i]).to_numpy().nonzero()[0][0])
        raise PopulationError(f"{path.name}, row {i + 2}, column 'Code': {codes.iloc[i]} appears "
                              f"again (first at row {first + 2}); each area must appear once")  # fmt: skip
    df["Code"] = codes
    long = df.melt(
        id_vars=["Code", "Name"], value_vars=list(year_cols), var_name="col", value_name="raw"
    )
    long["year"] = long["col"].map(year_cols)
    cleaned = long["raw"].str.replace(",", "", regex=False).str.strip()
    long["population"] = pd.to_numeric(cleaned, errors="coerce")
    bad = long["population"].isna() & long["raw"].notna()
    if bad.any():
        row = long.loc[bad].iloc[0]
        raise PopulationError(
            f"{path.name}: population for {row['Code']} in {row['col']} is not a number: {row['raw']!r}"
        )
    not_positive = long["population"] <= 0
    if not_positive.any():  # a rate per head of nobody is not a rate
        row = long.loc[not_positive].iloc[0]
        raise PopulationError(f"{path.name}: population for {row['Code']} in {row['col']} is "
                              f"{row['raw']!r}; it must be more than 0")  # fmt: skip
    long = long.dropna(subset=["population"])
    return long.rename(columns={"Code": "code", "Name": "name"})[
        ["code", "name", "year", "population"]
    ]


def population_for(
    mye: pd.DataFrame, codes: tuple[str, ...], year: int, source: str
) -> PopulationEstimate:
    """Total population of ``codes`` for ``year`` or the latest earlier year available for all."""
    sub = mye[mye["code"].isin(codes) & (mye["year"] <= year)]
    missing = set(codes) - set(sub["code"])
    if missing:
        raise PopulationError(
            f"{source}: no population estimate up to {year} for {', '.join(sorted(missing))}"
        )
    counts = sub.groupby("year")["code"].nunique()
    complete = counts[counts == len(set(codes))]
    chosen = int(complete.index.max())
    value = int(round(sub.loc[sub["year"] == chosen, "population"].sum()))
    return PopulationEstimate(value=value, year=chosen, requested_year=year, source=source)
