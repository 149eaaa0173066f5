"""Change arithmetic and the Poisson test, against hand-computed values."""

import math

import numpy as np
import pytest
from scipy.stats import t as student_t

from analysis.measures.change import (
    adjust_p_values,
    dispersion,
    percent_change,
    point_change,
    poisson_change_test,
    quasi_poisson_change_test,
    rate_per_1000,
)


def test_percent_change_is_on_the_earlier_period():
    # The 2017 Medway assessment: 2,840 more crimes on 20,285 is 14.0%, not the 12% it printed.
    assert percent_change(23125, 20285) == pytest.approx(2840 / 20285 * 100)
    assert round(percent_change(23125, 20285), 1) == 14.0
    assert round(percent_change(7077, 8978), 1) == -21.2


def test_percent_change_of_zero_base_is_undefined():
    assert percent_change(5, 0) is None


def test_point_change_for_rates():
    assert point_change(25.6, 27.6) == pytest.approx(-2.0)


def test_rate_per_1000_uses_population():
    # Seed: 23,125 crimes, population 278,542 -> 83 per 1,000.
    assert round(rate_per_1000(23125, 278542)) == 83
    assert rate_per_1000(7077, 278542) == pytest.approx(25.4073, abs=1e-4)
    with pytest.raises(ValueError):
        rate_per_1000(1, 0)


def test_poisson_test_equal_counts_not_significant():
    result = poisson_change_test(100, 100)
    assert result.p_value == pytest.approx(1.0)
    assert not result.significant


def test_poisson_test_large_rise_is_significant():
    # 23,125 vs 20,285: z ~ (2840)/sqrt(43410) ~ 13.6, p far below 0.05
    result = poisson_change_test(23125, 20285)
    assert result.significant and result.p_value < 1e-10


def test_poisson_test_hand_computed_small_counts():
    # 15 vs 5: P(X>=15 | n=20, p=.5) = 0.020695..., two-sided doubles it = 0.041389
    tail = sum(math.comb(20, k) for k in range(15, 21)) / 2**20
    result = poisson_change_test(15, 5)
    assert result.p_value == pytest.approx(2 * tail, rel=1e-9)
    assert result.significant
    assert not poisson_change_test(12, 8).significant


def test_poisson_test_accounts_for_exposure():
    # 24 in 12 months vs 12 in 6 months is the same monthly rate.
    assert poisson_change_test(
        24, 12, exposure_current=12, exposure_previous=6
    ).p_value == pytest.approx(1.0)


# --- overdispersion, the quasi-Poisson test and Holm's adjustment --------------------------


def test_dispersion_by_hand():
    # 2 x 2 table [[30, 10], [20, 20]]: total 80, rows 40/40, columns 50/30.
    # expected [[25, 15], [25, 15]]; chi-square 1 + 5/3 + 1 + 5/3 = 16/3 on 1 df
    phi, df = dispersion([30, 10], [20, 20])
    assert df == 1
    assert phi == pytest.approx(16 / 3)
    # a month with nothing in either period carries no information
    assert dispersion([30, 10, 0], [20, 20, 0]) == (pytest.approx(16 / 3), 1)


def test_quasi_poisson_by_hand():
    cur, prev = [30, 10], [20, 20]  # a = 40, b = 40: no change
    assert quasi_poisson_change_test(cur, prev).p_value == pytest.approx(1.0)
    cur, prev = [60, 50, 55, 45], [50, 40, 45, 35]  # a = 210, b = 170
    phi, df = dispersion(cur, prev)
    z = math.log(210 / 170) / math.sqrt(phi * (1 / 210 + 1 / 170))
    expected = 2 * student_t.sf(abs(z), df)
    test = quasi_poisson_change_test(cur, prev)
    assert test.p_value == pytest.approx(expected)
    assert (test.dispersion, test.df) == (pytest.approx(phi), 3)


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01, 2 x 0.03, 1 x 0.04 -> 0.03, 0.06, max(0.06, 0.04)
    assert adjust_p_values([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert adjust_p_values([0.5, 0.9]) == pytest.approx([1.0, 1.0])  # capped at 1
    assert adjust_p_values([0.2], "none") == [0.2]


def test_quasi_poisson_holds_its_level_where_the_plain_test_does_not():
    """Simulation (the full version is docs/change_tests.md): two years of 100 a month with
    twice Poisson variance and no change. The plain test calls far more than 5% significant;
    the quasi-Poisson test stays near 5%; a true 30% rise is nearly always found."""
    rng = np.random.default_rng(7)
    runs, mean, phi = 2000, np.full(12, 100.0), 2.0
    r = mean / (phi - 1)

    def year(scale: float = 1.0) -> np.ndarray:
        return rng.negative_binomial(r * scale, r / (r + mean), size=(runs, 12))

    prev, cur, risen = year(), year(), year(1.3)
    plain = np.mean([poisson_change_test(int(a.sum()), int(b.sum())).significant
                     for a, b in zip(cur, prev, strict=True)])  # fmt: skip
    quasi = np.mean([quasi_poisson_change_test(a, b).significant
                     for a, b in zip(cur, prev, strict=True)])  # fmt: skip
    power = np.mean([quasi_poisson_change_test(a, b).significant
                     for a, b in zip(risen, prev, strict=True)])  # fmt: skip
    assert plain > 0.12
    assert 0.03 < quasi < 0.075
    assert power > 0.9
