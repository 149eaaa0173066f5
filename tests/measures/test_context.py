"""The crime picture in context: funnel limits, concentration and deprivation, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.measures.context import (
    adjusted_limits,
    by_decile,
    concentration,
    funnel,
    overdispersion,
    poisson_limits,
    ward_populations,
)


def test_exact_poisson_limits_equal_the_chi_square_tables():
    # E = 10, 95%: chi2(0.025; 20) / 2 = 9.59078 / 2; chi2(0.975; 22) / 2 = 36.78071 / 2
    lo, hi = poisson_limits(10.0, 0.95)
    assert float(lo) == pytest.approx(9.59078 / 2, abs=1e-4)
    assert float(hi) == pytest.approx(36.78071 / 2, abs=1e-4)
    # 99.8%: chi2(0.001; 20) / 2 = 5.92095 / 2; chi2(0.999; 22) / 2 = 48.26794 / 2
    lo, hi = poisson_limits(10.0, 0.998)
    assert float(lo) == pytest.approx(5.92095 / 2, abs=1e-4)
    assert float(hi) == pytest.approx(48.26794 / 2, abs=1e-4)


def test_adjusted_limits_by_hand():
    # rate 0.1 a person, ward of 1,000, tau^2 = 0.0004: sd = sqrt(0.1/1000 + 0.0004) = 0.02236;
    # 95%: 0.1 -/+ 1.959964 x 0.02236 = 0.05617 .. 0.14383 a person = 56.17 .. 143.83 per 1,000
    lo, hi = adjusted_limits(np.array([1000.0]), 0.1, 0.0004, 0.95)
    sd = math.sqrt(0.1 / 1000 + 0.0004)
    assert float(lo[0]) == pytest.approx((0.1 - 1.959964 * sd) * 1000, abs=1e-3)
    assert float(hi[0]) == pytest.approx((0.1 + 1.959964 * sd) * 1000, abs=1e-3)


def test_no_overdispersion_when_wards_match_the_area_rate():
    pop = np.array([1000.0, 2000.0, 3000.0, 4000.0])
    phi, tau2 = overdispersion(pop * 0.05, pop, 0.05)  # every ward exactly at the area rate
    assert phi == 0.0 and tau2 == 0.0


def test_overdispersion_by_formula():
    pop = np.array([1000.0, 1000.0, 1000.0, 1000.0, 1000.0])
    counts = np.array([50.0, 60.0, 40.0, 150.0, 100.0])
    rate = counts.sum() / pop.sum()  # 0.08
    z = (counts / pop - rate) / np.sqrt(rate / pop)
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    w = pop / rate
    tau2 = (5 * phi - 4) / (w.sum() - (w**2).sum() / w.sum())
    assert overdispersion(counts, pop, rate) == (pytest.approx(phi), pytest.approx(tau2))


def test_funnel_names_the_unusual_ward():
    pops = pd.DataFrame({"ward_code": [f"W{i}" for i in range(8)],
                         "ward_name": [f"Ward {i}" for i in range(8)],
                         "population": [5000.0] * 8, "missing": [0] * 8})  # fmt: skip
    counts = pd.DataFrame({"ward_code": pops["ward_code"],
                           "count": [500, 510, 490, 505, 495, 500, 2000, 500]})  # fmt: skip
    out = funnel(counts, pops)
    assert out["above"] == ["Ward 6"] and out["below"] == []
    # the area rate: 5,500 in 40,000 residents = 137.5 per 1,000
    assert out["area_rate_per_1000"] == 137.5
    assert {w["ward"]: w["expected"] for w in out["wards"]}["Ward 0"] == 687.5


def test_ward_without_every_population_is_left_out():
    wards = pd.DataFrame({"lsoa_code": ["A", "B", "C"], "ward_code": ["W1", "W1", "W2"],
                          "ward_name": ["One", "One", "Two"]})  # fmt: skip
    dep = pd.DataFrame({"lsoa_code": ["A", "B"], "population": [1500.0, 1700.0]})
    pops = ward_populations(wards, dep).set_index("ward_code")
    assert pops.loc["W1", "population"] == 3200 and math.isnan(pops.loc["W2", "population"])


def test_concentration_by_hand():
    # 20 LSOAs (5 with no crime): the top 2 hold 50 + 30 of 100 = 80%
    counts = pd.Series([50, 30, 5, 5, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0])
    assert concentration(counts, 20) == {"available": True, "lsoas": 20, "top_lsoas": 2,
                                         "top_share": 80.0}  # fmt: skip


def test_rates_by_decile_by_hand():
    dep = pd.DataFrame({"lsoa_code": ["A", "B", "C"], "imd_decile": [1, 1, 10],
                        "population": [1000.0, 1000.0, 2000.0]})  # fmt: skip
    rows = pd.DataFrame({"lsoa_code": ["A"] * 30 + ["B"] * 10 + ["C"] * 8 + ["Z"] * 2})
    out = by_decile(rows, dep, {"A", "B", "C"})
    # decile 1: 40 in 2,000 = 20.0 per 1,000; decile 10: 8 in 2,000 = 4.0
    assert [(d["decile"], d["count"], d["rate_per_1000"]) for d in out["deciles"]] == [
        (1, 40, 20.0), (10, 8, 4.0)]  # fmt: skip
    assert out["rows_not_matched"] == 2
