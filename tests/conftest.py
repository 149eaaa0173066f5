"""Shared fixtures: a tiny hand-made area whose every count can be checked by hand."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()

HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"
ID = "a" * 63


def street_row(
    i: int, month: str, lsoa: str, crime_type: str, lon: str = "0.5", lat: str = "51.4"
) -> str:
    crime_id = (
        ""
        if crime_type == "Anti-social behaviour"
        else f"{ID[: -len(str(i))]}{i}".ljust(64, "0")[:64]
    )
    name = f"Tiny {lsoa[-3:]}" if lsoa else ""
    if not lsoa:
        lon = lat = ""
    return f"{crime_id},{month},Test Police,Test Police,{lon},{lat},On or near High Street,{lsoa},{name},{crime_type},,"


# month -> rows (lsoa, crime type). Area E06000099: E01000001, E01000002 (ward Alpha), E01000003
# (ward Beta); 2011 only: E01000004 (Beta). Outside: E01000010 (E07000098). Unknown: E01999999.
TINY_ROWS = {
    "2014-01": [("E01000004", "Violent crime"), ("E01000001", "Public disorder and weapons")],
    "2025-01": [
        ("E01000001", "Burglary"),
        ("E01000002", "Violence and sexual offences"),
        ("E01000003", "Anti-social behaviour"),
        ("", "Other theft"),
        ("E01000010", "Drugs"),
        ("E01000003", "Shoplifting"),
    ],
    "2025-02": [
        ("E01000003", "Other theft"),
        ("E01000001", "Anti-social behaviour"),
        ("E01999999", "Robbery"),
    ],
}


def write_tiny_area(root: Path, rows: dict = TINY_ROWS, periods: str | None = None) -> Path:
    """Write the tiny area's raw files and config under ``root``; return the config folder."""
    data = root / "data"
    (data / "police_uk" / "2025-01").mkdir(parents=True)
    (data / "lookups").mkdir()
    (data / "population").mkdir()
    (data / "boundaries").mkdir()
    i = 0
    for month, month_rows in rows.items():
        lines = [HEADER]
        for lsoa, ctype in month_rows:
            i += 1
            lines.append(street_row(i, month, lsoa, ctype))
        # archive layout for one month, flat for the others: both must be found
        folder = data / "police_uk" / month if month == "2025-01" else data / "police_uk"
        (folder / f"{month}-testforce-street.csv").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    (data / "lookups" / "LSOA11_WD19_LAD19_EW_LU.csv").write_text(
        textwrap.dedent("""\
        FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM
        1,E01000001,Tiny 001A,E05000001,Alpha,E06000099,Tinytown
        2,E01000004,Tiny 002A,E05000002,Beta,E06000099,Tinytown
        3,E01000010,Other 001A,E05000010,Elsewhere,E07000098,Otherby
        """)
    )
    (data / "lookups" / "LSOA21_WD23_LAD23_EW_LU.csv").write_text(
        "\ufeff"
        + textwrap.dedent("""\
        LSOA21CD,LSOA21NM,LSOA21NMW,WD23CD,WD23NM,WD23NMW,LAD23CD,LAD23NM,LAD23NMW,ObjectId
        E01000001,Tiny 001A,,E05000101,Alpha New,,E06000099,Tinytown,,1
        E01000002,Tiny 001B,,E05000101,Alpha New,,E06000099,Tinytown,,2
        E01000003,Tiny 002B,,E05000102,Beta New,,E06000099,Tinytown,,3
        E01000010,Other 001A,,E05000110,Elsewhere,,E07000098,Otherby,,4
        """),
        encoding="utf-8",
    )
    (data / "population" / "mye.csv").write_text(
        "Code,Name,Geography,Mid-2020,Mid-2019, Mid-2018\n"
        "E06000099,Tinytown,Unitary Authority,2000,1900,1800\n"
        "E07000098,Otherby,Non-metropolitan District,1000,1000,1000\n"
    )

    def square(x: int) -> dict:
        return {
            "type": "Polygon",
            "coordinates": [[[x, 51], [x + 1, 51], [x + 1, 52], [x, 52], [x, 51]]],
        }

    (data / "boundaries" / "wards.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"WD23CD": "E05000101", "WD23NM": "Alpha New"},
                        "geometry": square(0),
                    },
                    {
                        "type": "Feature",
                        "properties": {"WD23CD": "E05000102", "WD23NM": "Beta New"},
                        "geometry": square(1),
                    },
                ],
            }
        )
    )
    cfg_dir = root / "config"
    cfg_dir.mkdir()
    template = textwrap.dedent("""\
        area: tiny
        name: Tinytown
        synthetic: true
        local_authority_codes: [E06000099]
        forces: [testforce]
        data_dir: DATA
        police_uk: [police_uk]
        lsoa_lookups:
          2011: lookups/LSOA11_WD19_LAD19_EW_LU.csv
          2021: lookups/LSOA21_WD23_LAD23_EW_LU.csv
        ward_sets:
          - name: Old wards
            from: 2003-05
            until: 2023-04
            lookups: {2011: lookups/LSOA11_WD19_LAD19_EW_LU.csv}
          - name: New wards
            from: 2023-05
            lookups: {2021: lookups/LSOA21_WD23_LAD23_EW_LU.csv}
            boundaries: boundaries/wards.geojson
        population: population/mye.csv
        thresholds:
          max_unmatched_share: 0.5  # 2025-02 has one unknown LSOA in three rows, on purpose
        periods:
        """)
    periods = periods or "  - {type: twelve_months_ending, end: 2025-02}\n"
    (cfg_dir / "tiny.yaml").write_text(template.replace("DATA", str(data)) + periods)
    return cfg_dir


@pytest.fixture
def tiny(tmp_path):
    from analysis.config import load_config

    cfg_dir = write_tiny_area(tmp_path)
    return load_config("tiny", config_dir=cfg_dir)


def period_table_of(area, config, period):
    """The period table as the pipeline builds it: the area's rows with the period's wards."""
    from analysis.measures.figures import period_table
    from analysis.sources.lookups import ward_table

    wards = ward_table(config.ward_set_for(period).lookups, config.local_authority_codes)
    return period_table(area, wards, period)


def build_tiny_figures(config) -> dict:
    """figures.json of the tiny area's only period, built straight from its raw files."""
    from analysis.measures.figures import build_figures
    from analysis.sources.police_uk_ingest import ingest_files
    from analysis.sources.population import read_mye

    result = ingest_files(config)
    (period,) = config.periods
    return build_figures(
        config=config, period=period, ptable=period_table_of(result.area, config, period),
        area=result.area, lad_counts=result.lad_counts, mye=read_mye(config.population),
        ingest_report=result.report, validation=[],
    )  # fmt: skip


def needs_shared_data():
    return pytest.mark.skipif(
        not (SHARED_DATA / "police_uk" / "kent").is_dir(),
        reason=f"real data folder {SHARED_DATA} is absent: Medway tests need ../shared/data",
    )


# A small synthetic area for end-to-end tests of the runner and the Makefile: the generated
# sample's files, 2021 LSOAs only, the May 2023 wards. ``{data}``, ``{population}`` and
# ``{periods}`` are filled in by each test.
MINI_CONFIG = """\
area: mini
name: Miniton (synthetic test area)
synthetic: true
local_authority_codes: [E06900001]
forces: [sampleshire]
data_dir: {data}
police_uk: [police_uk/sampleshire]
lsoa_lookups:
  2021: lookups/LSOA21_WD23_LAD23_EW_LU.csv
ward_sets:
  - name: Wards May 2023 (24 wards)
    from: 2023-05
    lookups: {{2021: lookups/LSOA21_WD23_LAD23_EW_LU.csv}}
    boundaries: boundaries/sample/wards_WD23.geojson
population: {population}
periods:
{periods}
"""
MINI_POPULATION = "population/MYE4_mid2001_to_mid2020_all_LAs.csv"


@pytest.fixture(scope="session")
def sample_survey(tmp_path_factory):
    """The sample's three generated surveys, read: (table, settings, notes, truth, folder)."""
    import yaml

    from analysis.sample.survey import generate_survey_sample
    from analysis.sources.survey import read_surveys, survey_settings

    folder = tmp_path_factory.mktemp("survey")
    truth = generate_survey_sample(folder)["truth"]
    raw = yaml.safe_load((REPO / "config" / "sample.yaml").read_text())["survey"]
    settings = survey_settings(raw, folder)
    table, notes = read_surveys(settings)
    return table, settings, notes, truth, folder


def independent_count(lad_codes: set[str]) -> dict[str, int]:
    """Kent's 2025 rows whose LSOA is in the authorities, counted with the csv module only (no
    project code), to check the pipeline's counts against."""
    import csv

    lookup = SHARED_DATA / "lookups" / "LSOA21_WD23_LAD23_EW_LU.csv"
    with open(lookup, encoding="utf-8-sig") as fh:
        lsoas = {r["LSOA21CD"] for r in csv.DictReader(fh) if r["LAD23CD"] in lad_codes}
    counts = {"crime": 0, "asb": 0}
    for path in sorted((SHARED_DATA / "police_uk" / "kent").glob("2025-*-kent-street.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["LSOA code"] in lsoas:
                    counts["asb" if row["Crime type"] == "Anti-social behaviour" else "crime"] += 1
    return counts
