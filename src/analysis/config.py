"""Area configuration: one YAML file per area in ``config/``.

Everything that differs between CSPs (codes, force, data locations, ward geography,
periods, thresholds) lives in these files so that the code never names an area. The
loader validates eagerly and fails with a message naming the file and key, because a
silently wrong configuration produces a plausible but wrong assessment.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.errors import PipelineError
from analysis.periods import Period, PeriodError, month_index, parse_month, period_from_config

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = Path(
    os.environ.get("CSP_CONFIG_DIR", REPO_ROOT / "config")
)  # tests point it elsewhere
_LAD_RE = re.compile(r"^[EW]0[6-9]\d{6}$")


class ConfigError(PipelineError, ValueError):
    """The area configuration is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class WardSet:
    """A ward geography and the months it applies to (wards change after boundary reviews)."""

    name: str
    start: str
    end: str | None
    lookups: dict[int, Path]
    boundaries: Path | None

    def covers(self, month: str) -> bool:
        after_start = month_index(month) >= month_index(self.start)
        before_end = self.end is None or month_index(month) <= month_index(self.end)
        return after_start and before_end


@dataclass(frozen=True)
class AreaConfig:
    """A validated area configuration with paths resolved against its data folder."""

    area: str
    name: str
    synthetic: bool
    local_authority_codes: tuple[str, ...]
    forces: tuple[str, ...]
    data_dir: Path
    police_uk: tuple[Path, ...]
    lsoa_lookups: dict[int, Path]
    ward_sets: tuple[WardSet, ...]
    population: Path
    periods: tuple[Period, ...]
    thresholds: dict
    source_file: Path
    raw: dict = field(repr=False)
    deprivation: Path | None = None  # IoD by LSOA (deciles, and populations where given)

    def ward_set_for(self, period: Period) -> WardSet:
        """The ward geography in force at the end of the period (what councillors know)."""
        for ward_set in self.ward_sets:
            if ward_set.covers(period.end):
                return ward_set
        raise ConfigError(
            f"{self.source_file.name}: no ward set covers {period.end} (period {period.label}); "
            "add one under 'ward_sets'"
        )

    def period_by_slug(self, slug: str) -> Period:
        for period in self.periods:
            if period.slug == slug:
                return period
        known = ", ".join(p.slug for p in self.periods)
        raise ConfigError(f"{self.source_file.name}: no period '{slug}' (configured: {known})")

    def record(self) -> dict:
        """The configuration as recorded in outputs: values as written, no absolute paths."""
        return {
            "area": self.area,
            "name": self.name,
            "synthetic": self.synthetic,
            "config_file": f"config/{self.source_file.name}",  # never an absolute path
            "settings": self.raw,
        }


#: Tests of "more than chance" a configuration may choose (see analysis.measures.change).
CHANGE_TESTS = ("quasi_poisson", "poisson")
DEFAULT_THRESHOLDS = {"top_wards": 5, "significance_level": 0.05, "change_test": "quasi_poisson"}

#: Every top-level setting an area file may have (the sections under partners, survey and
#: priorities are checked by their own readers, before any work is done).
TOP_KEYS = ("area", "name", "synthetic", "partnership", "local_authority_codes", "forces",
            "data_dir", "police_uk", "lsoa_lookups", "ward_sets", "population", "deprivation",
            "periods", "thresholds", "partners", "survey", "priorities")  # fmt: skip
WARD_SET_KEYS = ("name", "from", "until", "lookups", "boundaries")
#: thresholds: (type, lowest, highest, what it is) - a value outside the range is refused
THRESHOLDS = {
    "top_wards": (int, 1, 50, "how many wards the hotspot tables list"),
    "significance_level": (float, 0.0001, 0.2, "the level for 'beyond normal variation', e.g. 0.05"),
    "change_test": (str, None, None, "quasi_poisson or poisson"),
    "peer_min_share": (float, 0.0, 0.5, "share of the force's rows an authority needs to be a peer"),
    "max_unmatched_share": (float, 0.0, 0.5, "share of rows with LSOAs missing from the lookup allowed"),
}  # fmt: skip
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_keys(settings: dict, known, where: str) -> None:
    """Refuse a setting the reader does not know, suggesting the one probably meant: a typo
    ('partner:' for 'partners:') would otherwise drop a whole section without a word."""
    for key in settings:
        if key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{where}: unknown setting '{key}'{hint}; the settings are "
                              f"{', '.join(known)}")  # fmt: skip


def _check_thresholds(values: dict, where: str) -> None:
    check_keys(values, tuple(THRESHOLDS), f"{where} thresholds")
    for key, value in values.items():
        kind, low, high, what = THRESHOLDS[key]
        ok = isinstance(value, kind) or (kind is float and isinstance(value, int))
        if isinstance(value, bool) or not ok or (
            low is not None and not (low <= value <= high)
        ):  # fmt: skip
            span = f" between {low:g} and {high:g}" if low is not None else ""
            raise ConfigError(f"{where} thresholds.{key}: {value!r} is not a valid value; expected "
                              f"{kind.__name__}{span} ({what})")  # fmt: skip


def _require(raw: dict, key: str, where: str):
    if key not in raw or raw[key] in (None, "", []):
        raise ConfigError(f"{where}: required key '{key}' is missing or empty")
    return raw[key]


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _vintage_paths(value, where: str, base: Path) -> dict[int, Path]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping of LSOA vintage (2011/2021) to file")
    out: dict[int, Path] = {}
    for vintage, rel in value.items():
        try:
            year = int(vintage)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: LSOA vintage '{vintage}' must be 2011 or 2021") from None
        if year not in (2011, 2021):
            raise ConfigError(f"{where}: LSOA vintage '{vintage}' must be 2011 or 2021")
        out[year] = base / str(rel)
    return out


def available_areas(config_dir: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (config_dir or CONFIG_DIR).glob("*.yaml"))


def load_config(
    area: str, data_dir: str | Path | None = None, config_dir: Path | None = None
) -> AreaConfig:
    """Load ``config/<area>.yaml``; ``data_dir`` overrides the file's own ``data_dir``.

    Relative data paths resolve against the data folder; a relative data folder resolves
    against the repository root (so ``DATA_DIR=../shared/data`` works from ``make``).
    """
    config_dir = config_dir or CONFIG_DIR
    path = config_dir / f"{area}.yaml"
    if not path.exists():
        known = ", ".join(available_areas(config_dir)) or "none"
        raise ConfigError(
            f"unknown area '{area}': no file config/{area}.yaml (known areas: {known})"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: not valid YAML: {exc}") from None
    where = path.name
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of settings at the top level")
    check_keys(raw, TOP_KEYS, where)
    slug = str(raw.get("area", area))
    if slug != path.stem:  # a copied file keeping 'area: medway' would overwrite Medway's outputs
        raise ConfigError(f"{where}: area '{slug}' must be the file's own name, '{path.stem}' "
                          "(it names the folders under outputs/ and data/processed/)")  # fmt: skip
    if not _SLUG.match(slug):
        raise ConfigError(f"{where}: area '{slug}' must be a short name of lower-case letters, "
                          "digits, '-' or '_' (it names folders under outputs/ and data/processed/)")  # fmt: skip
    if not isinstance(raw.get("thresholds") or {}, dict):
        raise ConfigError(f"{where} thresholds: expected a mapping")
    _check_thresholds(raw.get("thresholds") or {}, where)

    codes = tuple(str(c) for c in _as_list(_require(raw, "local_authority_codes", where)))
    for code in codes:
        if not _LAD_RE.match(code):
            raise ConfigError(
                f"{where}: local authority code '{code}' is not an ONS LAD code (e.g. E06000035)"
            )
    forces = tuple(str(f).strip().lower() for f in _as_list(_require(raw, "forces", where)))

    if data_dir not in (None, ""):
        base = Path(data_dir).resolve()  # given on the command line: relative to where we run
    else:
        base = (REPO_ROOT / str(_require(raw, "data_dir", where))).resolve()

    police = tuple(base / str(p) for p in _as_list(_require(raw, "police_uk", where)))
    lookups = _vintage_paths(_require(raw, "lsoa_lookups", where), f"{where} lsoa_lookups", base)

    ward_sets = []
    for i, spec in enumerate(_require(raw, "ward_sets", where)):
        w = f"{where} ward_sets[{i}]"
        if not isinstance(spec, dict):
            raise ConfigError(f"{w}: expected a mapping with name, from, lookups")
        check_keys(spec, WARD_SET_KEYS, w)
        try:
            start = str(_require(spec, "from", w))
            parse_month(start)
            end = str(spec["until"]) if spec.get("until") else None
            if end:
                parse_month(end)
        except PeriodError as exc:
            raise ConfigError(f"{w}: {exc}") from None
        boundaries = base / str(spec["boundaries"]) if spec.get("boundaries") else None
        ward_sets.append(
            WardSet(
                name=str(_require(spec, "name", w)),
                start=start,
                end=end,
                lookups=_vintage_paths(_require(spec, "lookups", w), f"{w} lookups", base),
                boundaries=boundaries,
            )
        )

    periods = []
    for i, spec in enumerate(_require(raw, "periods", where)):
        try:
            periods.append(period_from_config(spec))
        except PeriodError as exc:
            raise ConfigError(f"{where} periods[{i}]: {exc}") from None
    slugs = [p.slug for p in periods]
    if len(set(slugs)) != len(slugs):
        raise ConfigError(f"{where}: the same period is configured twice ({', '.join(slugs)})")

    thresholds = {**DEFAULT_THRESHOLDS, **(raw.get("thresholds") or {})}
    if thresholds["change_test"] not in CHANGE_TESTS:
        raise ConfigError(
            f"{where} thresholds.change_test: '{thresholds['change_test']}' is not one of "
            f"{', '.join(CHANGE_TESTS)}"
        )
    config = AreaConfig(
        area=str(raw.get("area", area)),
        name=str(_require(raw, "name", where)),
        synthetic=bool(raw.get("synthetic", False)),
        local_authority_codes=codes,
        forces=forces,
        data_dir=base,
        police_uk=police,
        lsoa_lookups=lookups,
        ward_sets=tuple(ward_sets),
        population=base / str(_require(raw, "population", where)),
        periods=tuple(periods),
        thresholds=thresholds,
        source_file=path,
        raw=raw,
        deprivation=base / str(raw["deprivation"]) if raw.get("deprivation") else None,
    )
    for period in config.periods:
        config.ward_set_for(period)
    return config


def check_inputs_exist(config: AreaConfig) -> None:
    """Fail early, naming the missing file, before any work is done."""
    missing = [p for p in config.police_uk if not p.is_dir()]
    files = [*config.lsoa_lookups.values(), config.population]
    files += [config.deprivation] if config.deprivation else []
    for ws in config.ward_sets:
        files += list(ws.lookups.values())
        if ws.boundaries:
            files.append(ws.boundaries)
    missing += [p for p in dict.fromkeys(files) if not p.is_file()]
    if missing:
        listed = "\n  ".join(str(p) for p in missing)
        raise ConfigError(
            f"{config.source_file.name}: input not found under data folder {config.data_dir}:\n  {listed}"
        )
