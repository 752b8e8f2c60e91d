"""Statistics with honesty: exact Poisson confidence intervals, and a test of change that
allows for month-to-month variation.

A change between two counts is called a rise or a fall only when a test rejects "no change" at
5%. Between two sets of the same calendar months (the like-for-like comparison) the test is
:func:`compare_monthly`: a quasi-Poisson model of the monthly counts, whose dispersion is
estimated from how much the months vary, so that a series that swings from month to month needs
a larger change to be called one. Between two single counts (:func:`compare_counts`) it is the
conditional binomial test of two Poisson counts (Przyborowski and Wilenski); when the two periods
cover different numbers of months, the test allows for the exposure.

Examples:
    >>> compare_counts(120, 100).direction
    'no significant change'
    >>> compare_counts(1200, 1000).direction
    'rise'
    >>> round(rate_per_1000(279, 279_800).rate, 3)
    0.997
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from scipy.stats import binomtest, chi2
from scipy.stats import t as student_t

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


EXACT_TEST = "exact conditional binomial test of two Poisson counts, 5% level"
QUASI_POISSON_TEST = ("quasi-Poisson GLM of the monthly counts (statsmodels; a term per calendar month and "
                      "one for the year), dispersion estimated from the data (Pearson chi-square / "
                      "residual df), two-sided t-test of the year term, 5% level")
QUARTERLY_TEST = QUASI_POISSON_TEST.replace("monthly", "quarterly").replace("calendar month", "quarter")


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
    test: str = EXACT_TEST
    #: the quasi-Poisson dispersion of the monthly counts (1 = Poisson); None for two counts
    dispersion: float | None = None
    #: the monthly counts behind a quasi-Poisson test (months with no count in either year left out)
    months_tested: int | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["percent"] = None if self.percent is None else round(self.percent, 1)
        d["p_value"] = round(self.p_value, 4)
        d["dispersion"] = None if self.dispersion is None else round(self.dispersion, 3)
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


def compare_monthly(current: Sequence[int], previous: Sequence[int], quarters: bool = False) -> Change:
    """Test a change between the same calendar months a year apart, allowing for month-to-month
    variation: ``current[i]`` is the month a year after ``previous[i]``.

    A quasi-Poisson GLM (statsmodels) of the 2n monthly counts with a term per calendar month
    (so seasonality is not mistaken for noise) and one for the year; the dispersion phi is the
    Pearson chi-square over the residual degrees of freedom (n - 1): how much more the months
    vary around a common year-on-year ratio than Poisson counts would. The year term is tested
    with a two-sided t-test on n - 1 df, its standard error scaled by sqrt(phi). Where the
    months vary no more than Poisson counts (phi <= 1), fewer than two months have counts, or
    one year has none, the exact test of the two totals (:func:`compare_counts`) is used and
    ``test`` says so. ``percent`` is always the change in the totals. ``quarters``: the counts
    are quarterly (the Home Office offence-code counts), not monthly.

    Examples:
        >>> compare_monthly([120] * 12, [100] * 12).direction  # steady months: a real rise
        'rise'
        >>> compare_monthly([176, 44] * 6, [40, 160] * 6).direction  # +10% amid huge swings
        'no significant change'
    """
    total_current, total_previous = int(sum(current)), int(sum(previous))
    exact = compare_counts(total_current, total_previous)
    pairs = [(int(c), int(p)) for c, p in zip(current, previous, strict=True) if c or p]
    if len(pairs) < 2 or not total_current or not total_previous:
        return replace(exact, test=EXACT_TEST + " (too few months with counts to estimate their variation)",
                       months_tested=len(pairs))
    import numpy as np
    import statsmodels.api as sm

    n = len(pairs)
    counts = np.array([c for c, _ in pairs] + [p for _, p in pairs], dtype=float)
    design = np.zeros((2 * n, n + 1))
    design[np.arange(2 * n), np.tile(np.arange(n), 2)] = 1.0  # the calendar month
    design[:n, n] = 1.0  # the later year
    if all(c * total_previous == p * total_current for c, p in pairs):
        dispersion = 0.0  # every month in the year's ratio: a perfect fit (statsmodels' first guess
        fitted = None  # can then be exact, and its convergence test divides 0 by 0)
    else:
        with warnings.catch_warnings():  # months that fit exactly are no separation problem here
            warnings.simplefilter("ignore")
            fitted = sm.GLM(counts, design, family=sm.families.Poisson()).fit(scale="X2")
        dispersion = float(fitted.scale)
    if dispersion <= 1:
        return replace(exact, test=EXACT_TEST + f" (the months vary no more than Poisson counts: "
                       f"dispersion {dispersion:.2f} <= 1)", dispersion=dispersion, months_tested=n)
    assert fitted is not None
    t_value = float(fitted.params[n] / fitted.bse[n])
    p_value = float(2 * student_t.sf(abs(t_value), df=n - 1))
    significant = p_value < SIGNIFICANCE
    direction = ("rise" if total_current > total_previous else "fall") if significant else "no significant change"
    return Change(total_current, total_previous, total_current - total_previous, exact.percent, p_value,
                  significant, direction, QUARTERLY_TEST if quarters else QUASI_POISSON_TEST, dispersion, n)
