"""``python -m analysis.new_area``: write an area configuration from a CSP or authority name or code.

Why this exists
---------------
Configuring a new CSP by copying ``medway.yaml`` kept Medway's name, ward sets and map: the
outputs of one area overwrote another's and the pages drew the wrong map without a word. This
writes the configuration from the ONS lookups in the data folder instead:

* the **authorities** of the CSP (``LADyy_CSPyy_PFAyy`` lookup, the newest present): a CSP
  name or code gives all its authorities ("Dartford and Gravesham" has two); an authority's
  name or code gives its CSP;
* the **force** as police.uk spells it in file names (:data:`FORCES`, the 43 forces of England
  and Wales), and the folder of its files;
* the **ward sets**: one per distinct ward geography of the area across the LSOA -> ward
  lookups present, each with the months it applies to (wards change in May), and a warning
  when the newest lookup may be older than the periods;
* **boundaries** where a GeoJSON file in the data folder covers the ward set (else none: the
  map is then left out with a note);
* the **population** file, a **deprivation** file covering the area, and the latest complete
  calendar year of police data as the period.

It refuses to overwrite a file and writes outside the repository by default
(``~/csp-config``; run with ``CSP_CONFIG_DIR`` pointing there).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

from analysis.config import REPO_ROOT
from analysis.errors import PipelineError
from analysis.sources.lookups import read_lsoa_lookup

#: Police force areas (as ONS names them) -> the name data.police.uk uses in its file names.
FORCES = {
    "Avon and Somerset": "avon-and-somerset", "Bedfordshire": "bedfordshire",
    "Cambridgeshire": "cambridgeshire", "Cheshire": "cheshire", "London, City of": "city-of-london",
    "City of London": "city-of-london", "Cleveland": "cleveland", "Cumbria": "cumbria",
    "Derbyshire": "derbyshire", "Devon & Cornwall": "devon-and-cornwall",
    "Devon and Cornwall": "devon-and-cornwall", "Dorset": "dorset", "Durham": "durham",
    "Dyfed-Powys": "dyfed-powys", "Essex": "essex", "Gloucestershire": "gloucestershire",
    "Greater Manchester": "greater-manchester", "Gwent": "gwent", "Hampshire": "hampshire",
    "Hertfordshire": "hertfordshire", "Humberside": "humberside", "Kent": "kent",
    "Lancashire": "lancashire", "Leicestershire": "leicestershire", "Lincolnshire": "lincolnshire",
    "Merseyside": "merseyside", "Metropolitan Police": "metropolitan", "Norfolk": "norfolk",
    "North Wales": "north-wales", "North Yorkshire": "north-yorkshire",
    "Northamptonshire": "northamptonshire", "Northumbria": "northumbria",
    "Nottinghamshire": "nottinghamshire", "South Wales": "south-wales",
    "South Yorkshire": "south-yorkshire", "Staffordshire": "staffordshire", "Suffolk": "suffolk",
    "Surrey": "surrey", "Sussex": "sussex", "Thames Valley": "thames-valley",
    "Warwickshire": "warwickshire", "West Mercia": "west-mercia", "West Midlands": "west-midlands",
    "West Yorkshire": "west-yorkshire", "Wiltshire": "wiltshire",
}  # fmt: skip
DEFAULT_OUT = Path.home() / "csp-config"
_WARD_LOOKUP = re.compile(r"^LSOA(?P<v>11|21)_WD(?P<wy>\d{2})_LAD\d{2}_EW_LU\.csv$")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def find_csp(data_dir: Path, query: str) -> tuple[str, list[tuple[str, str]], str]:
    """(CSP name, [(authority code, name)], police force area name) for a name or code."""
    lookups = sorted((data_dir / "lookups").glob("LAD*_CSP*_PFA*_EW_LU.csv"))
    if not lookups:
        raise PipelineError(f"no LAD -> CSP -> PFA lookup (LADyy_CSPyy_PFAyy_EW_LU.csv) in "
                            f"{data_dir / 'lookups'}")  # fmt: skip
    df = pd.read_csv(lookups[-1], dtype=str, encoding="utf-8-sig")
    col = {k: next(c for c in df.columns if re.match(rf"^{k}\d{{2}}(CD|NM)$", c) and c.endswith(s))
           for k, s in (("LAD", "CD"), ("CSP", "CD"), ("PFA", "NM"))}  # fmt: skip
    names = {k: col[k][:-2] + "NM" for k in ("LAD", "CSP")}
    q = query.strip().lower()
    hit = df[(df[col["CSP"]].str.lower() == q) | (df[names["CSP"]].str.lower() == q)]
    if hit.empty:  # an authority: its whole CSP
        lad = df[(df[col["LAD"]].str.lower() == q) | (df[names["LAD"]].str.lower() == q)]
        if lad.empty:
            raise PipelineError(f"'{query}' is neither a CSP nor a local authority in "
                                f"{lookups[-1].name} (name or ONS code)")  # fmt: skip
        hit = df[df[col["CSP"]] == lad[col["CSP"]].iloc[0]]
    lads = sorted(zip(hit[col["LAD"]], hit[names["LAD"]], strict=True))
    return hit[names["CSP"]].iloc[0], lads, hit[col["PFA"]].iloc[0]


def ward_sets(data_dir: Path, lad_codes: list[str]) -> tuple[list[dict], list[str]]:
    """The area's ward geographies across the lookups present, oldest first; and warnings."""
    found = []
    for path in sorted((data_dir / "lookups").glob("LSOA*_WD*_LAD*_EW_LU.csv")):
        m = _WARD_LOOKUP.match(path.name)
        if not m:
            continue
        lk = read_lsoa_lookup(path)
        mine = lk[lk["lad_code"].isin(lad_codes)]
        if mine.empty or "ward_code" not in mine:
            continue
        codes = frozenset(mine["ward_code"])
        found.append({"year": 2000 + int(m.group("wy")), "vintage": 2000 + int(m.group("v")),
                      "file": f"lookups/{path.name}", "codes": codes})  # fmt: skip
    found.sort(key=lambda f: (f["year"], f["vintage"]))
    sets: list[dict] = []
    for f in found:
        if sets and sets[-1]["codes"] == f["codes"]:
            sets[-1]["lookups"][f["vintage"]] = f["file"]  # the same wards, another lookup
            sets[-1]["last_year"] = f["year"]
            continue
        sets.append({"codes": f["codes"], "first_year": f["year"], "last_year": f["year"],
                     "lookups": {f["vintage"]: f["file"]}})  # fmt: skip
    warnings = []
    out = []
    for i, s in enumerate(sets):
        n, later = len(s["codes"]), sets[i + 1]["first_year"] if i + 1 < len(sets) else None
        name = (f"Wards from May {s['first_year']} ({n} wards)" if i
                else f"Wards to April {later} ({n} wards)" if later else f"Wards ({n} wards)")  # fmt: skip
        entry = {"name": name, "from": "2003-05" if i == 0 else f"{s['first_year']}-05"}
        if later:
            entry["until"] = f"{later}-04"
        entry["lookups"] = dict(sorted(s["lookups"].items()))
        entry["codes"] = s["codes"]
        out.append(entry)
    return out, warnings


def boundaries_for(data_dir: Path, codes: frozenset) -> str | None:
    """A GeoJSON file in the data folder holding every ward of the set, or None."""
    for path in sorted((data_dir / "boundaries").rglob("*.geojson")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if all(c in text for c in codes):
            return path.relative_to(data_dir).as_posix()
    return None


def _deprivation(data_dir: Path, lsoas: set[str]) -> str | None:
    """A deprivation file covering the area's LSOAs (newest indices first), or None."""
    for path in sorted((data_dir / "deprivation").glob("IoD*.csv"), reverse=True):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if lsoas and sum(code in text for code in lsoas) >= 0.95 * len(lsoas):
            return path.relative_to(data_dir).as_posix()
    return None


def latest_year(data_dir: Path, force: str) -> int | None:
    """The latest calendar year with all twelve months of the force's police.uk files."""
    months = {m.group(1) for p in (data_dir / "police_uk").rglob(f"*-{force}-street.csv*")
              if (m := re.match(r"^(\d{4}-\d{2})-", p.name))}  # fmt: skip
    years = [y for y in {int(m[:4]) for m in months}
             if all(f"{y}-{mm:02d}" in months for mm in range(1, 13))]  # fmt: skip
    return max(years) if years else None


def area_config(data_dir: Path, query: str) -> tuple[str, dict, list[str]]:
    """(area slug, configuration mapping, warnings) for a CSP or authority."""
    data_dir = Path(data_dir).resolve()
    csp, lads, pfa = find_csp(data_dir, query)
    if pfa not in FORCES:
        raise PipelineError(f"police force area '{pfa}' is not one of the 43 forces of England "
                            "and Wales that police.uk publishes")  # fmt: skip
    force = FORCES[pfa]
    codes = [c for c, _ in lads]
    sets, warnings = ward_sets(data_dir, codes)
    if not sets:
        raise PipelineError(f"no LSOA -> ward lookup in {data_dir / 'lookups'} covers {csp}")
    folders = sorted({p.parent.relative_to(data_dir).as_posix()
                      for p in (data_dir / "police_uk").rglob(f"*-{force}-street.csv*")})  # fmt: skip
    folders = sorted({f.split("/")[0] + "/" + f.split("/")[1] for f in folders if "/" in f}) or [
        f"police_uk/{force}"]  # fmt: skip
    year = latest_year(data_dir, force)
    if year is None:
        warnings.append(f"no complete calendar year of {force} police.uk files found: set periods")
    newest = (
        sets[-1]["lookups"]
        and max(int(f.split("_WD")[1][:2]) for f in sets[-1]["lookups"].values()) + 2000
    )
    if year is not None and year > newest:
        warnings.append(f"the period ({year}) is after the newest ward lookup here (May {newest}): "
                        "if the area's wards were redrawn since, add a newer LSOA -> ward lookup "
                        "and ward set, or the ward figures use the old wards")  # fmt: skip
    population = sorted((data_dir / "population").glob("MYE*.csv"))
    lsoa_lookups: dict[int, str] = {}
    for s in sets:
        lsoa_lookups.update(s["lookups"])
    last = read_lsoa_lookup(data_dir / lsoa_lookups[max(lsoa_lookups)])
    lsoas = set(last.loc[last["lad_code"].isin(codes), "lsoa_code"])
    out_sets = []
    for s in sets:
        entry = {k: v for k, v in s.items() if k != "codes"}
        boundary = boundaries_for(data_dir, s["codes"])
        if boundary:
            entry["boundaries"] = boundary
        else:
            warnings.append(f"no boundary file covers '{s['name']}': its ward map is left out")
        out_sets.append(entry)
    config = {
        "area": _slug(csp),
        "name": csp,
        "synthetic": False,
        "local_authority_codes": codes,
        "forces": [force],
        "data_dir": str(data_dir),
        "police_uk": folders,
        "lsoa_lookups": dict(sorted(lsoa_lookups.items())),
        "ward_sets": out_sets,
        "population": population[-1].relative_to(data_dir).as_posix() if population else "population/MYE4.csv",
        "periods": [{"type": "calendar_year", "year": year or 2025}],
        "thresholds": {"top_wards": 5, "significance_level": 0.05},
    }  # fmt: skip
    deprivation = _deprivation(data_dir, lsoas)
    if deprivation:
        config["deprivation"] = deprivation
    return config["area"], config, warnings


def write_config(data_dir: Path, query: str, out_dir: Path) -> tuple[Path, list[str]]:
    """Write ``<out_dir>/<area>.yaml``; refuse to overwrite."""
    slug, config, warnings = area_config(data_dir, query)
    out_dir = Path(out_dir)
    path = out_dir / f"{slug}.yaml"
    if path.exists():
        raise PipelineError(f"{path} exists: not overwritten (remove it, or choose --out)")
    out_dir.mkdir(parents=True, exist_ok=True)
    header = (f"# {config['name']} Community Safety Partnership: written by python -m "
              f"analysis.new_area from the ONS lookups in {config['data_dir']}.\n"
              f"# Check the ward sets and periods; run with CSP_CONFIG_DIR={out_dir} make all "
              f"AREA={slug}\n")  # fmt: skip
    path.write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")  # fmt: skip
    return path, warnings


def force_csps(data_dir: Path, force: str) -> list[str]:
    """The CSPs of a police force (by its police.uk name, e.g. ``kent``), by name."""
    lookups = sorted((Path(data_dir) / "lookups").glob("LAD*_CSP*_PFA*_EW_LU.csv"))
    if not lookups:
        raise PipelineError(f"no LAD -> CSP -> PFA lookup in {Path(data_dir) / 'lookups'}")
    df = pd.read_csv(lookups[-1], dtype=str, encoding="utf-8-sig")
    csp = next(c for c in df.columns if re.match(r"^CSP\d{2}NM$", c))
    pfa = next(c for c in df.columns if re.match(r"^PFA\d{2}NM$", c))
    wanted = {k for k, v in FORCES.items() if v == force}
    if not wanted:
        raise PipelineError(f"'{force}' is not a police.uk force name (e.g. kent, metropolitan)")
    return sorted(df.loc[df[pfa].isin(wanted), csp].unique())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.new_area", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "query", nargs="?", help="CSP or local authority: name or ONS code (e.g. Maidstone)"
    )
    parser.add_argument(
        "--force", help="write every CSP of this force instead (police.uk name, e.g. kent)"
    )
    parser.add_argument(
        "--data-dir", default="../shared/data", help="the data folder (lookups, police.uk ...)"
    )
    parser.add_argument("--out", default=None, help=f"folder to write to (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir)
    if not data_dir.is_absolute():
        data_dir = (Path.cwd() / data_dir).resolve()
    out = Path(args.out) if args.out else DEFAULT_OUT
    if out.resolve().is_relative_to(REPO_ROOT / "config") and not args.out:
        out = DEFAULT_OUT
    if not args.query and not args.force:
        parser.error("name a CSP or authority, or give --force")
    try:
        queries = force_csps(data_dir, args.force) if args.force else [args.query]
        for query in queries:
            target = out / f"{area_config(data_dir, query)[0]}.yaml"
            if args.force and target.exists():
                print(target)  # a force run keeps configurations already written (and checked)
                continue
            path, warnings = write_config(data_dir, query, out)
            for w in warnings:
                print(f"warning: {path.stem}: {w}", file=sys.stderr)
            print(path)
    except PipelineError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
