"""Charts a committee can read (issue 13, items 4 and 7): counts drawn from zero so an incomplete
month is not read as a dip, crime and ASB bars side by side (never overlapping), legends clear of
the data, and maps with the ward boundaries and ward names and each cluster numbered.

Each chart is checked on the matplotlib figure itself, as drawn for the report: the hand-made
partnership (handmade.py: four wards A-D of nine LSOAs) assessed for 2023/24, December 2022
thinned to ten rows (a month that looks incomplete)."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from csphub.analytics.areas import add_area
from csphub.analytics.assessment import AssessmentOptions, build_figures, charts
from csphub.analytics.assessment.periods import FinancialYear
from csphub.analytics.assessment.render import build_charts, map_layers
from csphub.analytics.geography import load_boundaries, load_lookup, load_population
from csphub.analytics.police_uk import ingest_police_uk
from csphub.analytics.warehouse import open_warehouse

from . import handmade
from .handmade import LAD


def _thin(path: Path, keep: int) -> None:
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:keep + 1]))


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """{chart key: (chart, matplotlib figure)} for the report's charts, and the figures."""
    folder = tmp_path_factory.mktemp("chart-layout")
    files = handmade.write_partnership(folder / "src")
    _thin(files["police"] / "2022-12" / "2022-12-gridshire-street.csv", 10)
    with open_warehouse(folder / "w.duckdb") as con:
        load_lookup(con, files["lookup"])
        load_population(con, files["population"], 2023, "hand-made")
        load_boundaries(con, files["boundaries"])
        ingest_police_uk(con, [files["police"]])
        area = add_area(con, "Gridshire", [LAD])
        figures = build_figures(con, area, AssessmentOptions(FinancialYear(2023), previous_years=1))
        layers = map_layers(con, figures)
    kept: dict[str, object] = {}
    finish = charts._finish

    def keep(fig, key, *args, **kwargs):
        kept[key] = fig
        return finish(fig, key, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "_finish", keep)
        made = build_charts(figures, layers)
    return {c.key: (c, kept[c.key]) for c in made}, figures


def _box(artist, fig):
    """Where ``artist`` lands on the drawn figure (in pixels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return artist.get_window_extent(canvas.get_renderer())


def test_every_chart_and_map_is_drawn(drawn):
    made, _ = drawn
    assert set(made) == {"trend", "seasonality_crime", "seasonality_asb", "groups", "map_crime_rate_per_1000",
                         "map_asb_rate_per_1000", "hotspots_asb", "hotspots_crime"}


def test_counts_are_drawn_from_zero(drawn):
    made, figures = drawn
    for key in ("trend", "seasonality_crime", "seasonality_asb"):
        ax = made[key][1].axes[0]
        assert ax.get_ylim()[0] == 0, key
    # the thin December 2022 (10 crimes against about 100 a month) sits on an axis from 0
    december = next(m for m in figures["crime"]["by_month"] if m["month"] == "2023-12")
    assert december["previous_year_count"] <= 10


def test_crime_and_asb_bars_stand_side_by_side(drawn):
    made, figures = drawn
    ax = made["trend"][1].axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
    years = [t["year"] for t in figures["crime"]["trend"]]
    assert len(bars) == 2 * len(years)  # one crime and one ASB bar for each period
    spans = sorted((b.get_x(), b.get_x() + b.get_width()) for b in bars)
    assert all(left[1] <= right[0] + 1e-9 for left, right in zip(spans, spans[1:], strict=False))
    # heights are the periods' totals, crime first then ASB
    assert sorted(round(b.get_height()) for b in bars) == sorted(
        [t["total"] for t in figures["crime"]["trend"]] + [t["total"] for t in figures["asb"]["trend"]])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == years


def test_month_axes_read_month_names(drawn):
    made, _ = drawn
    labels = [t.get_text() for t in made["seasonality_crime"][1].axes[0].get_xticklabels()]
    assert labels[0] == "Apr 2023" and labels[-1] == "Mar 2024" and len(labels) == 12
    # December 2022 looks incomplete: December's point a year earlier is ringed, and the legend says so
    legend = made["seasonality_crime"][1].axes[0].get_legend()
    assert "looks incomplete" in [t.get_text() for t in legend.get_texts()]


def test_legends_sit_clear_of_the_plotted_data(drawn):
    made, _ = drawn
    for key in ("trend", "seasonality_crime", "seasonality_asb"):
        fig = made[key][1]
        ax = fig.axes[0]
        legends = [a for a in ax.get_children() if a.__class__.__name__ == "Legend"]
        assert legends, key
        plot_area = _box(ax.patch, fig)
        for legend in legends:
            assert _box(legend, fig).y0 >= plot_area.y1 - 1, key  # above the plot, never over it


def test_maps_carry_ward_boundaries_ward_names_and_a_legend_off_the_map(drawn):
    made, figures = drawn
    wards = {w["ward_name"] for w in figures["wards"]}
    assert wards == {"A", "B", "C", "D"}
    for key in ("hotspots_crime", "hotspots_asb", "map_crime_rate_per_1000"):
        fig = made[key][1]
        ax = fig.axes[0]
        assert any(isinstance(c, LineCollection) for c in ax.collections), key  # the ward boundaries
        names = {t.get_text() for t in ax.texts}
        assert wards <= names, key
    fig = made["hotspots_asb"][1]
    ax = fig.axes[0]
    hot = figures["hotspots"]["asb_clusters"]
    assert hot and {f"H{c['number']}" for c in hot} <= {t.get_text() for t in ax.texts}
    legend = _box(ax.get_legend(), fig)  # (drawn, so the map's aspect is set)
    lsoas = ax.dataLim.transformed(ax.transData)  # the box around the LSOA polygons, in pixels
    assert legend.y1 <= lsoas.y0 + 1  # below the map, not over any LSOA
    assert "with ward boundaries" in made["hotspots_asb"][0].title
