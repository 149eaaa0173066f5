"""A catalogue of real failure modes: each gets a clear message (file, line, column, what was
expected) and leaves the previous outputs exactly as they were.

Runs the runner in-process on a small generated area, one broken copy per case.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from analysis import config as config_module
from analysis import pipeline, run, store
from analysis.errors import PipelineError
from conftest import MINI_CONFIG, MINI_POPULATION

MONTH = "2024-06"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    from analysis.sample import generate_sample

    root = tmp_path_factory.mktemp("bad-inputs-base")
    generate_sample(
        root,
        start="2024-01",
        end="2024-12",
        area_crimes_per_year=2000,
        n_peer_lads=2,
        lsoas_per_lad=30,
    )
    return root


@pytest.fixture
def case(base, tmp_path, monkeypatch):
    """A fresh copy of the data, a config for it, and previous outputs to protect."""
    data = tmp_path / "data"
    shutil.copytree(base, data)
    cfg = tmp_path / "config"
    cfg.mkdir()
    outputs = tmp_path / "outputs"
    (outputs / "mini" / "cy2024").mkdir(parents=True)
    (outputs / "mini" / "cy2024" / "figures.json").write_text('{"previous": "good run"}')
    (outputs / "mini" / "cy2024" / "crime.html").write_text("<html>previous good page</html>")
    (outputs / "index.html").write_text("<html>previous index</html>")
    processed = tmp_path / "processed"
    (processed / "mini" / "cy2024").mkdir(parents=True)  # the previous good run's tables
    (processed / "mini" / "ingest_report.json").write_text('{"previous": "good ingest"}')
    (processed / "mini" / "cy2024" / "police_uk.parquet").write_bytes(b"previous table")
    monkeypatch.setattr(config_module, "CONFIG_DIR", cfg)
    monkeypatch.setattr(run, "OUTPUTS", outputs)
    monkeypatch.setattr(run, "BUILD", tmp_path / "build")
    monkeypatch.setattr(store, "PROCESSED", tmp_path / "processed")

    class Case:
        def __init__(self) -> None:
            self.data, self.outputs = data, outputs
            self.write_config()

        def write_config(self, period="{type: calendar_year, year: 2024}",
                         population=MINI_POPULATION) -> None:  # fmt: skip
            (cfg / "mini.yaml").write_text(
                MINI_CONFIG.format(data=data, periods=f"  - {period}", population=population)
            )

        def file(self, month: str = MONTH) -> Path:
            return next((data / "police_uk" / "sampleshire" / month).glob("*-street.csv"))

        def lines(self, month: str = MONTH) -> list[str]:
            return self.file(month).read_text(encoding="utf-8").splitlines()

        def write_lines(self, lines: list[str], month: str = MONTH) -> None:
            self.file(month).write_text("\n".join(lines) + "\n", encoding="utf-8")

        def set_field(self, line_no: int, column: str, value: str, month: str = MONTH) -> None:
            lines = self.lines(month)
            header = lines[0].split(",")
            parts = lines[line_no - 1].split(",")
            parts[header.index(column)] = value
            lines[line_no - 1] = ",".join(parts)
            self.write_lines(lines, month)

        def snapshot(self) -> dict:
            """Every file under outputs/ and data/processed/ (a failed run changes neither)."""
            return {p: p.read_bytes() for root in (outputs, processed) for p in root.rglob("*")
                    if p.is_file()}  # fmt: skip

        def fails(self, *needles: str, step: str = "all") -> str:
            before = self.snapshot()
            from analysis.checks.results import DataValidationError

            with pytest.raises((PipelineError, DataValidationError)) as err:
                run.run("mini", step=step)
            message = str(err.value)
            for needle in needles:
                assert needle in message, f"{needle!r} not in message:\n{message}"
            assert "Traceback" not in message
            assert self.snapshot() == before, "previous outputs or processed data changed"
            return message

    return Case()


def first_data_line_with(case, text: str) -> int:
    for i, line in enumerate(case.lines(), start=1):
        if i > 1 and text in line:
            return i
    raise AssertionError(text)


# --- the extract's shape ------------------------------------------------------------------


def test_missing_column(case):
    lines = case.lines()
    lines[0] = lines[0].replace("Crime type", "Offence type")
    case.write_lines(lines)
    case.fails(case.file().name, "'Crime type' missing", "line 1")


def test_renamed_column(case):
    lines = case.lines()
    lines[0] = lines[0].replace("LSOA code", "LSOA_code")
    case.write_lines(lines)
    case.fails(case.file().name, "'LSOA code' missing")


def test_empty_file(case):
    case.file().write_text("")
    case.fails(case.file().name, "empty")


def test_header_only_file(case):
    case.write_lines(case.lines()[:1])
    case.fails(case.file().name, "header but no data rows")


def test_truncated_last_line(case):
    lines = case.lines()
    lines[-1] = lines[-1][:40]
    case.write_lines(lines)
    case.fails(case.file().name, f"line {len(lines)} has", "expected 12")


def test_duplicate_files_for_one_month(case):
    path = case.file()
    path.with_suffix(".csv.gz").write_bytes(gzip.compress(path.read_bytes()))
    case.fails("two files for sampleshire 2024-06", path.name)


def test_file_of_the_wrong_month(case):
    lines = [line.replace(",2024-06,", ",2024-05,") for line in case.lines()]
    case.write_lines(lines)
    case.fails(case.file().name, "should be 2024-06", "'2024-05' at line 2")


def test_malformed_month_value(case):
    case.set_field(3, "Month", "2024-13")
    case.fails(case.file().name, "'2024-13' at line 3")


def test_file_of_the_wrong_force(case):
    lines = [line.replace("Sampleshire Police", "Kent Police") for line in case.lines()]
    case.write_lines(lines)
    case.fails(case.file().name, "'Falls within'", "Kent Police", "another force")


def test_month_missing_inside_the_period(case):
    shutil.rmtree(case.file().parent)
    case.fails("no data for 1 month(s): 2024-06", "critical")


# --- values ------------------------------------------------------------------------------


def test_malformed_lsoa_code(case):
    case.set_field(5, "LSOA code", "E0X12345")
    case.fails("lsoa_code", "E0X12345", f"{case.file().name}:5", "critical")


def test_unknown_crime_type(case):
    case.set_field(4, "Crime type", "Burglry")
    case.fails("crime_type", "Burglry", f"{case.file().name}:4")


def test_latitude_out_of_range(case):
    case.set_field(6, "Latitude", "91.5")
    case.fails("latitude", "91.5", f"{case.file().name}:6")


def test_latitude_and_longitude_swapped(case):
    line = first_data_line_with(case, "On or near")
    parts = case.lines()[line - 1].split(",")
    case.set_field(line, "Longitude", parts[5])
    case.set_field(line, "Latitude", parts[4])
    case.fails("latitude", f"{case.file().name}:{line}", "Great Britain")


def test_non_numeric_coordinate(case):
    line = first_data_line_with(case, "On or near")
    case.set_field(line, "Longitude", "0.5E")
    case.fails(case.file().name, "'Longitude' must be a number", f"line {line}")


# --- encodings that must be accepted -------------------------------------------------------


def test_bom_and_windows_line_endings_are_accepted(case):
    path = case.file()
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    run.run("mini", step="ingest")
    report = store.load_json(store.PROCESSED / "mini" / "ingest_report.json")
    row = next(r for r in report["files"] if r["month"] == MONTH)
    assert row["rows"] == len(text.splitlines()) - 1


def test_latin1_text_is_accepted(case):
    lines = case.lines()
    lines[2] = lines[2].replace("On or near", "On or near Caf\u00e9")
    case.file().write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    run.run("mini", step="ingest")


# --- lookups, population, configuration ----------------------------------------------------


def test_lookup_missing_lsoas(case):
    lookup = case.data / "lookups" / "LSOA21_WD23_LAD23_EW_LU.csv"
    lines = lookup.read_text(encoding="utf-8-sig").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if ",E06900001," not in line]
    lookup.write_text("\n".join(kept) + "\n", encoding="utf-8")
    case.fails("not in LSOA21_WD23_LAD23_EW_LU.csv", "vintage")


def test_lookup_file_absent(case):
    (case.data / "lookups" / "LSOA21_WD23_LAD23_EW_LU.csv").unlink()
    case.fails("input not found", "LSOA21_WD23_LAD23_EW_LU.csv")


def test_population_missing_for_the_area(case):
    pop = case.data / "population" / "MYE4_mid2001_to_mid2020_all_LAs.csv"
    lines = pop.read_text().splitlines()
    pop.write_text("\n".join(line for line in lines if not line.startswith("E06900001")) + "\n")
    case.fails("no population estimate", "E06900001")


def test_configuration_naming_an_unknown_area(case):
    from analysis.checks.results import DataValidationError

    before = case.snapshot()
    with pytest.raises(
        (PipelineError, DataValidationError), match="unknown area 'nowhere'.*known areas: mini"
    ):
        run.run("nowhere")
    assert case.snapshot() == before


def test_configuration_with_a_bad_period(case):
    case.write_config(period="{type: financial_year, start: twenty-twenty}")
    case.fails("mini.yaml periods[0]", "whole number")


def test_configuration_with_an_unknown_period_type(case):
    case.write_config(period="{type: quarter, start: 2024}")
    case.fails("period type 'quarter' is not known")


# --- partners' returns ----------------------------------------------------------------------

PARTNERS = """partners:
  performance: [partners/*.csv, partners/*.xlsx]
"""


def write_return(case, text: str, name: str = "return_2024.csv") -> Path:
    (case.data / "partners").mkdir(exist_ok=True)
    path = case.data / "partners" / name
    path.write_text(text)
    cfg = next(case.data.parent.glob("config/mini.yaml"))
    if "partners:" not in cfg.read_text():
        cfg.write_text(cfg.read_text() + PARTNERS)
    return path


def test_return_with_a_duplicated_indicator(case):
    write_return(
        case,
        "Indicator,Target,Q1,Q2\nFly tipping,5% reduction,50,40\nASB,10,3,4\nfly tipping ,5% reduction,1,2\n",
    )
    case.fails("return_2024.csv, row 4, column 'Indicator'", "appears twice")


def test_return_with_a_percentage_above_100(case):
    write_return(case, "Indicator,Target,Q1,Q2\nCleared next day,75%,83%,104%\n")
    case.fails("return_2024.csv, row 2, column 'Q2'", "above 100")


def test_xlsx_return_with_merged_header_cells_without_periods(case):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Indicator", "Target", "Performance", None])
    ws.merge_cells("C1:D1")
    ws.append(["Fly tipping", "5% reduction", 50, 40])
    (case.data / "partners").mkdir(exist_ok=True)
    wb.save(case.data / "partners" / "return_2024.xlsx")
    write_return(case, "Indicator,Target,Q1\nOther,5,20\n", name="ok_2024.csv")
    case.fails("return_2024.xlsx")


def test_non_numeric_values_are_kept_and_flagged_not_fatal(case, tmp_path):
    from analysis.config import load_config

    write_return(case, "Indicator,Target,2024\nA,70%,n/a\nB,5,-\nC,10,TBC\nD,10,12\n")
    run.run("mini", step="ingest")
    config = load_config("mini")
    figures = pipeline.prepare_period(
        config, pipeline.load_processed(config), config.periods[0], tmp_path / "w"
    )
    shown = {i["indicator"]: i["value_text"] for i in figures["performance"]["indicators"]}
    assert shown["D"] == "12" and {"A", "B", "C"} <= set(shown)
    assert all(
        i["rag"] == "N/A" for i in figures["performance"]["indicators"] if i["indicator"] in "ABC"
    )


# --- repeated rows -------------------------------------------------------------------------


def test_a_month_appended_to_itself_stops_the_run(case):
    lines = case.lines()
    case.write_lines(lines + lines[1:])  # the month's rows twice (a copy-paste into the extract)
    case.fails(
        "Crime IDs are not repeated beyond what police.uk itself publishes", case.file().name
    )


def test_a_month_copied_under_another_months_name_stops_the_run(case):
    other = case.file("2024-07")
    month_lines = case.lines("2024-06")
    other.write_text("\n".join(line.replace("2024-06", "2024-07") for line in month_lines) + "\n")
    case.fails("Crime IDs are not repeated beyond what police.uk itself publishes")


def _population(case) -> Path:
    return case.data / "population" / "MYE4_mid2001_to_mid2020_all_LAs.csv"


def test_a_repeated_population_row_is_refused(case):
    lines = _population(case).read_text(encoding="utf-8-sig").splitlines()
    area = next(i for i, line in enumerate(lines) if "E06900001" in line)
    lines.insert(area + 1, lines[area])
    _population(case).write_text("\n".join(lines) + "\n", encoding="utf-8")
    case.fails("MYE4_mid2001_to_mid2020_all_LAs.csv", f"row {area + 2}", "E06900001 appears again")


def test_a_population_of_zero_is_refused(case):
    lines = _population(case).read_text(encoding="utf-8-sig").splitlines()
    area = next(i for i, line in enumerate(lines) if "E06900001" in line)
    parts = lines[area].split(",")
    parts[-1] = "0"
    lines[area] = ",".join(parts)
    _population(case).write_text("\n".join(lines) + "\n", encoding="utf-8")
    case.fails("population for E06900001", "it must be more than 0")


# --- ward boundaries -----------------------------------------------------------------------


def _boundaries(case) -> Path:
    return case.data / "boundaries" / "sample" / "wards_WD23.geojson"


def test_invalid_geojson_is_named(case):
    _boundaries(case).write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    case.fails("wards_WD23.geojson", "not a readable GeoJSON file")


def test_boundaries_of_another_ward_set_leave_the_map_out_with_a_note(case, monkeypatch):
    import json

    monkeypatch.setenv("CSP_CONFIG_DIR", str(case.data.parent / "config"))  # for the notebooks
    path = _boundaries(case)
    data = json.loads(path.read_text(encoding="utf-8"))
    for feature in data["features"]:  # codes of another ward set: nothing matches
        feature["properties"]["WD23CD"] = feature["properties"]["WD23CD"].replace("E059", "E058")
    path.write_text(json.dumps(data), encoding="utf-8")
    run.run("mini")
    page = (case.outputs / "mini" / "cy2024" / "crime.html").read_text()
    assert "The ward map is left out: the ward boundary file has no outline for" in page
    assert "Map: " not in page  # no map image (its alternative text starts "Map: ")
    report = store.load_json(store.PROCESSED / "mini" / "ingest_report.json")
    assert report["sources"]["boundaries"]["missing"]["Wards May 2023 (24 wards)"]


# --- coverage by authority and month -------------------------------------------------------


def test_an_authority_missing_from_a_months_file_stops_the_run(case):
    # the month's file holds only the neighbours' rows (an extract cut to the wrong area)
    from analysis.sources.lookups import read_lsoa_lookup

    lookup = read_lsoa_lookup(case.data / "lookups" / "LSOA21_WD23_LAD23_EW_LU.csv")
    ours = set(lookup.loc[lookup["lad_code"] == "E06900001", "lsoa_code"])
    lines = case.lines()
    header = lines[0].split(",")
    col = header.index("LSOA code")
    case.write_lines([lines[0]] + [ln for ln in lines[1:] if ln.split(",")[col] not in ours])
    case.fails("Every authority of the partnership has data for every month", "2024-06")


# --- files that are not what their names say ------------------------------------------------


def test_a_corrupt_gzip_file_is_named(case):
    path = case.file()
    gz = path.with_name(path.name + ".gz")
    gz.write_bytes(gzip.compress(path.read_bytes())[:200])  # truncated
    path.unlink()
    case.fails(gz.name)


def test_a_folder_named_like_a_street_file_is_named(case):
    path = case.file()
    path.unlink()
    path.mkdir()
    case.fails(path.name)


def test_a_dangling_symlink_named_like_a_street_file_is_named(case):
    path = case.file()
    path.unlink()
    path.symlink_to(path.with_name("gone.csv"))
    case.fails(path.name)


def test_a_file_named_for_month_13_is_named(case):
    bad = case.file().with_name("2024-13-sampleshire-street.csv")
    shutil.copy(case.file(), bad)
    case.fails(bad.name)
    with pytest.raises(PipelineError, match="2024-13-sampleshire-street.csv"):
        run.make_dependencies("mini", None, "--area mini")


def test_line_numbers_are_lines_of_the_file_after_blank_lines(case):
    lines = case.lines()
    lines.insert(3, "")  # a blank line before the bad row: the bad row is now line 6
    case.write_lines(lines)
    case.set_field(6, "LSOA code", "E0X12345")
    case.fails("E0X12345", f"{case.file().name}:6")


def test_line_numbers_are_lines_of_the_file_after_a_quoted_line_break(case):
    case.set_field(3, "Location", '"On or near\nHigh Street"')  # record 3 now spans lines 3-4
    case.set_field(6, "LSOA code", "E0X12345")  # was record 5, now starts on line 6
    case.fails("E0X12345", f"{case.file().name}:6")
