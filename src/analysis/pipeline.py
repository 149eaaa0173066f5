"""The data steps of a run: ingest, validate, and compute a period's figures.

Kept apart from :mod:`analysis.run` (notebooks and rendering) so that a notebook opened
interactively can call the same functions to build its inputs, with no hidden state.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from analysis.config import REPO_ROOT, AreaConfig
from analysis.crime_types import KNOWN_GROUPS
from analysis.figures import build_figures
from analysis.ingest import ingest_files, period_table, write_json, write_parquet
from analysis.periods import Period
from analysis.population import read_mye

log = logging.getLogger(__name__)
PROCESSED = Path(os.environ.get("CSP_PROCESSED_DIR", REPO_ROOT / "data" / "processed"))


@dataclass
class AreaData:
    area: pd.DataFrame
    lad_counts: pd.DataFrame
    report: list[dict]
    raw_checks: list[dict]
    files: list[dict]


def write_sample(out_dir: Path) -> None:
    """The whole synthetic sample: police.uk files and lookups, then the partners' returns."""
    from analysis.sample_data import generate_sample
    from analysis.sample_partners import generate_partner_sample

    generate_sample(out_dir)  # replaces the folder, so partners come second
    generate_partner_sample(out_dir)


def ensure_sample_data(config: AreaConfig) -> None:
    """The synthetic default runs out of the box: generate it when its folder is absent."""
    if config.synthetic and not config.data_dir.exists():
        log.info("generating the synthetic sample area in %s", config.data_dir.name)
        write_sample(config.data_dir)


def ingest_area(config: AreaConfig, processed_dir: Path | None = None) -> AreaData:
    """Read, check and tidy every police.uk file of the area; write the processed tables.

    Every row read is checked against ``expectations/police_uk_raw.json`` as its file is read
    (see :mod:`analysis.ingest`); nothing is written unless all critical checks pass.
    """
    out = (processed_dir or PROCESSED) / config.area
    result = ingest_files(config)
    raw_checks = [asdict(r) for r in result.raw_checks]
    write_parquet(result.area, out / "police_uk_area.parquet")
    write_parquet(result.lad_counts, out / "lad_month_counts.parquet")
    file_info = [
        {
            "file": f.path.relative_to(config.data_dir).as_posix()
            if f.path.is_relative_to(config.data_dir)
            else f.name,
            "month": f.month,
            "force": f.force,
        }
        for f in result.files
    ]
    report = result.report
    write_json(
        {"files": report, "raw_checks": raw_checks, "inputs": file_info}, out / "ingest_report.json"
    )
    log.info(
        "%s: %d area rows kept of %d read (blank LSOA %d, not in lookup %d, outside area %d)",
        config.area,
        len(result.area),
        sum(r["rows"] for r in report),
        sum(r["blank_lsoa"] for r in report),
        sum(r["lsoa_not_in_lookup"] for r in report),
        sum(r["outside_area"] for r in report),
    )
    return AreaData(
        area=result.area,
        lad_counts=result.lad_counts,
        report=report,
        raw_checks=raw_checks,
        files=file_info,
    )


def load_processed(config: AreaConfig, processed_dir: Path | None = None) -> AreaData:
    """The last ingest's tables, so that one period can be rebuilt without re-reading raw files."""
    out = (processed_dir or PROCESSED) / config.area
    report_path = out / "ingest_report.json"
    if not report_path.exists():
        from analysis.errors import PipelineError

        raise PipelineError(
            f"no processed data for {config.area}: run the ingest first (make all does)"
        )
    report = load_json(report_path)
    return AreaData(
        area=pd.read_parquet(out / "police_uk_area.parquet"),
        lad_counts=pd.read_parquet(out / "lad_month_counts.parquet"),
        report=report["files"],
        raw_checks=report["raw_checks"],
        files=report["inputs"],
    )


def validate_period(
    ptable: pd.DataFrame, config: AreaConfig, period: Period, file_months: list[str]
) -> list[dict]:
    """Checks on the period's processed table, and that every month of the period has data.

    Gaps elsewhere in the history only mark trend periods as incomplete; a gap inside the
    period assessed would understate every figure, so it stops the run.
    """
    from analysis import validation

    months = sorted(ptable["month"].unique().tolist()) or period.months
    params = {
        "expected_months": sorted(set(period.months) | set(period.previous().months)),
        "lad_codes": list(config.local_authority_codes),
        "known_crime_groups": KNOWN_GROUPS,
        "min_rows": 10 * len(months),
        "max_rows": 2_000_000 * len(months),
    }
    cols = ["month", "crime_id", "lsoa_code", "lad_code", "ward_code", "ward_name", "crime_type",
            "crime_group", "measure", "longitude", "latitude", "source_file", "source_row"]  # fmt: skip
    results = validation.validate(ptable[cols], "police_uk_processed", params)
    in_period = [m for m in file_months if m in set(period.months)]
    results.append(
        validation.check_months_contiguous(in_period, period.months, "police_uk_processed")
    )
    validation.raise_for_critical(results, context=f"processed table for {period.label}")
    return [asdict(r) for r in results]


def prepare_period(
    config: AreaConfig,
    data: AreaData,
    period: Period,
    work_dir: Path,
    processed_dir: Path | None = None,
) -> dict:
    """Period table, its checks and ``figures.json`` in ``work_dir``; returns the figures."""
    ptable = period_table(data.area, config, period)
    checks = validate_period(ptable, config, period, [f["month"] for f in data.files])
    out = (processed_dir or PROCESSED) / config.area / period.slug
    write_parquet(ptable, out / "police_uk.parquet")
    mye = read_mye(config.population)
    validation = data.raw_checks + checks
    figures = build_figures(
        config=config,
        period=period,
        ptable=ptable,
        area=data.area,
        lad_counts=data.lad_counts,
        mye=mye,
        ingest_report=data.report,
        validation=validation,
    )
    work_dir.mkdir(parents=True, exist_ok=True)
    partner_checks = add_partner_sections(figures, config, period, work_dir)
    validation += partner_checks
    figures["validation"]["checks"] += len(partner_checks)
    figures["validation"]["warnings"] += sum(
        1 for c in partner_checks if c["severity"] == "warning" and not c["success"]
    )
    write_json(figures, work_dir / "figures.json")
    write_json(
        {"checks": validation, "files": [r for r in data.report]}, work_dir / "validation.json"
    )
    return figures


def add_partner_sections(
    figures: dict, config: AreaConfig, period: Period, work_dir: Path
) -> list[dict]:
    """Partners' performance, road safety and fire: figures into ``figures``, tidy tables into
    ``work_dir`` for the notebooks, Great Expectations results returned (critical ones stop).

    A return that is not configured or absent for the period leaves its section ``None`` with a
    sentence in ``figures["partner_notes"]``: that is normal, not an error.
    """
    from analysis import partners, validation

    settings = config.raw.get("partners")
    codes = list(config.local_authority_codes)
    result = partners.partner_figures(settings, config.data_dir, period.start, period.end, period.label,
                                      area=config.area, la_codes=codes)  # fmt: skip
    figures["partner_notes"] = result.pop("notes")
    figures.update(result)
    if figures.get("performance"):
        figures["performance"]["red_indicators"] = [
            r["indicator"] for r in figures["performance"]["red"]
        ]
        rows = partners.period_rows(
            partners.performance_frame(settings, config.data_dir, area=config.area),
            period.start,
            period.end,
        )
        figures["performance"]["stated_checks"] = stated_change_checks(rows)
    checks = partners.partner_checks(settings, config.data_dir, area=config.area, la_codes=codes)
    validation.raise_for_critical(checks, context="partner returns")
    tables = {
        "performance": partners.performance_frame(settings, config.data_dir, area=config.area),
        "road_safety": partners.road_frame(settings, config.data_dir, la_codes=codes),
        "fire": partners.fire_frame(settings, config.data_dir),
    }
    for name, table in tables.items():
        if table is not None and figures.get(name) is not None:
            table.to_pickle(work_dir / f"{name}.pkl")
    return [asdict(c) for c in checks]


def stated_change_checks(rows: pd.DataFrame) -> list[dict]:
    """Changes stated in partners' comments ("8% reduction"), recomputed from the values.

    Published returns get these wrong; each disagreement goes into the data notes.
    """
    from analysis.supplied_checks import check_stated_changes

    out = []
    for r in rows.itertuples():
        if not isinstance(r.comment, str) or pd.isna(r.value) or pd.isna(r.previous_value):
            continue
        basis = "previous quarter" if r.period_type == "quarter" else "previous year"
        for check in check_stated_changes(r.comment, r.previous_value, r.value, values_basis=basis):
            out.append({"indicator": r.indicator, "period": r.period, "agrees": check["agrees"],
                        "message": check["message"]})  # fmt: skip
    return out


def load_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
