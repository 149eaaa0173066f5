"""Reading the partners' returns an area configures: performance, road safety and fire.

Why this module exists
----------------------
Each return is read here once per run, at the ingest step, into a tidy table written to the
processed data folder; every period, figure and notebook then works from those tables. The
tables are as the partners wrote them (the indicator register applied): change, RAG and road
safety trajectories are added by :mod:`analysis.measures.partners`.

A return that is not configured or not present gives ``None``: that is normal (not every CSP
gets every return every year). A return that *is* there but malformed raises
:class:`~analysis.errors.InputDataError` naming the file, row and column.

Configuration (``config/<area>.yaml``)::

    partners:
      performance: [partners/performance_*.csv]   # globs, relative to the data folder
      register: config/indicators.csv             # optional; relative to the repository
      rag_tolerance: 5                            # amber band (see analysis.measures.rag)
      road_safety:
        collisions: road/collisions.csv           # DfT collision + casualty files ...
        casualties: road/casualties.csv
        # return: road/ksi_by_year.csv            # ... or an aggregated return (year, ksi, slight)
        baseline: [2005, 2009]
        target: {year: 2020, ksi: 48}             # or ksi_reduction_pct: 40; slight / slight_reduction_pct
        # trajectory_from: 2009                   # default: last baseline year
        # adjusted: false                         # DfT severity-adjusted KSI
        # local_authority_codes: [E06000035]      # default: the area's codes
      fire: fire/activity.csv
"""

from __future__ import annotations

import glob
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import REPO_ROOT, ConfigError
from analysis.sources.fire import read_fire_return
from analysis.sources.indicator_register import DEFAULT_REGISTER, load_register
from analysis.sources.partner_returns import read_returns
from analysis.sources.road_safety import read_road_return, read_stats19

SETTINGS_KEYS = ("performance", "register", "rag_tolerance", "road_safety", "fire")
ROAD_KEYS = (
    "collisions",
    "casualties",
    "return",
    "baseline",
    "target",
    "trajectory_from",
    "adjusted",
    "local_authority_codes",
)


def check_settings(settings: Mapping | None) -> dict:
    """The ``partners:`` mapping, checked; ``None``/empty gives ``{}`` (nothing configured)."""
    if not settings:
        return {}
    if not isinstance(settings, Mapping):
        raise ConfigError("partners: expected a mapping (performance, road_safety, fire ...)")
    unknown = sorted(set(settings) - set(SETTINGS_KEYS))
    if unknown:
        raise ConfigError(
            f"partners: unknown key(s) {', '.join(unknown)}; expected {', '.join(SETTINGS_KEYS)}"
        )
    tol = settings.get("rag_tolerance")
    if tol is not None and (not isinstance(tol, (int, float)) or isinstance(tol, bool) or tol < 0):
        raise ConfigError(f"partners.rag_tolerance: expected a number of 0 or more, got {tol!r}")
    road = settings.get("road_safety")
    if road is not None:
        if not isinstance(road, Mapping):
            raise ConfigError("partners.road_safety: expected a mapping")
        bad = sorted(set(road) - set(ROAD_KEYS))
        if bad:
            raise ConfigError(f"partners.road_safety: unknown key(s) {', '.join(bad)}")
        has_files = "collisions" in road or "casualties" in road
        if has_files == ("return" in road) or (
            has_files and not ("collisions" in road and "casualties" in road)
        ):
            raise ConfigError(
                "partners.road_safety: give either 'collisions' and 'casualties' (DfT open data) "
                "or 'return' (an aggregated year, ksi, slight CSV)"
            )
        baseline = road.get("baseline")
        if baseline is not None and (
            not isinstance(baseline, Sequence)
            or len(baseline) != 2
            or not all(isinstance(y, int) for y in baseline)
        ):
            raise ConfigError("partners.road_safety.baseline: expected [first year, last year]")
        target = road.get("target")
        if target is not None:
            if not isinstance(target, Mapping) or "year" not in target:
                raise ConfigError(
                    "partners.road_safety.target: expected {year: YYYY, ksi: N} (or ksi_reduction_pct)"
                )
            if baseline is None:
                raise ConfigError("partners.road_safety.target needs a baseline")
    perf = settings.get("performance")
    if perf is not None and not isinstance(perf, (str, list)):
        raise ConfigError("partners.performance: expected a glob or a list of globs")
    return dict(settings)


def partner_files(data_dir: Path, patterns: str | Sequence[str]) -> list[Path]:
    """Files matching the globs (relative to ``data_dir``), each once, sorted by name."""
    if isinstance(patterns, str):
        patterns = [patterns]
    found: dict[str, Path] = {}
    for pattern in patterns:
        for name in glob.glob(str(Path(data_dir) / pattern)):
            p = Path(name)
            if p.name.startswith("~$"):  # Excel's lock file beside an open workbook: not data
                continue
            if p.is_file():
                found[str(p.resolve())] = p
    return sorted(found.values(), key=lambda p: p.name)


def register_path(settings: Mapping) -> Path | None:
    """The indicator register the settings name (default: ``config/indicators.csv``), or None."""
    reg = settings.get("register", DEFAULT_REGISTER)
    if reg is None or (isinstance(reg, str) and reg.lower() == "none"):
        return None
    path = Path(reg)
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass
class PartnerTables:
    """The area's partner tables (``None`` for a return not configured or not present)."""

    performance: pd.DataFrame | None = None
    road_safety: pd.DataFrame | None = None
    fire: pd.DataFrame | None = None

    def items(self) -> list[tuple[str, pd.DataFrame | None]]:
        return [("performance", self.performance), ("road_safety", self.road_safety),
                ("fire", self.fire)]  # fmt: skip


def read_performance(
    settings: Mapping | None, data_dir: Path, *, area: str | None = None
) -> pd.DataFrame | None:
    """Every configured performance return as one tidy table (register applied), or None."""
    settings = check_settings(settings)
    if not settings.get("performance"):
        return None
    files = partner_files(data_dir, settings["performance"])
    if not files:
        return None
    return read_returns(files, register=load_register(register_path(settings), area=area))


def read_road(
    settings: Mapping | None, data_dir: Path, *, la_codes: Sequence[str] | None = None
) -> pd.DataFrame | None:
    """Casualties by year from the DfT files or an aggregated return, or None."""
    settings = check_settings(settings)
    road = settings.get("road_safety")
    if not road:
        return None
    data_dir = Path(data_dir)
    if "return" in road:
        path = data_dir / road["return"]
        return read_road_return(path) if path.exists() else None
    coll, cas = data_dir / road["collisions"], data_dir / road["casualties"]
    if not coll.exists() or not cas.exists():
        return None
    codes = road.get("local_authority_codes") or la_codes
    if not codes:
        raise ConfigError(
            "partners.road_safety: no local authority codes (set local_authority_codes, or "
            "pass the area's codes)"
        )
    return read_stats19(coll, cas, codes, adjusted=bool(road.get("adjusted", False)))


def read_fire(settings: Mapping | None, data_dir: Path) -> pd.DataFrame | None:
    """The fire return as a tidy table (activity, year, value ...), or None."""
    settings = check_settings(settings)
    if not settings.get("fire"):
        return None
    path = Path(data_dir) / settings["fire"]
    return read_fire_return(path) if path.exists() else None


def read_partner_tables(
    settings: Mapping | None,
    data_dir: Path,
    *,
    area: str | None = None,
    la_codes: Sequence[str] | None = None,
) -> PartnerTables:
    """Every configured partner return, each read once."""
    return PartnerTables(
        performance=read_performance(settings, data_dir, area=area),
        road_safety=read_road(settings, data_dir, la_codes=la_codes),
        fire=read_fire(settings, data_dir),
    )


def configured_files(settings: Mapping | None, data_dir: Path) -> list[Path]:
    """Every partner file the settings name that exists, and the register: what a run reads.

    ``make`` rebuilds when one of these changes (a corrected return re-runs the assessment).
    """
    settings = check_settings(settings)
    data_dir = Path(data_dir)
    found = partner_files(data_dir, settings["performance"]) if settings.get("performance") else []
    road = settings.get("road_safety") or {}
    names = [road.get(k) for k in ("return", "collisions", "casualties")] + [settings.get("fire")]
    found += [data_dir / n for n in names if n and (data_dir / n).exists()]
    register = register_path(settings) if settings.get("performance") else None
    if register is not None and register.exists():
        found.append(register)
    return found
