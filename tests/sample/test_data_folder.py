"""Tests for the synthetic Sampleton data folder (:func:`analysis.sample.generate_sample`).

The pipeline reads these files exactly as it reads the real public ones, so the tests pin the
formats (headers, BOMs, the " Mid-2006" quirk, blank fields) and the geographic consistency
(LSOA codes in the right vintage's lookup, coordinates inside their ward) that it relies on.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.sample import generate_sample, main
from analysis.sample.formats import STREET_COLUMNS
from analysis.sample.police import CRIME_TYPES

SAMPLE_LAD = "E06900001"
# Small but spans the LSOA vintage switch (2011 codes until 2022-12, 2021 codes from 2023-01).
SMALL = {
    "seed": 7,
    "start": "2022-12",
    "end": "2023-02",
    "n_peer_lads": 2,
    "lsoas_per_lad": 30,
    "area_crimes_per_year": 6000,
}
MONTHS = ["2022-12", "2023-01", "2023-02"]
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
    "LSOA code,LSOA name,Crime type,Last outcome category,Context"
)
HEX64 = re.compile(r"^[0-9a-f]{64}$")
SIX_DECIMALS = re.compile(r"^-?\d+\.\d{6}$")


def _street(root: Path, month: str, force: str = "sampleshire") -> pd.DataFrame:
    path = root / "police_uk" / force / month / f"{month}-{force}-street.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _lookup(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        root / "lookups" / name, dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _ward_boxes(root: Path, name: str, code_key: str) -> dict[str, tuple[float, ...]]:
    """Bounding box (west, south, east, north) of every ward polygon in a GeoJSON file."""
    collection = json.loads((root / "boundaries" / "sample" / name).read_text())
    boxes = {}
    for feature in collection["features"]:
        xs = [pt[0] for ring in feature["geometry"]["coordinates"] for pt in ring]
        ys = [pt[1] for ring in feature["geometry"]["coordinates"] for pt in ring]
        boxes[feature["properties"][code_key]] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen") / "sample"
    return out, generate_sample(out, **SMALL)


def test_same_arguments_give_byte_identical_files(
    sample: tuple[Path, dict], tmp_path: Path
) -> None:
    root, _ = sample
    again = tmp_path / "again"
    generate_sample(again, **SMALL)
    first, second = _all_bytes(root), _all_bytes(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    # ...and the seed really matters (otherwise the check above proves nothing).
    other = tmp_path / "other"
    generate_sample(other, **{**SMALL, "seed": 8})
    rel = "police_uk/sampleshire/2023-01/2023-01-sampleshire-street.csv"
    assert (other / rel).read_bytes() != first[rel]


def test_street_header_is_exactly_the_police_uk_one(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    raw = (root / "police_uk/sampleshire/2023-01/2023-01-sampleshire-street.csv").read_bytes()
    assert raw.split(b"\n", 1)[0].decode("ascii") == HEADER  # no BOM, no quotes
    assert ",".join(STREET_COLUMNS) == HEADER


def test_one_file_per_month_and_summary_counts(sample: tuple[Path, dict]) -> None:
    root, summary = sample
    street = sorted(p.relative_to(root).as_posix() for p in (root / "police_uk").rglob("*.csv"))
    assert street == [f"police_uk/sampleshire/{m}/{m}-sampleshire-street.csv" for m in MONTHS]
    assert list(summary["rows_per_month"]) == MONTHS
    for month in MONTHS:
        assert summary["rows_per_month"][month] == len(_street(root, month)) > 0
    assert summary["rows_total"] == sum(summary["rows_per_month"].values())
    assert set(street) <= set(summary["files"])
    readme = (root / "README.md").read_text()
    assert (
        "synthetic" in readme and "python -m analysis.sample " in readme and "`seed`: `7`" in readme
    )


def test_asb_rows_have_blank_crime_id_and_outcome(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    df = pd.concat(_street(root, m) for m in MONTHS)
    assert set(df["Crime type"]) == set(CRIME_TYPES)
    asb = df["Crime type"] == "Anti-social behaviour"
    assert asb.any() and (~asb).any()
    assert (df.loc[asb, "Crime ID"] == "").all()
    assert (df.loc[asb, "Last outcome category"] == "").all()
    assert df.loc[~asb, "Crime ID"].str.fullmatch(HEX64).all()
    assert df.loc[~asb, "Crime ID"].is_unique
    assert (df.loc[~asb, "Last outcome category"] != "").all()
    assert (df["Context"] == "").all()
    assert set(df["Reported by"]) == set(df["Falls within"]) == {"Sampleshire Police"}


def test_lsoa_codes_are_in_the_lookup_of_the_months_vintage(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    lsoa11 = set(_lookup(root, "LSOA11_WD19_LAD19_EW_LU.csv")["LSOA11CD"])
    lsoa21 = set(_lookup(root, "LSOA21_WD23_LAD23_EW_LU.csv")["LSOA21CD"])
    assert lsoa11 != lsoa21  # otherwise the vintage check below could not fail
    for month in MONTHS:
        df = _street(root, month)
        codes = set(df["LSOA code"]) - {""}
        assert codes <= (lsoa11 if month < "2023-01" else lsoa21), month
        blank = df["LSOA code"] == ""
        assert blank.any()
        assert (df.loc[blank, ["Longitude", "Latitude", "LSOA name"]] == "").all().all()
        assert (df.loc[blank, "Location"] == "No location").all()
        located = df.loc[~blank]
        assert located["Location"].str.startswith("On or near ").all()
        assert located["Longitude"].str.fullmatch(SIX_DECIMALS).all()
        assert located["Latitude"].str.fullmatch(SIX_DECIMALS).all()
        # a few rows just over the border, in an LAD that is in the lookups but no area's
        assert located["LSOA name"].str.startswith("Elsewhere ").any()


def test_two_2011_lsoas_split_into_four_new_2021_codes(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    lu11 = _lookup(root, "LSOA11_WD19_LAD19_EW_LU.csv")
    lu21 = _lookup(root, "LSOA21_WD22_LAD22_EW_LU.csv")
    retired = set(lu11["LSOA11CD"]) - set(lu21["LSOA21CD"])
    new = set(lu21["LSOA21CD"]) - set(lu11["LSOA11CD"])
    assert len(retired) == 2 and len(new) == 4
    assert set(lu11.loc[lu11["LSOA11CD"].isin(retired), "LAD19CD"]) == {SAMPLE_LAD}
    assert set(lu21.loc[lu21["LSOA21CD"].isin(new), "LTLA22CD"]) == {SAMPLE_LAD}
    assert min(new) > max(lu11["LSOA11CD"])  # new codes continue the sequence
    assert all(re.fullmatch(r"E019\d{5}", c) for c in set(lu21["LSOA21CD"]) | retired)


def test_sample_area_has_22_then_24_wards(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    lu11 = _lookup(root, "LSOA11_WD19_LAD19_EW_LU.csv")
    lu22 = _lookup(root, "LSOA21_WD22_LAD22_EW_LU.csv")
    lu23 = _lookup(root, "LSOA21_WD23_LAD23_EW_LU.csv")
    wd19 = set(lu11.loc[lu11["LAD19CD"] == SAMPLE_LAD, "WD19CD"])
    wd22 = set(lu22.loc[lu22["LTLA22CD"] == SAMPLE_LAD, "WD22CD"])
    wd23 = set(lu23.loc[lu23["LAD23CD"] == SAMPLE_LAD, "WD23CD"])
    assert wd19 == wd22 == {f"E05{900000 + i}" for i in range(1, 23)}
    assert wd23 == {f"E05{900100 + i}" for i in range(1, 25)}
    assert set(_ward_boxes(root, "wards_WD19.geojson", "WD19CD")) == wd19
    assert set(_ward_boxes(root, "wards_WD23.geojson", "WD23CD")) == wd23
    # every LAD (incl. "Elsewhere") is in every lookup; ward names unique within their LAD
    assert set(lu11["LAD19NM"]) == set(lu23["LAD23NM"]) >= {"Sampleton", "Elsewhere"}
    for df, lad, code, name in [
        (lu11, "LAD19CD", "WD19CD", "WD19NM"),
        (lu23, "LAD23CD", "WD23CD", "WD23NM"),
    ]:
        wards = df[[lad, code, name]].drop_duplicates()
        assert not wards.duplicated([lad, name]).any()
        assert wards[code].is_unique  # a ward belongs to one LAD and has one name


def test_crime_coordinates_lie_inside_their_ward(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    checks = [  # (months, lookup, LSOA column, ward column, boundaries, property)
        (MONTHS[:1], "LSOA11_WD19_LAD19_EW_LU.csv", "LSOA11CD", "WD19CD", "wards_WD19.geojson"),
        (MONTHS[1:], "LSOA21_WD22_LAD22_EW_LU.csv", "LSOA21CD", "WD22CD", "wards_WD19.geojson"),
        (MONTHS[1:], "LSOA21_WD23_LAD23_EW_LU.csv", "LSOA21CD", "WD23CD", "wards_WD23.geojson"),
    ]
    for months, lookup, lsoa_col, ward_col, geojson in checks:
        ward_of = _lookup(root, lookup).set_index(lsoa_col)[ward_col]
        prop = "WD19CD" if geojson.endswith("WD19.geojson") else "WD23CD"
        boxes = _ward_boxes(root, geojson, prop)
        df = pd.concat(_street(root, m) for m in months)
        df = df[df["LSOA code"].map(ward_of).isin(boxes)]
        assert len(df) > 100
        box = pd.DataFrame(df["LSOA code"].map(ward_of).map(boxes).tolist(), index=df.index)
        lon, lat = df["Longitude"].astype(float), df["Latitude"].astype(float)
        inside = (box[0] < lon) & (lon < box[2]) & (box[1] < lat) & (lat < box[3])
        assert inside.all(), df.loc[~inside].head()
        # the area is where it is meant to be (around lon 0.55, lat 51.38)
        assert 0.3 < lon.mean() < 0.8 and 51.25 < lat.mean() < 51.5


def test_population_file_reproduces_the_mye4_header_quirk(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    path = root / "population" / "MYE4_mid2001_to_mid2020_all_LAs.csv"
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    years = [" Mid-2006" if y == 2006 else f"Mid-{y}" for y in range(2020, 2000, -1)]
    assert header == ["Code", "Name", "Geography", *years]
    df = pd.read_csv(path)
    sampleton = df.set_index("Code").loc[SAMPLE_LAD]
    assert sampleton["Geography"] == "Unitary Authority"
    assert 270_000 < sampleton["Mid-2020"] < 290_000
    assert sampleton["Mid-2020"] > sampleton[" Mid-2006"] > sampleton["Mid-2001"]
    england = df.set_index("Code").loc["E92000001"]
    assert england["Geography"] == "Country" and england["Name"] == "ENGLAND"
    lads = df[df["Code"] != "E92000001"]
    assert set(lads["Geography"]) == {"Unitary Authority", "Non-metropolitan District"}
    assert england["Mid-2020"] == lads["Mid-2020"].sum()
    assert "," not in "".join(path.read_text().split("\n", 1)[1].split(",")[3:5])  # no 1,234


def test_byte_order_marks_match_the_real_ons_lookups(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    assert (root / "lookups/LSOA11_WD19_LAD19_EW_LU.csv").read_bytes().startswith(b"FID,LSOA11CD,")
    assert (
        (root / "lookups/LSOA21_WD22_LAD22_EW_LU.csv")
        .read_bytes()
        .startswith(
            b"\xef\xbb\xbfObjectId,LSOA21CD,LSOA21NM,WD22CD,WD22NM,WD22NMW,LTLA22CD,LTLA22NM,LTLA22NMW\n"
        )
    )
    assert (
        (root / "lookups/LSOA21_WD23_LAD23_EW_LU.csv")
        .read_bytes()
        .startswith(
            b"\xef\xbb\xbfLSOA21CD,LSOA21NM,LSOA21NMW,WD23CD,WD23NM,WD23NMW,LAD23CD,LAD23NM,LAD23NMW,ObjectId\n"
        )
    )


def test_volumes_and_mix_are_realistic(sample: tuple[Path, dict]) -> None:
    root, _ = sample
    lu = pd.concat(
        [
            _lookup(root, "LSOA11_WD19_LAD19_EW_LU.csv").set_index("LSOA11CD")["LAD19CD"],
            _lookup(root, "LSOA21_WD22_LAD22_EW_LU.csv").set_index("LSOA21CD")["LTLA22CD"],
        ]
    )
    lu = lu[~lu.index.duplicated()]
    df = pd.concat(_street(root, m) for m in MONTHS)
    area = df[df["LSOA code"].map(lu) == SAMPLE_LAD]
    asb = area["Crime type"] == "Anti-social behaviour"
    crime = area.loc[~asb, "Crime type"].value_counts(normalize=True)
    # 6000 crimes/yr in FY21/22, ~+4%/yr, three winter months: roughly 1,500 crimes
    assert 1200 < (~asb).sum() < 1900
    assert 0.12 < asb.sum() / (~asb).sum() < 0.30
    assert 0.33 < crime["Violence and sexual offences"] < 0.43
    assert crime["Violence and sexual offences"] > crime["Public order"] > crime["Robbery"]
    assert 0.003 < (df["LSOA code"] == "").mean() < 0.025
    # town-centre skew (lognormal noise alone gives ~0.35 and ~4x for this seed)
    per_lsoa = area["LSOA code"].value_counts()
    assert per_lsoa.iloc[:5].sum() / per_lsoa.sum() > 0.45
    assert per_lsoa.iloc[0] > 6 * per_lsoa.mean()


def test_existing_folder_is_replaced_without_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "data" / "sample"
    out.mkdir(parents=True)
    (out / "stale.txt").write_text("from an older run")
    generate_sample(out, **{**SMALL, "end": "2022-12"})
    assert not (out / "stale.txt").exists()
    assert (out / "police_uk/sampleshire/2022-12/2022-12-sampleshire-street.csv").is_file()
    assert sorted(p.name for p in out.parent.iterdir()) == ["sample"]  # no temp siblings


def test_cli_gzip_is_deterministic(tmp_path: Path) -> None:
    args = ["--seed", "3", "--start", "2023-01", "--end", "2023-01", "--peer-lads", "1"]
    args += ["--lsoas-per-lad", "30", "--crimes-per-year", "2000", "--gzip"]
    assert main([str(tmp_path / "a"), *args]) == 0
    assert main([str(tmp_path / "b"), *args]) == 0
    rel = "police_uk/sampleshire/2023-01/2023-01-sampleshire-street.csv.gz"
    a, b = (tmp_path / "a" / rel).read_bytes(), (tmp_path / "b" / rel).read_bytes()
    assert a == b
    assert gzip.decompress(a).split(b"\n", 1)[0].decode() == HEADER


def test_extra_forces_have_their_own_lads(tmp_path: Path) -> None:
    generate_sample(tmp_path / "s", **{**SMALL, "start": "2023-01", "end": "2023-01", "forces": 3})
    lu = _lookup(tmp_path / "s", "LSOA21_WD23_LAD23_EW_LU.csv").set_index("LSOA21CD")["LAD23CD"]
    lads_by_force = {}
    for force, label in [
        ("sampleshire2", "Sampleshire 2 Police"),
        ("sampleshire3", "Sampleshire 3 Police"),
    ]:
        df = _street(tmp_path / "s", "2023-01", force)
        assert set(df["Reported by"]) == {label}
        located = df[df["LSOA code"] != ""]
        assert set(located["LSOA code"]) <= set(lu.index)
        lads = set(located["LSOA code"].map(lu)) - {"E07900099"}
        assert SAMPLE_LAD not in lads and len(lads) == 1 + SMALL["n_peer_lads"]
        lads_by_force[force] = lads
        lon, lat = located["Longitude"].astype(float), located["Latitude"].astype(float)
        assert lon.between(-5, 1.7).all() and lat.between(50, 58).all()  # inside Great Britain
    assert not lads_by_force["sampleshire2"] & lads_by_force["sampleshire3"]


@pytest.mark.parametrize(
    "change",
    [{"start": "2023-02", "end": "2023-01"}, {"start": "2023-13"}, {"lsoas_per_lad": 10}],
)
def test_bad_arguments_are_rejected(tmp_path: Path, change: dict) -> None:
    with pytest.raises(ValueError):
        generate_sample(tmp_path / "bad", **{**SMALL, **change})
    assert not (tmp_path / "bad").exists()
