"""Before/after crime and ASB in a hand-drawn polygon over Chatham, on real police.uk points.

The warehouse is built from the real Kent files (January to April 2024); the independent count
is plain pandas + shapely over the same CSVs: keep the rows whose point lies in (or on the edge
of) the polygon, by month. The work is taken to start on 10 February 2024, so like for like is
January (before) against March (after): February is left out, and April has no pair (December
2023 is not loaded).
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from csphub.analytics.place_counts import before_after, months_either_side, poisson_change
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

# Drawn by hand over Chatham town centre (lon, lat): the High Street, the Pentagon, the station.
CHATHAM = Polygon([(0.5195, 51.3790), (0.5330, 51.3775), (0.5375, 51.3830), (0.5290, 51.3870), (0.5185, 51.3845)])
# A comparison area of about the same size over Gillingham's centre.
GILLINGHAM = Polygon([(0.5420, 51.3840), (0.5530, 51.3830), (0.5560, 51.3880), (0.5450, 51.3900)])
START = date(2024, 2, 10)


@pytest.fixture(scope="module")
def kent(shared_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("place") / "w.duckdb"
    with open_warehouse(path) as con:
        ingest_police_uk(con, [shared_data / "police-uk" / "kent"])
        yield con


@pytest.fixture(scope="module")
def by_hand(shared_data):
    """(month, is ASB) of every row inside each polygon, by pandas and shapely alone."""
    rows = pd.concat(pd.read_csv(p, dtype={"Crime ID": str}) for p in sorted(
        (shared_data / "police-uk" / "kent").glob("*-kent-street.csv")))
    rows = rows.dropna(subset=["Longitude", "Latitude"])

    def inside(polygon: Polygon) -> pd.DataFrame:
        mask = [polygon.covers(Point(x, y)) for x, y in zip(rows.Longitude, rows.Latitude, strict=True)]
        return rows[mask]

    return {"chatham": inside(CHATHAM), "gillingham": inside(GILLINGHAM)}


def _count(frame: pd.DataFrame, month: str, asb: bool | None = None) -> int:
    found = frame[frame.Month == month]
    if asb is not None:
        found = found[(found["Crime type"] == "Anti-social behaviour") == asb]
    return len(found)


def _exact_two_sided(before: int, after: int) -> float:
    """The exact binomial test at p = 1/2, by hand: the probability of every split at most as
    likely as the one seen."""
    n = before + after
    pmf = [math.comb(n, k) / 2**n for k in range(n + 1)]
    return min(1.0, sum(p for p in pmf if p <= pmf[after] * (1 + 1e-7)))


def test_like_for_like_months_are_january_against_march(kent):
    result = before_after(kent, CHATHAM, START, months=6)
    assert result.before_months == [date(2024, 1, 1)] and result.after_months == [date(2024, 3, 1)]


def test_counts_in_the_polygon_equal_the_hand_count(kent, by_hand):
    result = before_after(kent, CHATHAM, START, comparison=GILLINGHAM, area_name="Chatham",
                          comparison_name="Gillingham")
    for area, frame in ((result.area, by_hand["chatham"]), (result.comparison, by_hand["gillingham"])):
        assert area.all_crime.before == _count(frame, "2024-01") > 50, area.name
        assert area.all_crime.after == _count(frame, "2024-03")
        assert area.asb.before == _count(frame, "2024-01", asb=True)
        assert area.asb.after == _count(frame, "2024-03", asb=True)
        assert area.crime_excluding_asb.before == _count(frame, "2024-01", asb=False)
        assert sum(b for b, _ in area.by_type.values()) == area.all_crime.before


def test_the_significance_test_is_the_exact_binomial_test(kent):
    chatham = before_after(kent, CHATHAM, START).area
    for change in (chatham.all_crime, chatham.asb, chatham.crime_excluding_asb):
        assert change.p_value == pytest.approx(_exact_two_sided(change.before, change.after), rel=1e-6)


def test_the_test_at_its_boundaries():
    assert poisson_change(0, 0).p_value is None and not poisson_change(0, 0).significant
    assert poisson_change(10, 10).p_value == pytest.approx(1.0)
    assert poisson_change(40, 20).significant and not poisson_change(12, 10).significant
    assert poisson_change(0, 5).change_percent is None and poisson_change(20, 15).change_percent == -25.0


def test_months_either_side_keep_pairs_only():
    loaded = [date(2024, m, 1) for m in (1, 2, 3, 4, 6)]
    # Feb pairs with Apr; Jan's pair (May) and Jun's pair (Dec 2023) are not loaded.
    assert months_either_side(date(2024, 3, 15), 3, loaded) == ([date(2024, 2, 1)], [date(2024, 4, 1)])


def test_no_warehouse_data_is_said_not_shown_as_zero(tmp_path):
    with open_warehouse(tmp_path / "empty.duckdb") as con:
        result = before_after(con, CHATHAM, START)
    assert not result.loaded and result.area is None and "No police.uk street data" in result.note


def test_months_that_swing_need_a_bigger_change_as_in_the_assessment():
    from csphub.analytics.assessment.stats import compare_monthly
    from csphub.analytics.place_counts import monthly_change

    before, after = [40, 160] * 6, [176, 44] * 6  # 1,200 then 1,320 (+10%), the months swinging wildly
    swinging = monthly_change(before, after)
    assert (swinging.before, swinging.after) == (1200, 1320)
    assert swinging.p_value == pytest.approx(compare_monthly(after, before).p_value) and not swinging.significant
    assert poisson_change(1200, 1320).significant  # the totals alone would have called it a rise
    assert "quasi-Poisson" in swinging.test
    steady = monthly_change([100] * 6, [130] * 6)
    assert steady.significant and steady.test.startswith("exact conditional binomial test")
    assert monthly_change([0, 0], [0, 0]).p_value is None


def test_one_pair_of_months_falls_back_to_the_exact_test_of_the_totals(kent):
    chatham = before_after(kent, CHATHAM, START).area
    assert "too few months" in chatham.all_crime.test
