"""The raw suite evaluated file by file on Arrow (the ingest's engine) agrees with Great
Expectations on the same data: same outcome, bad-row counts, percentages and (up to GX's first
hundred bad rows, from which it picks them) the same examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from test_suites import RAW_PARAMS, bad_raw_frame, raw_frame

from analysis.checks import results as cr
from analysis.checks import suites as v
from analysis.checks.arrow import ArrowSuite

DICTIONARY = ("month", "falls_within", "lsoa_code", "crime_type")  # as the reader returns them


def as_reader_table(df: pd.DataFrame, dictionary: bool = True) -> pa.Table:
    table = pa.Table.from_pandas(df, preserve_index=False)
    if dictionary:
        for name in DICTIONARY:
            if name in table.column_names:
                i = table.column_names.index(name)
                table = table.set_column(i, name, table.column(name).dictionary_encode())
    return table


def arrow_results(df: pd.DataFrame, by_file: bool, dictionary: bool = True):
    suite = ArrowSuite("police_uk_raw", RAW_PARAMS)
    if not by_file:
        return suite.results([suite.tally(as_reader_table(df, dictionary), "unused")])
    parts = [
        suite.tally(as_reader_table(part, dictionary), str(name))
        for name, part in df.groupby("source_file", sort=False)
    ]
    return suite.results(parts)


def gx_results(df: pd.DataFrame):
    return v.validate(df, "police_uk_raw", RAW_PARAMS)


FRAMES = {
    "clean": raw_frame,
    "bad": bad_raw_frame,
    "missing column": lambda: raw_frame().drop(columns=["crime_type"]),
    "bad coordinates": lambda: raw_frame().assign(
        longitude=[0.5, 51.3, np.nan, -9.0, 2.5, None, 1.9, -8.7, 0.1],
        latitude=[51.2, 0.5, np.nan, 52.0, 60.95, None, 49.8, 60.9, float("nan")],
    ),
    "blank month and type": lambda: raw_frame().assign(
        month=["2025-01", None, "2025-02", None, "2025-03", "2025-01", None, "2025-02", "2025-03"],
        crime_type=[
            None,
            "Burglary",
            None,
            "Burglary",
            "Shoplifting",
            "Burglary",
            "Burglary",
            "Burglary",
            "Burglary",
        ],
    ),  # fmt: skip
    "too few rows": lambda: raw_frame().iloc[:0],
}


@pytest.fixture(scope="module")
def gx_loaded() -> None:
    v._import_gx()


@pytest.mark.parametrize("name", FRAMES)
@pytest.mark.parametrize("dictionary", [True, False], ids=["dictionary", "plain"])
def test_same_outcome_as_great_expectations(gx_loaded, name, dictionary) -> None:
    df = FRAMES[name]()
    gx = gx_results(df)
    ours = arrow_results(df, by_file=False, dictionary=dictionary)
    assert len(gx) == len(ours)
    for g, o in zip(gx, ours, strict=True):
        what = f"{name}: {g.expectation} on {g.column}"
        assert (o.expectation, o.column, o.severity) == (g.expectation, g.column, g.severity)
        assert o.success == g.success, what
        assert o.unexpected_count == g.unexpected_count, what
        assert o.unexpected_percent == pytest.approx(g.unexpected_percent), what
        if g.examples:  # GX sees the bad rows in row order; so do we in one table
            assert o.examples == g.examples, what
            assert [r.rsplit(":", 1)[1] for r in o.example_rows] == [
                r.rsplit(":", 1)[1] for r in g.example_rows
            ], what
        if g.expectation == "expect_table_row_count_to_be_between":
            assert o.details == g.details, what
        elif g.details and "missing" in g.details:
            assert o.details == g.details, what


@pytest.mark.parametrize("name", ["clean", "bad", "bad coordinates"])
def test_file_by_file_tallies_add_up_to_the_whole(gx_loaded, name) -> None:
    df = FRAMES[name]()
    gx = gx_results(df)
    ours = arrow_results(df, by_file=True)
    for g, o in zip(gx, ours, strict=True):
        assert (o.success, o.unexpected_count) == (g.success, g.unexpected_count)
        assert o.unexpected_percent == pytest.approx(g.unexpected_percent)
        assert set(o.examples) == set(g.examples)
        assert set(o.example_rows) == set(g.example_rows)  # "file:line", from each file


def test_critical_message_names_file_line_and_value() -> None:
    results = arrow_results(bad_raw_frame(), by_file=True)
    with pytest.raises(cr.DataValidationError) as err:
        cr.raise_for_critical(results, context="police.uk extract")
    text = str(err.value)
    assert "'XYZ123' at 2025-01-kent-street.csv:17" in text
    assert "'Bike theft' at 2025-02-kent-street.csv:40" in text
    assert "column 'longitude'" in text and "'51.3' at 2025-01-kent-street.csv:18" in text


def test_rules_that_need_every_row_at_once_are_refused(tmp_path) -> None:
    suite = {
        "name": "needs_all_rows",
        "expectations": [
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "crime_id"},
             "meta": {"severity": "warning"}},
        ],
    }  # fmt: skip
    (tmp_path / "needs_all_rows.json").write_text(__import__("json").dumps(suite))
    with pytest.raises(ValueError, match="cannot be evaluated file by file"):
        ArrowSuite("needs_all_rows", {}, expectations_dir=tmp_path)


def test_missing_parameter_is_a_pipeline_error() -> None:
    with pytest.raises(ValueError, match="known_crime_types"):
        ArrowSuite(
            "police_uk_raw", {k: w for k, w in RAW_PARAMS.items() if k != "known_crime_types"}
        )


def test_column_missing_from_one_file_counts_as_blank_as_in_a_joined_frame(gx_loaded) -> None:
    """GX on the joined frame sees a file without the column as blank values, not as a missing
    column: the file-by-file tallies must say the same."""
    df = raw_frame()
    suite = ArrowSuite("police_uk_raw", RAW_PARAMS)
    tallies = []
    for name, part in df.groupby("source_file", sort=False):
        if name == "2025-02-kent-street.csv":
            part = part.drop(columns=["crime_type"])
        tallies.append(suite.tally(as_reader_table(part), str(name)))
    ours = suite.results(tallies)
    joined = df.assign(
        crime_type=df["crime_type"].where(df["source_file"] != "2025-02-kent-street.csv")
    )
    for g, o in zip(gx_results(joined), ours, strict=True):
        assert (o.success, o.unexpected_count) == (g.success, g.unexpected_count), g.expectation
    null_type = next(
        o for o in ours if o.expectation.endswith("not_be_null") and o.column == "crime_type"
    )
    assert null_type.example_rows == ["2025-02-kent-street.csv:2"]
    suite_missing_everywhere = suite.results(
        [suite.tally(as_reader_table(df.drop(columns=["crime_type"])), "f")]
    )
    exists = next(r for r in suite_missing_everywhere if r.expectation == "expect_column_to_exist"
                  and r.column == "crime_type")  # fmt: skip
    assert not exists.success


def test_examples_come_from_every_bad_row_not_only_the_first_hundred(gx_loaded) -> None:
    """The one documented difference: GX picks examples from its first 100 bad rows."""
    base = raw_frame().iloc[[0]]
    df = pd.concat([base] * 155, ignore_index=True)
    df["lsoa_code"] = ["XYZ123"] * 150 + [f"BAD{i}" for i in range(150, 155)]
    df["source_row"] = range(2, 157)
    gx = next(r for r in gx_results(df) if r.column == "lsoa_code" and "regex" in r.expectation)
    ours = next(
        r
        for r in arrow_results(df, by_file=False)
        if r.column == "lsoa_code" and "regex" in r.expectation
    )
    assert (ours.unexpected_count, gx.unexpected_count) == (155, 155)
    assert gx.examples == ["XYZ123"]
    assert ours.examples == ["XYZ123", "BAD150", "BAD151", "BAD152", "BAD153"]
    assert ours.example_rows[:2] == ["unused:2", "unused:152"]
