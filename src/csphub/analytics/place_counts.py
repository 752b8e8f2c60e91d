"""Crime and ASB in a drawn area, before and after a place-based initiative began.

police.uk points (longitude, latitude: anonymised map points, each the centre of a few streets)
are read from the warehouse's ``street_crime`` table within the area's bounding box, then kept
when they fall inside (or on the edge of) the shapely polygon. Before and after are like for like:
the same number of whole months each side of the start month (the start month itself is left out,
as the work began part-way through it), and only months the warehouse holds on both sides.

The change is tested with the assessment's like-for-like test (``assessment.stats.
compare_monthly``), each month after the start paired with the month as far before it: a
quasi-Poisson model of the monthly counts whose dispersion comes from how much the pairs vary, so
a place whose months swing widely needs a bigger change to be called one; where the months vary
no more than Poisson counts, or fewer than two pairs have counts, it is the exact conditional
binomial test of the two totals (the after count given the total is Binomial(n, 1/2) over equal
periods). It says whether the change is bigger than chance alone would give; it cannot say the
initiative caused it, hence the comparison area.

Examples:
    >>> months_either_side(date(2024, 3, 1), 2, [date(2024, m, 1) for m in range(1, 6)])
    ([datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)], [datetime.date(2024, 4, 1), datetime.date(2024, 5, 1)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
from shapely import contains_xy, intersects_xy
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from csphub.analytics.assessment.stats import compare_counts, compare_monthly
from csphub.analytics.query import measure

ASB = "Anti-social behaviour"
POINTS_SQL = """
select month, crime_type, longitude, latitude from street_crime
where longitude between ? and ? and latitude between ? and ?
  and month >= ? and month <= ?
"""
MONTHS_SQL = "select distinct month from street_crime order by month"


def loaded_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The months of police.uk street data in the warehouse (empty when none is loaded)."""
    return [r[0] for r in measure(con, "place months loaded", MONTHS_SQL)]


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_either_side(start: date, months: int, loaded: Sequence[date]) -> tuple[list[date], list[date]]:
    """Up to ``months`` whole months before the start month and as many after, kept in pairs so
    both sides have the same number of loaded months (like for like)."""
    first = date(start.year, start.month, 1)
    have = set(loaded)
    before, after = [], []
    for k in range(1, months + 1):
        b, a = _add_months(first, -k), _add_months(first, k)
        if b in have and a in have:
            before.append(b)
            after.append(a)
    return sorted(before), sorted(after)


def points_in_area(con: duckdb.DuckDBPyConnection, area: BaseGeometry, first: date, last: date
                   ) -> list[tuple[date, str]]:
    """(month, crime type) of each police.uk point inside ``area`` (edges count as inside) in
    the months ``first`` to ``last``."""
    minx, miny, maxx, maxy = area.bounds
    rows = measure(con, "points in a drawn area", POINTS_SQL, (minx, maxx, miny, maxy, first, last))
    if not rows:
        return []
    import numpy as np

    xs = np.array([r[2] for r in rows], dtype=float)
    ys = np.array([r[3] for r in rows], dtype=float)
    inside = contains_xy(area, xs, ys) | intersects_xy(area.boundary, xs, ys)
    return [(r[0], r[1]) for r, keep in zip(rows, inside, strict=True) if keep]


@dataclass(frozen=True)
class Change:
    """Counts before and after, the change and its test."""

    before: int
    after: int
    p_value: float | None  # None when both are 0 (nothing to test)
    test: str = ""  # the test that gave the p-value, in the assessment's words

    @property
    def change_percent(self) -> float | None:
        return round(100 * (self.after - self.before) / self.before, 1) if self.before else None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05


def poisson_change(before: int, after: int) -> Change:
    """The exact conditional test for two Poisson counts over equal periods (the assessment's
    ``compare_counts``).

    Examples:
        >>> round(poisson_change(40, 20).p_value, 4)
        0.0135
        >>> poisson_change(10, 12).significant
        False
    """
    if before + after == 0:
        return Change(before, after, None)
    tested = compare_counts(after, before)
    return Change(before, after, tested.p_value, tested.test)


def monthly_change(before: Sequence[int], after: Sequence[int]) -> Change:
    """The assessment's like-for-like test (``compare_monthly``) of monthly counts: ``after[i]``
    paired with ``before[i]`` (the months as far after the start as before it).

    Examples:
        >>> monthly_change([40, 160] * 6, [176, 44] * 6).significant  # +10% amid huge swings
        False
        >>> poisson_change(1200, 1320).significant  # the same totals, as if the months were steady
        True
        >>> monthly_change([100] * 6, [130] * 6).significant
        True
    """
    total_before, total_after = int(sum(before)), int(sum(after))
    if total_before + total_after == 0:
        return Change(total_before, total_after, None)
    tested = compare_monthly([int(n) for n in after], [int(n) for n in before])
    return Change(total_before, total_after, tested.p_value, tested.test)


@dataclass
class AreaResult:
    name: str
    all_crime: Change
    asb: Change
    crime_excluding_asb: Change
    by_type: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class BeforeAfter:
    """What the evaluation says; ``loaded`` False when the warehouse holds no street data."""

    loaded: bool
    before_months: list[date]
    after_months: list[date]
    area: AreaResult | None = None
    comparison: AreaResult | None = None
    note: str = ""


def _area_result(name: str, points: list[tuple[date, str]], before: Sequence[date], after: Sequence[date]) -> AreaResult:
    """Counts and tests for one area; the months are paired by distance from the start month
    (``months_either_side`` keeps only whole pairs), nearest first."""
    pairs = list(zip(sorted(before, reverse=True), sorted(after), strict=True))
    by_month: dict[tuple[date, bool], int] = {}
    by_type: dict[str, list[int]] = {}
    b_set, a_set = set(before), set(after)
    for month, crime_type in points:
        side = 0 if month in b_set else 1 if month in a_set else None
        if side is not None:
            by_type.setdefault(crime_type, [0, 0])[side] += 1
            by_month[month, crime_type == ASB] = by_month.get((month, crime_type == ASB), 0) + 1

    def change(kinds: tuple[bool, ...]) -> Change:
        counts = [[sum(by_month.get((m, k), 0) for k in kinds) for m in side] for side in zip(*pairs, strict=True)]
        return monthly_change(counts[0], counts[1])

    return AreaResult(name, change((False, True)), change((True,)), change((False,)),
                      {k: (v[0], v[1]) for k, v in sorted(by_type.items())})


def before_after(con: duckdb.DuckDBPyConnection, area: dict[str, Any] | BaseGeometry, start: date, *, months: int = 6,
                 comparison: dict[str, Any] | BaseGeometry | None = None, area_name: str = "The area",
                 comparison_name: str = "Comparison area") -> BeforeAfter:
    """Crime and ASB in ``area`` (a GeoJSON geometry or shapely) in up to ``months`` months
    before and after ``start``, and in the comparison area over the same months."""
    loaded = loaded_months(con)
    if not loaded:
        return BeforeAfter(False, [], [], note="No police.uk street data is loaded in the warehouse: "
                           "load it with `csphub ingest police-uk` to evaluate the area.")
    before, after = months_either_side(start, months, loaded)
    if not before:
        return BeforeAfter(True, [], [], note=f"The warehouse holds {loaded[0]:%b %Y} to {loaded[-1]:%b %Y}: "
                           f"no month both before and after {start:%B %Y} to compare like for like.")
    geometry = area if isinstance(area, BaseGeometry) else shape(area)
    result = BeforeAfter(True, before, after,
                         _area_result(area_name, points_in_area(con, geometry, before[0], after[-1]), before, after))
    if comparison is not None:
        other = comparison if isinstance(comparison, BaseGeometry) else shape(comparison)
        result.comparison = _area_result(comparison_name, points_in_area(con, other, before[0], after[-1]),
                                         before, after)
    return result
