"""Change between periods, and whether it is more than chance.

Conventions (GOV.UK / ONS): a change in a count is given as a number and as a percentage
of the *earlier* period; a change in a rate or percentage is given in percentage points.
Whether a change in a count is more than chance uses the exact conditional test for two
Poisson counts: given the total n = a + b, the later count a is Binomial(n, p) under the
hypothesis of equal underlying rates, with p = t_a / (t_a + t_b) for exposures t (months
covered). That is what an analyst means by "a real rise, not noise".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from scipy.stats import binomtest


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


@dataclass(frozen=True)
class ChangeTest:
    p_value: float
    significant: bool
    level: float
    method: str = "exact conditional test of two Poisson counts (binomial, two-sided)"

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
