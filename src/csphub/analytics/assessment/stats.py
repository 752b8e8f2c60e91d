"""Statistics with honesty: exact Poisson confidence intervals and an exact test of change.

A change between two counts is called a rise or a fall only when the conditional binomial test
of two Poisson counts (Przyborowski and Wilenski) rejects "no change" at 5%. When the two periods
cover different numbers of months (a partial year), the test allows for the exposure.

Examples:
    >>> compare_counts(120, 100).direction
    'no significant change'
    >>> compare_counts(1200, 1000).direction
    'rise'
    >>> round(rate_per_1000(279, 279_800).rate, 3)
    0.997
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from scipy.stats import binomtest, chi2

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Rate:
    """A rate per 1,000 population with its exact 95% confidence interval."""

    rate: float
    lower: float
    upper: float

    def as_dict(self) -> dict:
        return {k: round(v, 3) for k, v in asdict(self).items()}


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count."""
    alpha = 1 - level
    lower = 0.0 if count == 0 else chi2.ppf(alpha / 2, 2 * count) / 2
    upper = chi2.ppf(1 - alpha / 2, 2 * (count + 1)) / 2
    return float(lower), float(upper)


def rate_per_1000(count: int, population: float, level: float = 0.95) -> Rate:
    """Count per 1,000 population, with the exact Poisson interval scaled the same way."""
    lower, upper = poisson_interval(count, level)
    scale = 1000 / population
    return Rate(count * scale, lower * scale, upper * scale)


@dataclass(frozen=True)
class Change:
    """A change between a previous and a current count, and whether it is beyond chance."""

    current: int
    previous: int
    difference: int
    percent: float | None
    p_value: float
    significant: bool
    direction: str  # 'rise', 'fall' or 'no significant change'
    test: str = "exact conditional binomial test of two Poisson counts, 5% level"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["percent"] = None if self.percent is None else round(self.percent, 1)
        d["p_value"] = round(self.p_value, 4)
        return d


def compare_counts(current: int, previous: int, exposure_ratio: float = 1.0) -> Change:
    """Test current against previous; ``exposure_ratio`` = current months / previous months."""
    total = current + previous
    if total == 0:
        p_value = 1.0
    else:
        p = exposure_ratio / (1 + exposure_ratio)
        p_value = float(binomtest(current, total, p).pvalue)
    significant = p_value < SIGNIFICANCE
    expected = previous * exposure_ratio
    direction = ("rise" if current > expected else "fall") if significant else "no significant change"
    percent = None if previous == 0 else (current / exposure_ratio - previous) / previous * 100
    return Change(current, previous, current - previous, percent, p_value, significant, direction)
