"""The crime picture in context: wards against the area rate, concentration, deprivation.

Why this module exists
----------------------
A count says how much; a strategic assessment also asks where crime is unusually high for the
number of people living there, how concentrated it is, and how it follows deprivation.

* **Ward rates and the funnel plot.** A ward's population is the sum of its LSOAs' populations
  (from the deprivation file's mid-year denominators). Each ward's count is set against what
  the area's rate would give for its population, E = area rate x ward population. The control
  limits are the exact Poisson limits around E (the PHE/Fingertips funnel-plot method):
  lower = chi2(a/2; 2E)/2 and upper = chi2(1 - a/2; 2(E + 1))/2, for a = 5% (95% limits) and
  a = 0.2% (99.8%), shown as rates per 1,000. Crime is far more uneven between wards than
  Poisson chance (a town centre has more crime than its residents explain), so with these
  limits most wards fall outside and the plot says little. Following Spiegelhalter (2005,
  "Handling over-dispersion of performance indicators"), the spread between wards is
  measured (z-scores winsorised at 10%, dispersion phi = their mean square) and, where
  phi shows more spread than chance, an additive between-ward variance tau^2 widens the limits
  to r +/- z sqrt(r / n + tau^2). The wards named as outside are those outside these
  adjusted limits: unusual even for an area whose wards differ as these do. Both sets of
  limits are in ``figures.json``.
* **Concentration.** The share of the area's crime in the tenth of its LSOAs with the most.
* **Deprivation.** Counts and rates per 1,000 residents by national IMD decile of the LSOA.

Every function takes tidy tables and returns JSON-ready values for ``figures.json``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import chi2

#: The funnel plot's two pairs of limits: label -> two-sided coverage.
FUNNEL_LIMITS = {"95%": 0.95, "99.8%": 0.998}


def poisson_limits(expected: float | np.ndarray, coverage: float) -> tuple:
    """Exact Poisson control limits for a count whose expected value is ``expected``."""
    e = np.asarray(expected, dtype=float)
    a = 1.0 - coverage
    lower = np.where(e > 0, chi2.ppf(a / 2, 2 * np.maximum(e, 1e-12)) / 2, 0.0)
    upper = chi2.ppf(1 - a / 2, 2 * (e + 1)) / 2
    return lower, upper


def _position(value: float, limits: dict[str, tuple[float, float]]) -> str:
    if value > limits["99.8%"][1]:
        return "above the 99.8% limit"
    if value > limits["95%"][1]:
        return "above the 95% limit"
    if value < limits["99.8%"][0]:
        return "below the 99.8% limit"
    if value < limits["95%"][0]:
        return "below the 95% limit"
    return "within the limits"


def overdispersion(
    observed: np.ndarray, population: np.ndarray, rate: float
) -> tuple[float, float]:
    """Spiegelhalter's dispersion phi (winsorised z-scores) and additive variance tau^2.

    ``rate`` is per person. tau^2 (per person squared) is 0 when the wards spread no more than
    chance: I phi <= I - 1.
    """
    n = len(observed)
    if n < 3 or rate <= 0:
        return 1.0, 0.0
    s2 = rate / population
    z = (observed / population - rate) / np.sqrt(s2)
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = float(np.mean(np.clip(z, lo, hi) ** 2))
    if n * phi <= n - 1:
        return phi, 0.0
    w = 1 / s2
    tau2 = (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum())
    return phi, float(tau2)


def adjusted_limits(population: np.ndarray, rate: float, tau2: float, coverage: float) -> tuple:
    """Limits per 1,000 around ``rate`` (per person): r +/- z sqrt(r / n + tau^2), at least 0."""
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - coverage) / 2)
    half = z * np.sqrt(rate / np.asarray(population, dtype=float) + tau2)
    return np.maximum(rate - half, 0.0) * 1000, (rate + half) * 1000


def ward_populations(wards: pd.DataFrame, deprivation: pd.DataFrame) -> pd.DataFrame:
    """Ward code, name and population: the sum of its LSOAs' populations, and how many LSOAs
    of the ward the deprivation file lacks (a ward missing any has no population)."""
    lsoas = wards[["lsoa_code", "ward_code", "ward_name"]].drop_duplicates("lsoa_code")
    merged = lsoas.merge(deprivation[["lsoa_code", "population"]], on="lsoa_code", how="left")
    grouped = merged.groupby(["ward_code", "ward_name"], sort=False)
    out = grouped["population"].agg(population="sum", missing=lambda s: int(s.isna().sum()))
    out = out.reset_index()
    out.loc[out["missing"] > 0, "population"] = np.nan
    return out


def funnel(counts: pd.DataFrame, populations: pd.DataFrame) -> dict:
    """Each ward's rate against the area's, with the funnel plot's limits.

    ``counts`` has ward_code and count (wards with no crime may be absent: they count 0);
    ``populations`` comes from :func:`ward_populations`.
    """
    wards = populations.merge(counts[["ward_code", "count"]], on="ward_code", how="left")
    wards["count"] = wards["count"].fillna(0).astype(int)
    known = wards.dropna(subset=["population"])
    known = known[known["population"] > 0]
    if known.empty:
        return {
            "available": False,
            "note": "No ward populations: the wards' LSOAs are not in the deprivation file.",
        }
    total, people = int(known["count"].sum()), float(known["population"].sum())
    area_rate = total / people * 1000
    expected = known["population"].to_numpy() * total / people
    out = []
    limits = {k: poisson_limits(expected, c) for k, c in FUNNEL_LIMITS.items()}
    pop = known["population"].to_numpy(dtype=float)
    observed = known["count"].to_numpy(dtype=float)
    phi, tau2 = overdispersion(observed, pop, total / people)
    adjusted = {k: adjusted_limits(pop, total / people, tau2, c) for k, c in FUNNEL_LIMITS.items()}
    for i, r in enumerate(known.itertuples()):
        row = {
            "ward": r.ward_name,
            "ward_code": r.ward_code,
            "count": int(r.count),
            "population": int(round(r.population)),
            "rate_per_1000": round(r.count / r.population * 1000, 1),
            "expected": round(float(expected[i]), 1),
        }
        for label, (lo, hi) in limits.items():
            row[f"poisson_lower_{label}"] = round(float(lo[i]) / r.population * 1000, 2)
            row[f"poisson_upper_{label}"] = round(float(hi[i]) / r.population * 1000, 2)
        for label, (lo, hi) in adjusted.items():
            row[f"lower_{label}"] = round(float(lo[i]), 2)
            row[f"upper_{label}"] = round(float(hi[i]), 2)
        rate = r.count / r.population * 1000
        row["position"] = _position(rate, {k: (lo[i], hi[i]) for k, (lo, hi) in adjusted.items()})
        row["position_poisson"] = _position(
            r.count, {k: (lo[i], hi[i]) for k, (lo, hi) in limits.items()}
        )
        out.append(row)
    out.sort(key=lambda d: (-d["rate_per_1000"], d["ward"]))
    # the curves for the chart: limits across the range of ward populations
    span = np.linspace(
        max(1.0, known["population"].min() * 0.8), known["population"].max() * 1.1, 60
    )
    curves = {"population": [round(float(x)) for x in span]}
    for label, coverage in FUNNEL_LIMITS.items():
        lo, hi = adjusted_limits(span, total / people, tau2, coverage)
        curves[f"lower_{label}"] = [round(float(v), 3) for v in lo]
        curves[f"upper_{label}"] = [round(float(v), 3) for v in hi]
    return {
        "available": True,
        "area_rate_per_1000": round(area_rate, 1),
        "dispersion": round(phi, 2),
        "between_ward_variance": tau2,
        "limits": "allowing for the spread between wards" if tau2 > 0 else "Poisson",
        "wards": out,
        "above": [w["ward"] for w in out if w["position"].startswith("above")],
        "below": [w["ward"] for w in out if w["position"].startswith("below")],
        "wards_without_population": populations.loc[
            populations["population"].isna(), "ward_name"
        ].tolist(),
        "curves": curves,
    }


def concentration(lsoa_counts: pd.Series, n_lsoas: int) -> dict:
    """Share of the crime in the tenth of the area's LSOAs with most (at least one LSOA).

    ``lsoa_counts`` are counts per LSOA with crime; ``n_lsoas`` counts every LSOA of the area,
    those with none included.
    """
    total = int(lsoa_counts.sum())
    if total == 0 or n_lsoas == 0:
        return {"available": False}
    top = max(1, math.ceil(n_lsoas / 10))
    share = float(lsoa_counts.sort_values(ascending=False).head(top).sum()) / total * 100
    return {"available": True, "lsoas": n_lsoas, "top_lsoas": top, "top_share": round(share, 1)}


def by_decile(rows: pd.DataFrame, deprivation: pd.DataFrame, area_lsoas: set[str]) -> dict:
    """Counts, population and rate per 1,000 by national IMD decile of the area's LSOAs."""
    dep = deprivation[deprivation["lsoa_code"].isin(area_lsoas)]
    if dep.empty:
        return {"available": False, "note": "The deprivation file has none of the area's LSOAs."}
    counts = rows["lsoa_code"].value_counts()
    matched = rows["lsoa_code"].isin(set(dep["lsoa_code"]))
    dep = dep.assign(count=dep["lsoa_code"].map(counts).fillna(0).astype(int))
    grouped = dep.groupby("imd_decile").agg(lsoas=("lsoa_code", "size"), count=("count", "sum"),
                                            population=("population", "sum"))  # fmt: skip
    has_pop = bool(dep["population"].notna().all())
    out = []
    for decile in range(1, 11):
        if decile not in grouped.index:
            continue
        g = grouped.loc[decile]
        rate = g["count"] / g["population"] * 1000 if has_pop and g["population"] > 0 else None
        out.append({"decile": decile, "lsoas": int(g["lsoas"]), "count": int(g["count"]),
                    "population": int(g["population"]) if has_pop else None,
                    "rate_per_1000": None if rate is None else round(float(rate), 1)})  # fmt: skip
    return {"available": True, "deciles": out, "rows_not_matched": int((~matched).sum()),
            "has_population": has_pop}  # fmt: skip


def context_figures(
    current: pd.DataFrame, wards: pd.DataFrame, deprivation: pd.DataFrame | None
) -> dict:
    """The context figures of one measure in one period (``figures[m]["context"]``).

    ``current`` are the period's rows of the measure (with lsoa_code, lsoa_vintage,
    ward_code); ``wards`` the period's ward table (lsoa_vintage, lsoa_code, ward_code,
    ward_name); ``deprivation`` from :mod:`analysis.sources.deprivation`, or None.
    """
    if current.empty:
        return {"available": False, "note": "No rows in the period."}
    vintage = int(current["lsoa_vintage"].mode().iloc[0])
    ward_lsoas = wards[wards["lsoa_vintage"] == vintage]
    lsoas = set(ward_lsoas["lsoa_code"])
    out = {
        "available": True,
        "lsoa_vintage": vintage,
        "concentration": concentration(current["lsoa_code"].value_counts(), len(lsoas)),
    }
    if deprivation is None:
        note = "This assessment has no deprivation data for the area, so ward rates and deprivation are not shown."
        out["funnel"] = {"available": False, "note": note}
        out["deprivation"] = {"available": False, "note": note}
        return out
    counts = current.groupby("ward_code").size().rename("count").reset_index()
    out["funnel"] = funnel(counts, ward_populations(ward_lsoas, deprivation))
    out["deprivation"] = by_decile(current, deprivation, lsoas)
    return out
