"""Change that survives overdispersion (issue 13, item 5): a year-on-year change is tested on
the monthly counts by a quasi-Poisson model whose dispersion comes from the data, so a series
that swings from month to month needs more than a small change to be called a rise.

Known cases, then the model checked against the same quantities worked out by hand: with a
term per calendar month, the year term's estimate is log(total now / total before), the fitted
months split each month's pair in that ratio, and the dispersion is Pearson's chi-square over
n - 1 degrees of freedom."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import t as student_t

from csphub.analytics.assessment.stats import QUASI_POISSON_TEST, compare_counts, compare_monthly


def test_steady_months_twenty_percent_higher_is_a_significant_rise():
    noise = [1, -1, 0, 2, -2, 1, 0, -1, 1, -1, 0, 0]
    change = compare_monthly([120 + e for e in noise], [100] * 12)
    assert (change.current, change.previous, change.percent) == (1440, 1200, 20.0)
    assert change.significant and change.direction == "rise" and change.p_value < 0.001
    assert change.dispersion is not None and change.dispersion < 1  # steadier than Poisson
    assert change.test.startswith("exact conditional binomial test")  # Poisson is then adequate
    assert change.p_value == compare_counts(1440, 1200).p_value


def test_huge_swings_and_a_small_change_are_not_significant_where_plain_poisson_says_so():
    current, previous = [176, 44] * 6, [40, 160] * 6  # +10% on the year, months swinging 4-fold
    assert compare_counts(sum(current), sum(previous)).significant  # plain Poisson: a "rise"
    change = compare_monthly(current, previous)
    assert change.direction == "no significant change" and change.p_value > 0.5
    assert change.test == QUASI_POISSON_TEST and change.dispersion > 50


def test_the_quasi_poisson_test_equals_the_hand_computation():
    rng = np.random.default_rng(11)
    previous = rng.poisson(200, 12) + rng.integers(-40, 40, 12)  # more varied than Poisson
    current = (previous * 1.15 + rng.integers(-50, 50, 12)).astype(int)
    change = compare_monthly(current.tolist(), previous.tolist())
    big, small = current.sum(), previous.sum()
    ratio = big / small
    pair = current + previous
    fit_now, fit_before = pair * ratio / (1 + ratio), pair / (1 + ratio)
    chi_square = (((current - fit_now) ** 2 / fit_now) + ((previous - fit_before) ** 2 / fit_before)).sum()
    dispersion = chi_square / 11
    assert dispersion > 1 and change.dispersion == pytest.approx(dispersion, rel=1e-6)
    variance = dispersion * (1 + ratio) ** 2 / (ratio * pair.sum())  # of log(ratio)
    t_value = math.log(ratio) / math.sqrt(variance)
    assert change.p_value == pytest.approx(2 * student_t.sf(abs(t_value), 11), rel=1e-6)
    assert change.months_tested == 12 and change.test == QUASI_POISSON_TEST


def test_too_few_months_fall_back_to_the_exact_test_and_say_so():
    change = compare_monthly([30], [10])
    assert change.test.endswith("(too few months with counts to estimate their variation)")
    assert change.p_value == compare_counts(30, 10).p_value
    empty = compare_monthly([0, 0, 0], [0, 0, 0])
    assert empty.direction == "no significant change" and empty.percent is None


def test_months_in_exactly_the_years_ratio_are_no_more_varied_than_poisson():
    change = compare_monthly([8] * 12, [8] * 12)
    assert (change.dispersion, change.direction, change.p_value) == (0.0, "no significant change", 1.0)
    assert compare_monthly([20, 40] * 6, [10, 20] * 6).direction == "rise"
