"""Charts and maps (matplotlib): SVG for the HTML and PDF, PNG for Word."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from csphub.analytics.assessment.footnotes import MARK, flagged_months, incomplete_note  # noqa: E402

BLUE, GREY, RED = "#1d70b8", "#b1b4b6", "#d4351c"


@dataclass
class Chart:
    """One figure in both formats."""

    key: str
    title: str
    svg: str
    png: bytes


def _finish(fig, key: str, title: str, note: str | None = None) -> Chart:
    """Both formats; ``note`` (the incomplete months) printed under the chart and in its title."""
    if note:
        import textwrap

        fig.text(0.0, -0.02, textwrap.fill(note, 120), fontsize=6.5, color="#505a5f", va="top",
                 ha="left", transform=fig.transFigure)
        title = f"{title} ({MARK} months that look incomplete: see the note)"
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight")
    fig.savefig(png, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    text = svg.getvalue()
    return Chart(key, title, text[text.index("<svg"):], png.getvalue())


def month_label(key: str) -> str:
    """'2018-10' as the axis reads it.

    Examples:
        >>> month_label("2018-10")
        'Oct 2018'
    """
    return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %Y")


def _legend_above(ax, ncol: int = 3) -> None:
    """The legend in a row above the plot, clear of the data."""
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, fontsize=8)


def trend_chart(figures: dict) -> Chart:
    """Crime and ASB side by side per period (grouped, never overlapping), counts from zero; a
    partial period hatched and labelled so it is not read as a fall."""
    rows = figures["crime"]["trend"]
    asb = {r["year"]: r for r in figures["asb"]["trend"]}
    fig, ax = plt.subplots(figsize=(7, 3))
    positions = list(range(len(rows)))
    width = 0.38
    for offset, colour, label, values, partial in (
            (-width / 2, BLUE, "Crime (excluding ASB)", [r["total"] for r in rows], [r["partial"] for r in rows]),
            (width / 2, GREY, "ASB", [(asb.get(r["year"]) or {}).get("total") or 0 for r in rows],
             [(asb.get(r["year"]) or {}).get("partial", False) for r in rows])):
        bars = ax.bar([p + offset for p in positions], values, width=width, color=colour, label=label)
        for bar, is_partial in zip(bars, partial, strict=True):
            if is_partial:  # hatched: a part of a year, not a fall
                bar.set_hatch("////")
                bar.set_edgecolor("#0b0c0c")
    if any(r["partial"] for r in rows):
        from matplotlib.patches import Patch

        ax.add_artist(ax.legend(handles=[Patch(facecolor="white", edgecolor="#0b0c0c", hatch="////",
                                               label="partial period")],
                                frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8))
    ax.set_xticks(positions, [r["year"] + (" (partial)" if r["partial"] else "") for r in rows])
    ax.set_ylabel("Count")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "trend", "Crime and ASB by period", incomplete_note(figures))


def seasonality_chart(figures: dict, section: str) -> Chart:
    """This period's months against the same months a year earlier, from zero; a month that
    looks incomplete is hatched behind and ringed, never read as a real dip."""
    rows = figures[section]["by_month"]
    fig, ax = plt.subplots(figsize=(7, 3))
    series = "crime" if section == "crime" else "ASB"
    flagged = flagged_months(figures, series)
    labels = [month_label(r["month"]) + (f" {MARK}" if r["month"] in flagged else "") for r in rows]
    positions = list(range(len(rows)))
    for x, r in enumerate(rows):
        if r["month"] in flagged or _year_ago_key(r["month"]) in flagged:
            ax.axvspan(x - 0.45, x + 0.45, facecolor="none", edgecolor=RED, hatch="///", linewidth=0,
                       alpha=0.35, zorder=0)
    ax.plot(positions, [r["count"] for r in rows], color=BLUE, marker="o", label=figures["year"])
    ax.plot(positions, [r["previous_year_count"] for r in rows], color=GREY, marker="o",
            linestyle="--", label="a year earlier")
    # months that look incomplete: hollow red rings over the point, never read as a real dip
    for x, r in enumerate(rows):
        for value, key in ((r["count"], r["month"]), (r["previous_year_count"], _year_ago_key(r["month"]))):
            if value is not None and key in flagged:
                ax.plot([x], [value], marker="o", markersize=11, markerfacecolor="none",
                        markeredgecolor=RED, linestyle="none")
    if flagged & ({r["month"] for r in rows} | {_year_ago_key(r["month"]) for r in rows}):
        ax.plot([], [], marker="o", markersize=9, markerfacecolor="none", markeredgecolor=RED,
                linestyle="none", label="looks incomplete")
    ax.set_xticks(positions, labels, rotation=45, ha="right")
    ax.set_ylabel("Count")
    ax.set_ylim(bottom=0)  # from zero, so an incomplete month is not drawn as a steep dip
    ax.tick_params(axis="x", labelsize=7)
    _legend_above(ax)
    ax.spines[["top", "right"]].set_visible(False)
    name = "Crime" if section == "crime" else "ASB"
    return _finish(fig, f"seasonality_{section}", f"{name} by month against the same months a year earlier",
                   incomplete_note(figures))


def _year_ago_key(key: str) -> str:
    return f"{int(key[:4]) - 1}{key[4:]}"


def group_chart(figures: dict) -> Chart:
    rows = list(reversed(figures["crime"].get("by_group", [])))
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.barh([r["group"] for r in rows], [r["count"] for r in rows], color=BLUE)
    ax.set_xlabel("Crimes")
    ax.set_xlim(left=0)
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "groups", "Recorded crime by crime group", incomplete_note(figures))


def asb_type_chart(figures: dict, top: int = 10) -> Chart | None:
    """The largest partner's ASB incident types this year (the ten most common)."""
    rows = figures["asb"].get("by_incident_type") or []
    if not rows:
        return None
    source = rows[0]["source"]
    mine = [r for r in rows if r["source"] == source and r["count"] > 0][:top]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(mine) + 1))
    ax.barh([r["incident_type"] for r in reversed(mine)], [r["count"] for r in reversed(mine)], color=GREY)
    ax.set_xlabel("Incidents")
    ax.set_xlim(left=0)
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "asb_types", f"ASB by incident type ({source})")


def _ward_outlines(ax, wards) -> None:
    """Ward boundaries and names over a map, the names haloed so they read over any colour."""
    from matplotlib import patheffects

    wards.boundary.plot(ax=ax, color="#0b0c0c", linewidth=0.7)
    if "ward_name" not in wards:
        return
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]
    for name, point in zip(wards["ward_name"], wards.geometry.representative_point(), strict=True):
        if name:
            ax.annotate(str(name), (point.x, point.y), ha="center", va="center", fontsize=5.5,
                        color="#0b0c0c", path_effects=halo)


def ward_map(wards, column: str, title: str, note: str | None = None) -> Chart:
    """Choropleth of a GeoDataFrame of wards by ``column``, each ward named; the colour bar
    sits below the map, clear of the data."""
    fig, ax = plt.subplots(figsize=(7, 6.5))
    wards.plot(column=column, cmap="Blues", edgecolor="white", linewidth=0.6, legend=True, ax=ax,
               legend_kwds={"shrink": 0.6, "label": column.replace("_", " "), "orientation": "horizontal",
                            "pad": 0.02})
    _ward_outlines(ax, wards)
    ax.set_axis_off()
    return _finish(fig, f"map_{column}", title, note)


HOTSPOT_COLOURS = {"hot": RED, "cold": BLUE, "not significant": "#f3f2f1"}


def hotspot_map(lsoas, wards, column: str, title: str, clusters: list[dict] | None = None,
                note: str | None = None) -> Chart:
    """LSOAs coloured hot / cold / not significant, with ward boundaries and names, each cluster
    numbered (H1, C1: as in the clusters table); the legend below the map, clear of the data."""
    from matplotlib import patheffects
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(7, 6.5))
    lsoas.plot(color=lsoas[column].map(HOTSPOT_COLOURS).fillna("#f3f2f1"), edgecolor=GREY,
               linewidth=0.3, ax=ax)
    if wards is not None:
        _ward_outlines(ax, wards)
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for cluster in clusters or []:
        part = lsoas[lsoas["lsoa_code"].isin(cluster["lsoas"])]
        if part.empty:
            continue
        point = part.geometry.union_all().representative_point()
        ax.annotate(cluster["label"], (point.x, point.y), ha="center", va="center", fontsize=8,
                    fontweight="bold", color="#0b0c0c", path_effects=halo)
    labels = {"hot": "hotspot (q-value <= 0.05)", "cold": "coldspot (q-value <= 0.05)",
              "not significant": "not significant"}
    ax.legend(handles=[Patch(facecolor=c, edgecolor=GREY, label=labels[k]) for k, c in HOTSPOT_COLOURS.items()],
              frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, fontsize=8)
    ax.set_axis_off()
    return _finish(fig, f"hotspots_{column}", title, note)
