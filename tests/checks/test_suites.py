"""Tests for analysis.checks.suites: the GX suites and the results/messages built from them.

GX takes seconds to import, so each scenario runs ``validate()`` once in a module-scoped
fixture and several tests read that one result list.
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.checks import results as cr
from analysis.checks import suites as v

MONTHS = ["2025-01", "2025-02", "2025-03"]
CRIME_TYPES = [
    "Anti-social behaviour",
    "Burglary",
    "Shoplifting",
    "Violence and sexual offences",
]
RAW_PARAMS = {
    "expected_months": MONTHS,
    "known_crime_types": CRIME_TYPES,
    "min_rows": 1,
    "max_rows": 1000,
}
LAD_CODES = ["E07000110", "E07000111"]
CRIME_GROUPS = ["Acquisitive", "Violence", "ASB"]
PROCESSED_PARAMS = {
    "expected_months": MONTHS,
    "lad_codes": LAD_CODES,
    "known_crime_groups": CRIME_GROUPS,
    "min_rows": 1,
    "max_rows": 1000,
}


def _hexid(i: int) -> str:
    return f"{i:064x}"


def raw_frame() -> pd.DataFrame:
    """A small, clean raw extract: two files, blank LSOA/coords/crime ID as in real data."""
    n = 9
    months = ["2025-01"] * 3 + ["2025-02"] * 3 + ["2025-03"] * 3
    files = [f"{m}-kent-street.csv" for m in months]
    df = pd.DataFrame(
        {
            "crime_id": [_hexid(i + 1) for i in range(n)],
            "month": months,
            "falls_within": "Kent Police",
            "longitude": [0.52, 0.61, np.nan, 0.7, 0.71, 0.3, 1.1, 0.9, 0.55],
            "latitude": [51.27, 51.3, np.nan, 51.2, 51.25, 51.1, 51.35, 51.4, 51.28],
            "lsoa_code": [
                "E01024000",
                "E01024001",
                None,
                "E01024002",
                "E01024003",
                "E01024004",
                "W01000005",
                "E01024006",
                "E01024007",
            ],
            "lsoa_name": "Maidstone 001A",
            "crime_type": [
                "Burglary",
                "Shoplifting",
                "Anti-social behaviour",
                "Burglary",
                "Violence and sexual offences",
                "Anti-social behaviour",
                "Shoplifting",
                "Burglary",
                "Burglary",
            ],
            "source_file": files,
            "source_row": [2, 3, 4, 2, 3, 4, 2, 3, 4],
        }
    )
    df.loc[[2, 5], "crime_id"] = None  # ASB rows have no crime ID
    return df


def bad_raw_frame() -> pd.DataFrame:
    """Clean frame plus rows that each break one critical rule."""
    df = raw_frame()
    extra = pd.DataFrame(
        {
            "crime_id": [_hexid(100 + i) for i in range(12)],
            "month": ["2025-01"] * 8 + ["2024-12", "2025-13", "2025-02", "2025-02"],
            "falls_within": "Kent Police",
            # row 0: outside GB; row 1: latitude/longitude swapped
            "longitude": [10.0, 51.3] + [0.5] * 10,
            "latitude": [45.0, 0.5] + [51.2] * 10,
            "lsoa_code": ["XYZ123", "E0102400", "e01024000", "E01-024000", "E1", "S01000001"]
            + ["E01024000"] * 6,
            "lsoa_name": "x",
            "crime_type": ["Burglary"] * 10 + ["Bike theft", "Burglary"],
            "source_file": ["2025-01-kent-street.csv"] * 8
            + ["2024-12-kent-street.csv", "2025-13-kent-street.csv"]
            + ["2025-02-kent-street.csv"] * 2,
            "source_row": [17, 18, 19, 20, 21, 22, 23, 24, 2, 2, 40, 41],
        }
    )
    return pd.concat([df, extra], ignore_index=True)


def processed_frame() -> pd.DataFrame:
    raw = raw_frame()
    crime = raw["crime_type"] != "Anti-social behaviour"
    group = raw["crime_type"].map(
        {
            "Burglary": "Acquisitive",
            "Shoplifting": "Acquisitive",
            "Violence and sexual offences": "Violence",
            "Anti-social behaviour": "ASB",
        }
    )
    df = raw.assign(
        lsoa_code=raw["lsoa_code"].fillna("E01024008"),
        lad_code=["E07000110", "E07000111"] * 4 + ["E07000110"],
        ward_code="E05009999",
        ward_name="High Street",
        crime_group=group,
        measure=np.where(crime, "crime", "asb"),
    )
    return df[
        [
            "month",
            "crime_id",
            "lsoa_code",
            "lad_code",
            "ward_code",
            "ward_name",
            "crime_type",
            "crime_group",
            "measure",
            "longitude",
            "latitude",
            "source_file",
            "source_row",
        ]
    ]


def by_rule(results: list[cr.CheckResult], expectation: str, column: str | None) -> cr.CheckResult:
    matches = [r for r in results if r.expectation == expectation and r.column == column]
    assert len(matches) == 1, f"expected one {expectation} on {column}, got {len(matches)}"
    return matches[0]


def critical_message(results: list[cr.CheckResult], context: str = "") -> str:
    with pytest.raises(cr.DataValidationError) as info:
        cr.raise_for_critical(results, context=context)
    return str(info.value)


# --- module-scoped runs (each validate() call pays GX's metric machinery once) ----------


@pytest.fixture(scope="module")
def gx_loaded() -> None:
    v._import_gx()


@pytest.fixture(scope="module")
def clean_raw(gx_loaded) -> list[cr.CheckResult]:
    return v.validate(raw_frame(), "police_uk_raw", RAW_PARAMS)


@pytest.fixture(scope="module")
def bad_raw(gx_loaded) -> list[cr.CheckResult]:
    return v.validate(bad_raw_frame(), "police_uk_raw", RAW_PARAMS)


@pytest.fixture(scope="module")
def missing_column(gx_loaded) -> list[cr.CheckResult]:
    return v.validate(raw_frame().drop(columns=["crime_type"]), "police_uk_raw", RAW_PARAMS)


@pytest.fixture(scope="module")
def duplicate_id(gx_loaded) -> list[cr.CheckResult]:
    df = processed_frame()  # checked on the area's rows: it needs every row at once
    df.loc[4, "crime_id"] = df.loc[3, "crime_id"]  # as in the May 2025 Kent file
    return v.validate(df, "police_uk_processed", PROCESSED_PARAMS)


@pytest.fixture(scope="module")
def clean_processed(gx_loaded) -> list[cr.CheckResult]:
    return v.validate(processed_frame(), "police_uk_processed", PROCESSED_PARAMS)


@pytest.fixture(scope="module")
def bad_processed(gx_loaded) -> list[cr.CheckResult]:
    df = processed_frame()
    df.loc[0, "lad_code"] = "E07000999"  # neighbouring authority
    df.loc[1, "measure"] = "other"
    df.loc[2, "crime_group"] = "Mystery"
    df.loc[3, "ward_code"] = None  # LSOA missing from ward lookup: warning only
    df.loc[4, "lsoa_code"] = None
    df.loc[6, "crime_id"] = "ABC"  # odd shape: warning only, no count uses the ID
    df.loc[7, "longitude"] = 51.3  # swapped coordinates
    return v.validate(df, "police_uk_processed", PROCESSED_PARAMS)


# --- suites ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["police_uk_raw", "police_uk_processed"])
def test_suite_files_are_valid_gx_suites(gx_loaded, name: str) -> None:
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    suite = v.load_suite(name)
    assert suite["name"] == name
    for exp in suite["expectations"]:
        get_expectation_impl(exp["type"])  # raises if GX has no such expectation
        assert exp["meta"]["severity"] in {"critical", "warning"}
        assert exp["meta"].get("why"), f"{exp['type']} needs meta.why"
        assert exp.get("description"), f"{exp['type']} needs a description"

    # The raw JSON is in GX 1.x's own suite shape and loads without losing any rule
    # (GX drops invalid expectations with only a log message, so count them).
    raw = json.loads((v.EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert len(gx.ExpectationSuite(**raw).expectations) == len(raw["expectations"])
    assert len(v.to_gx_suite(suite).expectations) == len(raw["expectations"])


def test_suite_parameters_are_the_documented_runtime_values() -> None:
    assert v.suite_parameter_names(v.load_suite("police_uk_raw")) == set(RAW_PARAMS)
    assert v.suite_parameter_names(v.load_suite("police_uk_processed")) == set(PROCESSED_PARAMS)


def test_broken_suite_file_is_rejected(tmp_path) -> None:
    suite = v.load_suite("police_uk_raw")
    suite["expectations"][0]["meta"]["severity"] = "fatal"
    (tmp_path / "police_uk_raw.json").write_text(json.dumps(suite), encoding="utf-8")
    with pytest.raises(ValueError, match="severity"):
        v.load_suite("police_uk_raw", tmp_path)


def test_unknown_expectation_type_raises_instead_of_being_dropped(gx_loaded) -> None:
    suite = v.load_suite("police_uk_raw")
    suite["expectations"][0]["type"] = "expect_column_to_be_lovely"
    with pytest.raises(ValueError, match="expect_column_to_be_lovely"):
        v.to_gx_suite(suite)


def test_missing_parameter_is_a_pipeline_error(gx_loaded) -> None:
    params = {k: val for k, val in RAW_PARAMS.items() if k != "known_crime_types"}
    with pytest.raises(ValueError, match="known_crime_types"):
        v.validate(raw_frame(), "police_uk_raw", params)


def test_import_does_not_load_great_expectations() -> None:
    code = "import sys, analysis.checks.suites; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- raw suite -------------------------------------------------------------------------


def test_clean_raw_frame_passes_everything(clean_raw) -> None:
    assert len(clean_raw) == len(v.load_suite("police_uk_raw")["expectations"])
    failed = [(r.expectation, r.column, r.details) for r in clean_raw if not r.success]
    assert failed == []
    cr.raise_for_critical(clean_raw)  # does not raise


def test_malformed_lsoa_fails_critically_with_value_and_file_row(bad_raw) -> None:
    r = by_rule(bad_raw, "expect_column_values_to_match_regex", "lsoa_code")
    assert not r.success and r.severity == "critical"
    # six malformed codes; the blank LSOA of the clean rows is allowed
    assert r.unexpected_count == 6
    assert r.examples[0] == "XYZ123"
    assert r.example_rows[0] == "2025-01-kent-street.csv:17"
    assert len(r.examples) == cr.MAX_EXAMPLES == len(r.example_rows)  # bounded

    message = critical_message(bad_raw, context="Reading police.uk extract")
    assert message.startswith("Reading police.uk extract")
    line = next(ln for ln in message.splitlines() if "'lsoa_code'" in ln)
    assert "Critical data check failed (police_uk_raw)" in line
    assert "expect_column_values_to_match_regex" in line
    assert "well-formed ONS code" in line
    assert "6 bad row(s)" in line
    assert "'XYZ123' at 2025-01-kent-street.csv:17" in line
    assert "S01000001" not in line  # sixth example is left out


def test_unknown_crime_type_fails(bad_raw) -> None:
    r = by_rule(bad_raw, "expect_column_values_to_be_in_set", "crime_type")
    assert not r.success and r.severity == "critical"
    assert r.examples == ["Bike theft"]
    assert r.example_rows == ["2025-02-kent-street.csv:40"]


def test_coordinates_outside_great_britain_and_swapped(bad_raw) -> None:
    lon = by_rule(bad_raw, "expect_column_values_to_be_between", "longitude")
    lat = by_rule(bad_raw, "expect_column_values_to_be_between", "latitude")
    assert not lon.success and not lat.success
    assert lon.unexpected_count == 2 and lat.unexpected_count == 2  # blank coords allowed
    assert lon.examples == ["10.0", "51.3"]  # outside GB, then swapped
    assert lat.examples == ["45.0", "0.5"]
    assert lon.example_rows == ["2025-01-kent-street.csv:17", "2025-01-kent-street.csv:18"]


def test_month_outside_expected_and_malformed(bad_raw) -> None:
    in_set = by_rule(bad_raw, "expect_column_values_to_be_in_set", "month")
    regex = by_rule(bad_raw, "expect_column_values_to_match_regex", "month")
    assert not in_set.success and set(in_set.examples) == {"2024-12", "2025-13"}
    assert not regex.success and regex.examples == ["2025-13"]
    assert regex.example_rows == ["2025-13-kent-street.csv:2"]


def test_missing_column_is_reported_by_name(missing_column) -> None:
    exists = by_rule(missing_column, "expect_column_to_exist", "crime_type")
    assert not exists.success and exists.severity == "critical"
    # every other rule on the missing column fails too: never a silent pass
    others = [r for r in missing_column if r.column == "crime_type"]
    assert len(others) == 3 and not any(r.success for r in others)

    message = critical_message(missing_column)
    assert "column 'crime_type' is missing from the extract (expect_column_to_exist)" in message
    assert "2025-01-kent-street.csv" in message
    assert "could not run on the missing column" in message


def test_duplicate_crime_id_is_only_a_warning(duplicate_id) -> None:
    r = by_rule(duplicate_id, "expect_column_values_to_be_unique", "crime_id")
    assert not r.success and r.severity == "warning"
    assert r.unexpected_count == 2
    assert r.examples == [_hexid(4)]
    assert "2025-02-kent-street.csv:2" in r.details and "2025-02-kent-street.csv:3" in r.details
    # the critical rule is about the rate: one repeat in a handful of rows is far above the
    # 1 in 13,469 police.uk published for Kent in May 2025 (Medway's real year passes it)
    rate = by_rule(
        duplicate_id, "expect_column_proportion_of_unique_values_to_be_between", "crime_id"
    )
    assert rate.severity == "critical" and not rate.success
    cr.raise_for_critical([c for c in duplicate_id if c is not rate])  # warnings never raise
    table = cr.results_frame(duplicate_id)
    row = table[table["Check"] == r.description].iloc[0]
    assert (row["Result"], row["Severity"], row["Unexpected"]) == ("Fail", "warning", 2)


def test_error_inside_an_expectation_is_a_failure(gx_loaded) -> None:
    df = raw_frame()
    df["longitude"] = df["longitude"].astype(str)  # wrong-typed column: GX raises inside
    results = v.validate(df, "police_uk_raw", RAW_PARAMS)
    r = by_rule(results, "expect_column_values_to_be_between", "longitude")
    assert r.success is False
    assert "could not run" in r.details and "type" in r.details
    assert "longitude" in critical_message(results)
    # the rest of the suite still ran
    assert by_rule(results, "expect_column_values_to_be_between", "latitude").success


def test_wrong_typed_parameter_is_a_failure_not_a_pass(gx_loaded) -> None:
    params = dict(RAW_PARAMS, known_crime_types="Burglary")  # a string, not a list
    results = v.validate(raw_frame(), "police_uk_raw", params)
    r = by_rule(results, "expect_column_values_to_be_in_set", "crime_type")
    assert r.success is False and "could not run" in r.details
    assert by_rule(results, "expect_column_values_to_be_in_set", "month").success
    assert "crime_type" in critical_message(results)


def test_gx_success_with_exception_info_is_still_a_failure() -> None:
    exp = v.load_suite("police_uk_raw")["expectations"][-1]
    fake = SimpleNamespace(
        success=True,
        result={"observed_value": 9},
        exception_info={
            "metric-id": {"raised_exception": True, "exception_message": "boom", "x": None}
        },
        expectation_config=SimpleNamespace(kwargs={}),
    )
    r = v._to_check_result(raw_frame(), "police_uk_raw", exp, fake, None, set())
    assert r.success is False and "boom" in r.details


def test_validate_prints_no_progress_bars(gx_loaded, capfd) -> None:
    v.validate(raw_frame(), "police_uk_raw", RAW_PARAMS)
    out, err = capfd.readouterr()
    assert "Calculating Metrics" not in out + err
    assert "%|" not in out + err


# --- month contiguity ------------------------------------------------------------------


def test_months_contiguous_passes_across_a_year_end() -> None:
    r = cr.check_months_contiguous(
        ["2025-01", "2024-12", "2024-11", None], ["2024-11", "2024-12", "2025-01"], "raw"
    )
    assert r.success and r.severity == "critical" and r.column == "month"


def test_gap_in_months_is_detected_and_named() -> None:
    expected = [f"2024-{m:02d}" for m in range(1, 13)]
    present = pd.Series([m for m in expected if m not in {"2024-03", "2024-04"}] * 2)
    r = cr.check_months_contiguous(present.unique(), expected, "police_uk_raw")
    assert not r.success and r.severity == "critical"
    assert r.unexpected_count == 2 and r.examples == ["2024-03", "2024-04"]
    assert "2024-03, 2024-04" in r.details
    message = critical_message([r])
    assert "2024-03" in message and "months_in_range_and_contiguous" in message


def test_gap_in_configured_months_and_month_outside_range() -> None:
    r = cr.check_months_contiguous(["2024-01", "2024-03", "2025-06"], ["2024-01", "2024-03"], "s")
    assert not r.success
    assert r.examples == ["2024-02", "2025-06"]


def test_bad_expected_months_raise() -> None:
    with pytest.raises(ValueError):
        cr.check_months_contiguous(["2024-01"], [], "s")
    with pytest.raises(ValueError):
        cr.check_months_contiguous(["2024-01"], ["2024-1"], "s")


# --- processed suite -------------------------------------------------------------------


def test_clean_processed_frame_passes(clean_processed) -> None:
    assert [(r.expectation, r.column) for r in clean_processed if not r.success] == []


def test_processed_failures(bad_processed) -> None:
    failed = {(r.expectation, r.column): r for r in bad_processed if not r.success}
    assert set(failed) == {
        ("expect_column_values_to_be_in_set", "lad_code"),
        ("expect_column_values_to_be_in_set", "measure"),
        ("expect_column_values_to_be_in_set", "crime_group"),
        ("expect_column_values_to_not_be_null", "ward_code"),
        ("expect_column_values_to_not_be_null", "lsoa_code"),
        ("expect_column_values_to_match_regex", "crime_id"),
        ("expect_column_values_to_be_between", "longitude"),
    }
    assert failed[("expect_column_values_to_not_be_null", "ward_code")].severity == "warning"
    assert failed[("expect_column_values_to_match_regex", "crime_id")].severity == "warning"
    assert failed[("expect_column_values_to_match_regex", "crime_id")].examples == ["ABC"]
    assert failed[("expect_column_values_to_be_between", "longitude")].severity == "critical"
    assert failed[("expect_column_values_to_be_in_set", "lad_code")].examples == ["E07000999"]
    null_lsoa = failed[("expect_column_values_to_not_be_null", "lsoa_code")]
    assert null_lsoa.examples == ["<blank>"]
    assert null_lsoa.example_rows == ["2025-02-kent-street.csv:3"]
    message = critical_message(bad_processed)
    assert "'E07000999' at 2025-01-kent-street.csv:2" in message
    assert "ward_code" not in message and "crime_id" not in message  # warnings only
    assert "'51.3' at 2025-03-kent-street.csv:3" in message


# --- results table ---------------------------------------------------------------------


def test_results_frame_shape(bad_raw) -> None:
    table = cr.results_frame(bad_raw)
    assert list(table.columns) == [
        "Suite",
        "Check",
        "Column",
        "Severity",
        "Result",
        "Unexpected",
        "Examples",
    ]
    assert len(table) == len(bad_raw)
    assert set(table["Result"]) == {"Pass", "Fail"}
    lsoa = table[(table["Column"] == "lsoa_code") & (table["Result"] == "Fail")].iloc[0]
    assert lsoa["Unexpected"] == 6
    assert "XYZ123 at 2025-01-kent-street.csv:17" in lsoa["Examples"]
    assert (table.loc[table["Result"] == "Pass", "Examples"] == "").all()
