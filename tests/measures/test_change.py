"""Change arithmetic and the Poisson test, against hand-computed values."""

import math

import pytest

from analysis.measures.change import (
    percent_change,
    point_change,
    poisson_change_test,
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
