"""Change between periods, and whether it is more than chance.

Conventions (GOV.UK / ONS): a change in a count is given as a number and as a percentage
of the *earlier* period; a change in a rate or percentage is given in percentage points.

Whether a change is more than chance
------------------------------------
The plain test (:func:`poisson_change_test`) is the exact conditional test for two Poisson
counts: given the total n = a + b, the later count a is Binomial(n, p) under equal rates,
p = t_a / (t_a + t_b) for exposures t. It assumes the only variation is Poisson. Police
recorded crime is *overdispersed*: monthly counts vary more than Poisson (a busy weekend, an
operation, a recording backlog), so the plain test calls too many changes real.

:func:`quasi_poisson_change_test` allows for that. The two periods' monthly counts form a
2 x m table (period by month of the period: month 1 of each, month 2 of each, ...). The
quasi-Poisson model log(mean) = period + month-of-period fits it with the period totals and
one seasonal shape shared by both periods; the Pearson chi-square of that fit over its
m - 1 degrees of freedom estimates the dispersion phi. The log ratio of the totals has
variance phi (1/a + 1/b), and its Wald statistic is referred to Student's t with m - 1
degrees of freedom, which allows for phi being estimated from few months (so phi is not
floored at 1: flooring made the test call too few real changes when counts are Poisson).
``docs/change_tests.md`` checks both by simulation (false positives at no change, power at a
10% change). Many groups tested at once are corrected by :func:`adjust_p_values` (Holm).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import binomtest
from scipy.stats import t as student_t


def percent_change(current: float, previous: float) -> float | None:
    """Percentage change on the earlier value; None when the earlier value is zero."""
    if previous == 0:
        return None
    return (current - previous) / previous * 100.0


def point_change(current_pct: float, previous_pct: float) -> float:
    """Difference between two percentages or rates, in percentage points."""
    return current_pct - previous_pct


def rate_per_1000(count: float, population: float) -> float:
    if population <= 0:
        raise ValueError("population must be positive to compute a rate")
    return count / population * 1000.0


POISSON = "exact conditional test of two Poisson counts (binomial, two-sided)"
QUASI_POISSON = (
    "quasi-Poisson test allowing for overdispersion (dispersion from the monthly counts)"
)


@dataclass(frozen=True)
class ChangeTest:
    p_value: float
    significant: bool
    level: float
    method: str = POISSON
    dispersion: float | None = None
    df: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def poisson_change_test(
    current: int,
    previous: int,
    *,
    exposure_current: float = 1.0,
    exposure_previous: float = 1.0,
    level: float = 0.05,
) -> ChangeTest:
    """Is ``current`` different from ``previous`` by more than Poisson chance variation?"""
    total = int(current) + int(previous)
    if total == 0:
        return ChangeTest(p_value=1.0, significant=False, level=level)
    p = exposure_current / (exposure_current + exposure_previous)
    result = binomtest(int(current), total, p, alternative="two-sided")
    return ChangeTest(
        p_value=float(result.pvalue), significant=bool(result.pvalue < level), level=level
    )


def dispersion(
    current_monthly: Sequence[float], previous_monthly: Sequence[float]
) -> tuple[float, int]:
    """Pearson estimate of overdispersion from two periods' monthly counts, and its df.

    Month i of one period is paired with month i of the other (the same month of the year
    for periods of a year). Months with no count in either period carry no information and
    are left out. Returns (phi, degrees of freedom); phi is not floored here.
    """
    y = np.array([current_monthly, previous_monthly], dtype=float)
    if y.ndim != 2 or y.shape[1] == 0:
        raise ValueError("dispersion: expected two equal-length monthly series")
    y = y[:, y.sum(axis=0) > 0]
    df = y.shape[1] - 1
    total = y.sum()
    if df < 1 or total == 0 or (y.sum(axis=1) == 0).any():
        return 1.0, max(df, 0)
    expected = np.outer(y.sum(axis=1), y.sum(axis=0)) / total
    return float(((y - expected) ** 2 / expected).sum() / df), df


def quasi_poisson_change_test(
    current_monthly: Sequence[float], previous_monthly: Sequence[float], *, level: float = 0.05
) -> ChangeTest:
    """Is the later period's total different from the earlier one's beyond normal variation?

    See the module docstring: the Wald test of the period effect in a quasi-Poisson model of
    the monthly counts, dispersion from the counts themselves, t reference.
    """
    a, b = float(sum(current_monthly)), float(sum(previous_monthly))
    phi, df = dispersion(current_monthly, previous_monthly)
    if a + b == 0:
        return ChangeTest(1.0, False, level, QUASI_POISSON, phi, df)
    if a == 0 or b == 0 or df < 1:
        # no log ratio (a zero), or no months to estimate the dispersion: the plain test,
        # widened by nothing, is the most that can be said
        plain = poisson_change_test(int(round(a)), int(round(b)), level=level)
        return ChangeTest(plain.p_value, plain.significant, level, QUASI_POISSON, phi, df)
    z = math.log(a / b) / math.sqrt(phi * (1.0 / a + 1.0 / b))
    p = float(2.0 * student_t.sf(abs(z), df))
    return ChangeTest(p, bool(p < level), level, QUASI_POISSON, phi, df)


def adjust_p_values(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """p-values adjusted for testing several changes at once: Holm (default) or none.

    Holm's step-down method keeps the chance of calling *any* unchanged group significant at
    the nominal level, whatever the dependence between groups.
    """
    p = np.asarray(p_values, dtype=float)
    if method == "none" or p.size == 0:
        return p.tolist()
    if method != "holm":
        raise ValueError(f"unknown adjustment {method!r}: expected holm or none")
    order = np.argsort(p, kind="stable")
    m = p.size
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    return out.tolist()
