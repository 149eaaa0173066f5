"""The data steps of a run: ingest every source once, then compute a period's figures.

Kept apart from :mod:`analysis.run` (notebooks and rendering) so that a notebook opened
interactively can call the same functions to build its inputs, with no hidden state.

The ingest step is the only one that opens raw files. It reads, checks and tidies each source
(police.uk, ward lookups, population, ward boundaries, partners' returns, residents' surveys) into
``data/processed/<area>/``, writing nothing until every source has passed its critical
checks, and ``ingest_report.json`` (what ``make`` watches) last. A period is then built from
the processed tables alone, so a full run and a step-by-step ``make`` give identical results.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.checks import suites
from analysis.checks.results import (
    check_authority_months,
    check_months_contiguous,
    raise_for_critical,
)
from analysis.checks.stated_figures import check_stated_changes
from analysis.config import AreaConfig
from analysis.errors import PipelineError
from analysis.measures import partners
from analysis.measures.figures import build_figures, period_table
from analysis.measures.priorities import propose_priorities
from analysis.measures.survey import survey_figures
from analysis.periods import Period
from analysis.sources.crime_types import KNOWN_GROUPS
from analysis.sources.deprivation import read_deprivation
from analysis.sources.lookups import match_boundaries, read_boundaries, ward_table
from analysis.sources.partners import PartnerTables, configured_files, read_partner_tables
from analysis.sources.police_uk_ingest import ingest_files
from analysis.sources.population import read_mye
from analysis.sources.priority_register import load_candidates
from analysis.sources.raw_files import sha256
from analysis.sources.survey import read_surveys, survey_settings

log = logging.getLogger(__name__)

#: The Great Expectations suite of each partner table.
PARTNER_SUITES = {"performance": "partner_performance", "road_safety": "road_safety",
                  "fire": "fire_activity"}  # fmt: skip


@dataclass
class AreaData:
    """Everything a period is built from: the processed tables of the last ingest."""

    area: pd.DataFrame
    lad_counts: pd.DataFrame
    report: list[dict]
    raw_checks: list[dict]
    files: list[dict]
    wards: pd.DataFrame  # ward_set, lsoa_vintage, lsoa_code, ward_code, ward_name
    population: pd.DataFrame  # code, name, year, population
    deprivation: pd.DataFrame | None = None  # lsoa_code, imd_decile, population
    boundaries: dict = field(default_factory=dict)  # ward set name -> features
    partners: PartnerTables = field(default_factory=PartnerTables)
    partner_checks: list[dict] = field(default_factory=list)
    checksums: dict = field(default_factory=dict)  # input path relative to data_dir -> sha256
    survey: pd.DataFrame | None = None  # answer counts of every configured survey
    survey_notes: list[dict] = field(default_factory=list)  # per survey: format, respondents

    def wards_of(self, ward_set: str) -> pd.DataFrame:
        part = self.wards[self.wards["ward_set"] == ward_set]
        return part.drop(columns="ward_set").reset_index(drop=True)


def write_sample(out_dir: Path) -> None:
    """The whole synthetic sample: police.uk files and lookups, then the partners' returns."""
    from analysis.sample import write_sample as generate

    generate(out_dir)


def ensure_sample_data(config: AreaConfig) -> None:
    """The synthetic default runs out of the box: generate it when its folder is absent."""
    if config.synthetic and not config.data_dir.exists():
        log.info("generating the synthetic sample area in %s", config.data_dir.name)
        write_sample(config.data_dir)


def _ward_sets(config: AreaConfig) -> list:
    """The ward sets the configured periods use, each once, in configuration order."""
    used = {config.ward_set_for(p).name for p in config.periods}
    return [w for w in config.ward_sets if w.name in used]


def _rel(config: AreaConfig, path: Path) -> str:
    return path.relative_to(config.data_dir).as_posix() if path.is_relative_to(config.data_dir) else path.name  # fmt: skip


def _account(name: str, table: pd.DataFrame | None, checks=(), suite: str | None = None) -> dict:
    """One source's line in the ingest report: its table, rows, and checks run and failed."""
    if table is None:
        return {"table": None, "note": "not configured, or no file found"}
    failed = [c for c in checks if not c.success]
    return {"table": name, "rows": len(table), "suite": suite, "checks": len(checks),
            "critical_failed": sum(c.severity == "critical" for c in failed),
            "warnings": sum(c.severity == "warning" for c in failed)}  # fmt: skip


def ingest_area(config: AreaConfig, processed_dir: Path | None = None) -> AreaData:
    """Read, check and tidy every source of the area, once; write the processed tables.

    Every police.uk row is checked against ``expectations/police_uk_raw.json`` as its file is
    read (see :mod:`analysis.sources.police_uk_ingest`), each partner table against its suite;
    nothing is written unless all critical checks pass.
    """
    out = (processed_dir or store.PROCESSED) / config.area
    result = ingest_files(config)
    raw_checks = [asdict(r) for r in result.raw_checks]
    sets = _ward_sets(config)
    wards = pd.concat(
        [ward_table(w.lookups, config.local_authority_codes).assign(ward_set=w.name) for w in sets],
        ignore_index=True,
    )
    wards = wards[["ward_set", "lsoa_vintage", "lsoa_code", "ward_code", "ward_name"]]
    population = read_mye(config.population)
    deprivation = read_deprivation(config.deprivation) if config.deprivation else None
    boundaries = {
        w.name: match_boundaries(
            read_boundaries(w.boundaries),
            wards[wards["ward_set"] == w.name].drop_duplicates("ward_code"),
        )
        for w in sets
        if w.boundaries
    }
    settings = config.raw.get("partners")
    codes = list(config.local_authority_codes)
    tables = partners.add_measures(
        read_partner_tables(settings, config.data_dir, area=config.area, la_codes=codes), settings
    )
    checks, partner_account = [], {}
    for name, table in tables.items():
        found = suites.validate(table, PARTNER_SUITES[name], {}) if table is not None else []
        checks += found
        partner_account[name] = _account(f"partners/{name}.parquet", table, found,
                                         PARTNER_SUITES[name])  # fmt: skip
    raise_for_critical(checks, context="partner returns")
    partner_checks = [asdict(c) for c in checks]
    surveys = survey_settings(config.raw.get("survey"), config.data_dir)
    survey, survey_notes = read_surveys(surveys)
    survey_checks = suites.validate(survey, "survey_counts", {}) if survey is not None else []
    raise_for_critical(survey_checks, context="residents' surveys")
    partner_checks += [asdict(c) for c in survey_checks]

    file_info = [{"file": _rel(config, f.path), "month": f.month, "force": f.force}
                 for f in result.files]  # fmt: skip
    inputs = [f.path for f in result.files] + [config.population, *config.lsoa_lookups.values()]
    inputs += [config.deprivation] if config.deprivation else []
    inputs += [p for w in sets for p in [*w.lookups.values(), w.boundaries] if p is not None]
    # the partners' returns (the register is configuration, recorded by the commit)
    inputs += [
        p for p in configured_files(settings, config.data_dir) if p.is_relative_to(config.data_dir)
    ]
    inputs += [f.path for f in surveys.files] if surveys else []
    checksums = {_rel(config, p): sha256(p) for p in dict.fromkeys(inputs)}

    store.write_parquet(result.area, out / "police_uk_area.parquet")
    store.write_parquet(result.lad_counts, out / "lad_month_counts.parquet")
    store.write_parquet(wards, out / "wards.parquet")
    store.write_parquet(population, out / "population.parquet")
    if deprivation is not None:
        store.write_parquet(deprivation, out / "deprivation.parquet")
    else:
        (out / "deprivation.parquet").unlink(missing_ok=True)
    store.write_json(boundaries, out / "boundaries.json")
    if survey is not None:
        store.write_parquet(survey, out / "survey.parquet")
    else:
        (out / "survey.parquet").unlink(missing_ok=True)
    for name, table in tables.items():
        path = out / "partners" / f"{name}.parquet"
        if table is not None:
            store.write_parquet(table, path)
        else:
            path.unlink(missing_ok=True)
    report = result.report
    sources = {
        "police_uk": {**_account("police_uk_area.parquet", result.area, result.raw_checks,
                                 "police_uk_raw"), "files": len(result.files),
                      "rows_read": sum(r["rows"] for r in report)},
        "wards": _account("wards.parquet", wards),
        "population": _account("population.parquet", population),
        "deprivation": _account("deprivation.parquet", deprivation),
        "boundaries": {"table": "boundaries.json",
                       "wards": {k: len(v["features"]) for k, v in boundaries.items()},
                       "missing": {k: v["missing"] for k, v in boundaries.items() if v["missing"]},
                       "other_wards_dropped": {k: v["extra"] for k, v in boundaries.items()}},
        **partner_account,
        "survey": {**_account("survey.parquet", survey, survey_checks, "survey_counts"),
                   "surveys": survey_notes} if survey is not None else _account("", None),
    }  # fmt: skip
    store.write_json(
        {"files": report, "raw_checks": raw_checks, "inputs": file_info,
         "partner_checks": partner_checks, "sources": sources, "checksums": checksums,
         "survey_notes": survey_notes},
        out / "ingest_report.json",
    )  # fmt: skip
    log.info(
        "%s: %d area rows kept of %d read (blank LSOA %d, not in lookup %d, outside area %d)",
        config.area,
        len(result.area),
        sum(r["rows"] for r in report),
        sum(r["blank_lsoa"] for r in report),
        sum(r["lsoa_not_in_lookup"] for r in report),
        sum(r["outside_area"] for r in report),
    )
    return load_processed(config, processed_dir)


def load_processed(config: AreaConfig, processed_dir: Path | None = None) -> AreaData:
    """The last ingest's tables, so that a period can be built without reading raw files."""
    out = (processed_dir or store.PROCESSED) / config.area
    report_path = out / "ingest_report.json"
    if not report_path.exists():
        raise PipelineError(
            f"no processed data for {config.area}: run the ingest first (make all does)"
        )
    report = store.load_json(report_path)

    def table(name: str) -> pd.DataFrame | None:
        path = out / "partners" / f"{name}.parquet"
        return pd.read_parquet(path) if path.exists() else None

    return AreaData(
        area=pd.read_parquet(out / "police_uk_area.parquet"),
        lad_counts=pd.read_parquet(out / "lad_month_counts.parquet"),
        report=report["files"],
        raw_checks=report["raw_checks"],
        files=report["inputs"],
        wards=pd.read_parquet(out / "wards.parquet"),
        population=pd.read_parquet(out / "population.parquet"),
        deprivation=pd.read_parquet(out / "deprivation.parquet")
        if (out / "deprivation.parquet").exists()
        else None,
        boundaries=store.load_json(out / "boundaries.json"),
        partners=PartnerTables(*(table(n) for n in PARTNER_SUITES)),
        partner_checks=report["partner_checks"],
        checksums=report["checksums"],
        survey=pd.read_parquet(out / "survey.parquet")
        if (out / "survey.parquet").exists()
        else None,
        survey_notes=report.get("survey_notes") or [],
    )


def validate_period(
    ptable: pd.DataFrame,
    config: AreaConfig,
    period: Period,
    file_months: list[str],
    lad_counts: pd.DataFrame | None = None,
) -> list[dict]:
    """Checks on the period's processed table, and that every month of the period has data.

    Gaps elsewhere in the history only mark trend periods as incomplete; a gap inside the
    period assessed would understate every figure, so it stops the run.
    """
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
    results = suites.validate(ptable[cols], "police_uk_processed", params)
    for i, r in enumerate(results):  # the rate of repeated IDs says how much, files say where
        if r.expectation.startswith("expect_column_proportion_of_unique") and not r.success:
            ids = ptable["crime_id"]
            dup = ptable[ids.notna() & ids.duplicated(keep=False)]
            files = dup.groupby("source_file").size().sort_values(ascending=False)
            where = ", ".join(f"{f} ({n:,} rows)" for f, n in files.head(5).items())
            results[i] = replace(
                r, details=f"{r.details}; rows with a repeated Crime ID, by file: {where}"
            )
    in_period = [m for m in file_months if m in set(period.months)]
    results.append(check_months_contiguous(in_period, period.months, "police_uk_processed"))
    if lad_counts is not None:
        names = lad_counts.drop_duplicates("lad_code").set_index("lad_code")["lad_name"].to_dict()
        authorities = {c: names.get(c, c) for c in config.local_authority_codes}
        present = lad_counts.loc[lad_counts["count"] > 0, ["lad_code", "month"]].drop_duplicates()
        with_files = [m for m in period.months if m in set(file_months)]  # (gaps: checked above)
        results.append(check_authority_months(present.itertuples(index=False, name=None),
                                              authorities, with_files, "police_uk_processed"))  # fmt: skip
    raise_for_critical(results, context=f"processed table for {period.label}")
    return [asdict(r) for r in results]


def prepare_period(
    config: AreaConfig,
    data: AreaData,
    period: Period,
    work_dir: Path,
    processed_dir: Path | None = None,
) -> dict:
    """Period table, its checks and ``figures.json`` in ``work_dir``; returns the figures."""
    wards = data.wards_of(config.ward_set_for(period).name)
    ptable = period_table(data.area, wards, period)
    checks = validate_period(ptable, config, period, [f["month"] for f in data.files],
                             data.lad_counts)  # fmt: skip
    out = (processed_dir or store.PROCESSED) / config.area / period.slug
    store.write_parquet(ptable, out / "police_uk.parquet")
    validation = data.raw_checks + checks
    figures = build_figures(
        config=config,
        period=period,
        ptable=ptable,
        area=data.area,
        lad_counts=data.lad_counts,
        mye=data.population,
        ingest_report=data.report,
        validation=validation,
        wards=wards,
        deprivation=data.deprivation,
    )
    work_dir.mkdir(parents=True, exist_ok=True)
    add_partner_sections(figures, config, data.partners, period)
    figures["public"] = survey_figures(
        data.survey,
        survey_settings(config.raw.get("survey"), config.data_dir),
        period.end,
        data.survey_notes,
    )
    figures["priorities"] = propose_priorities(
        figures, load_candidates(), config.raw.get("priorities")
    )
    validation += data.partner_checks
    figures["validation"]["checks"] += len(data.partner_checks)
    figures["validation"]["warnings"] += sum(
        1 for c in data.partner_checks if c["severity"] == "warning" and not c["success"]
    )
    store.write_json(figures, work_dir / "figures.json")
    store.write_json(
        {"checks": validation, "files": list(data.report)}, work_dir / "validation.json"
    )
    return figures


def add_partner_sections(
    figures: dict, config: AreaConfig, tables: PartnerTables, period: Period
) -> None:
    """Partners' performance, road safety and fire figures into ``figures``.

    A return that is not configured or absent for the period leaves its section ``None`` with a
    sentence in ``figures["partner_notes"]``: that is normal, not an error.
    """
    settings = config.raw.get("partners")
    result = partners.partner_figures(tables, settings, period.start, period.end, period.label)
    figures["partner_notes"] = result.pop("notes")
    figures.update(result)
    if figures.get("performance"):
        figures["performance"]["red_indicators"] = [
            r["indicator"] for r in figures["performance"]["red"]
        ]
        rows = partners.period_rows(tables.performance, period.start, period.end)
        figures["performance"]["stated_checks"] = stated_change_checks(rows)


def stated_change_checks(rows: pd.DataFrame) -> list[dict]:
    """Changes stated in partners' comments ("8% reduction"), recomputed from the values.

    Published returns get these wrong; each disagreement goes into the data notes.
    """
    out = []
    for r in rows.itertuples():
        if not isinstance(r.comment, str) or pd.isna(r.value) or pd.isna(r.previous_value):
            continue
        basis = "previous quarter" if r.period_type == "quarter" else "previous year"
        for check in check_stated_changes(r.comment, r.previous_value, r.value, values_basis=basis):
            out.append({"indicator": r.indicator, "period": r.period, "agrees": check["agrees"],
                        "message": check["message"]})  # fmt: skip
    return out
