"""The ``python -m analysis.performance`` command: table and CSV output, errors, options."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from analysis.performance import CSV_COLUMNS, main
from conftest import REPO

SEED_TABLES = REPO.parent / "shared" / "seed-tables"
REQUIRED = [
    "indicator",
    "period",
    "value",
    "unit",
    "target_text",
    "rag",
    "change",
    "change_unit",
    "arrow",
    "change_vs_baseline",
]

RETURN = (
    "Measure,Target,Baseline '10/11,11/12 performance,12/13 performance,RAG,Comment\n"
    "Number of fly tipping incidents,5% reduction,4700,4491,4136,GREEN,8% reduction\n"
    'Numbers of environmental crimes reported,5% reduction,"4,900","4,772","4,443",GREEN,\n'
    "Increased fixed penalty notices issued,10% increase,350,399,310,RED,\n"
    "Satisfaction with how the Council deals with graffiti,73%,74%,76%,71%,AMBER,\n"
    "Council attendance at PACTS and SACTS,95% where notified a fortnight in advance,,100%,100%,GREEN,\n"
)


@pytest.fixture
def street(tmp_path):
    path = tmp_path / "street_scene_2012-13.csv"
    path.write_text(RETURN, encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis.performance", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "LANG": "C"},  # a plain locale: arrows must still print
    )


def test_csv_output(street, capsys):
    assert main([str(street), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert list(rows[0])[: len(REQUIRED)] == REQUIRED
    by = {(r["indicator"][:20], r["period"]): r for r in rows}
    fly = by[("Number of fly tippin", "2012/13")]
    assert (fly["value"], fly["unit"], fly["rag"], fly["arrow"], fly["change_unit"]) == (
        "4136.0",
        "count",
        "GREEN",
        "\u25bc",
        "%",
    )
    assert float(fly["change"]) == pytest.approx(-7.905, abs=1e-3)
    assert float(fly["change_vs_baseline"]) == pytest.approx((4136 - 4700) / 4700 * 100, abs=1e-3)
    graffiti = by[("Satisfaction with ho", "2012/13")]
    assert (graffiti["change"], graffiti["change_unit"], graffiti["change_vs_baseline"]) == (
        "-5.0",
        "pp",
        "-3.0",
    )
    assert graffiti["rag"] == graffiti["published_rag"] == "AMBER"
    assert all(r["rag_matches_published"] in ("True", "") for r in rows)
    base = by[("Number of fly tippin", "Baseline 2010/11")]
    assert (base["rag"], base["source_column"]) == ("N/A", "Baseline '10/11")


def test_table_output(street, capsys):
    assert main([str(street)]) == 0
    out = capsys.readouterr().out
    assert "== street_scene_2012-13.csv: 5 indicators, 15 figures ==" in out
    assert "\u25bc 7.9%" in out and "AMBER" in out
    assert "RAG rule: GREEN: target met; AMBER: missed by no more than 5 percentage points" in out


def test_tolerance_option(street, capsys):
    assert main([str(street), "--format", "csv", "--tolerance", "1"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    graffiti = [
        r for r in rows if r["indicator"].startswith("Satisfaction") and r["period"] == "2012/13"
    ][0]
    assert (graffiti["rag"], graffiti["rag_matches_published"]) == ("RED", "False")


def test_bad_input_exit_code_2_and_message(tmp_path):
    bad = tmp_path / "bad_return.csv"
    bad.write_text("Indicator,Target,Q1,Q2\nSatisfaction,70%,50%,104%\n", encoding="utf-8")
    result = run_cli(str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {bad}, row 2, column 'Q2': percentage 104% is above 100 for 'Satisfaction'"
    )
    assert "Traceback" not in result.stderr


def test_missing_file_exit_code_2(tmp_path):
    result = run_cli(str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert "nope.csv: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_subprocess_csv_in_plain_locale(street):
    result = run_cli(str(street), "--format", "csv", "--no-register")
    assert result.returncode == 0, result.stderr
    assert "\u25bc" in result.stdout


def test_argument_errors_exit_2(street):
    assert run_cli(str(street), "--format", "xml").returncode == 2
    assert run_cli(str(street), "--tolerance", "-1").returncode == 2


@pytest.mark.skipif(not SEED_TABLES.is_dir(), reason=f"seed tables {SEED_TABLES} are absent")
def test_seed_tables_through_the_command(capsys):
    files = [
        str(SEED_TABLES / n)
        for n in (
            "medway_street_scene_2012-13.csv",
            "medway_action_plan_2014-15_q3q4.csv",
            "medway_action_plan_2015-16_q1q2.csv",
        )
    ]
    assert main([*files, "--area", "medway"]) == 0
    out = capsys.readouterr().out
    assert "target not machine-readable: 'Awaiting figure from OASIS'" in out
    assert "stated 19% but 15 of 52 is 28.8%" in out
    assert "computed" not in out  # no computed RAG differs from a published one
