"""Deterministic generator of a fictional sample area: "Sampleton (synthetic sample area)".

Why this package exists: the repository must run end to end with no downloaded data, and the
national-scale benchmark needs millions of realistic rows on demand. So it writes a data folder
with the *same file formats and quirks* as the real public sources the pipeline reads, but
every place, code and number in it is made up:

* :mod:`~analysis.sample.geography` (with :mod:`~analysis.sample.names`): the fictional
  districts, wards and LSOAs everything else is derived from;
* :mod:`~analysis.sample.police`: data.police.uk street-level rows, one force-month at a time;
* :mod:`~analysis.sample.area`: ONS-format LSOA -> ward -> LAD lookups, the MYE4 population
  file and ward boundary GeoJSON;
* :mod:`~analysis.sample.data_folder`: assembles those into the folder (:func:`generate_sample`);
* :mod:`~analysis.sample.partners` and :mod:`~analysis.sample.road_fire`: partner performance
  returns, the DfT road casualty extract and the fire return
  (:func:`generate_partner_sample`);
* :mod:`~analysis.sample.survey`: three residents' surveys with planted effects
  (:func:`generate_survey_sample`);
* :mod:`~analysis.sample.formats`: the real files' layouts and the byte-exact writers.

The generator stands alone: it imports nothing from the pipeline's stages, so the sample
cannot drift to match a reader's bugs. Same arguments -> byte-identical files.

Run: ``python -m analysis.sample OUT_DIR`` (or call :func:`write_sample`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from analysis.sample.data_folder import generate_sample
from analysis.sample.geography import SAMPLE_LABEL
from analysis.sample.partners import generate_partner_sample
from analysis.sample.survey import generate_survey_sample

__all__ = ["generate_partner_sample", "generate_sample", "generate_survey_sample", "main",
           "write_sample"]  # fmt: skip


def write_sample(out_dir: Path) -> None:
    """Write the whole default sample to ``out_dir``, replacing the folder if it exists.

    The police.uk part comes first because :func:`generate_sample` replaces the folder; the
    partners' files are then added to it.
    """
    generate_sample(out_dir)
    generate_partner_sample(out_dir)
    generate_survey_sample(out_dir)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m analysis.sample OUT_DIR [--seed N] [--start YYYY-MM] ...``.

    With no options this is :func:`write_sample`; the options size the police.uk part (for
    benchmarks), and ``--seed`` seeds both parts.
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis.sample",
        description=f"Write the {SAMPLE_LABEL} data folder (synthetic, deterministic).",
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=20240401)
    parser.add_argument("--start", default="2021-04", help="first month, YYYY-MM")
    parser.add_argument("--end", default="2025-03", help="last month, YYYY-MM")
    parser.add_argument("--forces", type=int, default=1, help="number of forces (benchmarks)")
    parser.add_argument("--peer-lads", type=int, default=6, help="LADs per force besides one")
    parser.add_argument("--lsoas-per-lad", type=int, default=60)
    parser.add_argument(
        "--crimes-per-year", type=int, default=21000, help="Sampleton crime excl. ASB, FY21/22"
    )
    parser.add_argument("--gzip", action="store_true", help="write .csv.gz street files")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    summary = generate_sample(
        args.out_dir,
        seed=args.seed,
        start=args.start,
        end=args.end,
        n_peer_lads=args.peer_lads,
        lsoas_per_lad=args.lsoas_per_lad,
        area_crimes_per_year=args.crimes_per_year,
        forces=args.forces,
        gzip=args.gzip,
    )
    partners = generate_partner_sample(args.out_dir, seed=args.seed)
    surveys = generate_survey_sample(args.out_dir, seed=args.seed)
    print(
        f"wrote {len(summary['files']) + len(partners['files']) + len(surveys['files'])} files "
        f"({summary['rows_total']:,} street-level rows) to {summary['out_dir']} "
        f"in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    return 0
