"""Charts and maps (matplotlib): SVG for the HTML and PDF, PNG for Word."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BLUE, GREY, RED = "#1d70b8", "#b1b4b6", "#d4351c"


@dataclass
class Chart:
    """One figure in both formats."""

    key: str
    title: str
    svg: str
    png: bytes


def _finish(fig, key: str, title: str) -> Chart:
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight")
    fig.savefig(png, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    text = svg.getvalue()
    return Chart(key, title, text[text.index("<svg"):], png.getvalue())


def trend_chart(figures: dict) -> Chart:
    rows = figures["crime"]["trend"]
    asb = {r["year"]: r["total"] for r in figures["asb"]["trend"]}
    fig, ax = plt.subplots(figsize=(7, 3))
    years = [r["year"] + (" (partial)" if r["partial"] else "") for r in rows]
    ax.bar(years, [r["total"] for r in rows], color=BLUE, label="Crime (excluding ASB)")
    ax.bar(years, [asb.get(r["year"], 0) for r in rows], color=GREY, label="ASB", width=0.4)
    ax.set_ylabel("Count")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "trend", "Crime and ASB by financial year")


def seasonality_chart(figures: dict, section: str) -> Chart:
    rows = figures[section]["by_month"]
    fig, ax = plt.subplots(figsize=(7, 3))
    labels = [r["month"][2:] for r in rows]
    ax.plot(labels, [r["count"] for r in rows], color=BLUE, marker="o", label=figures["year"])
    ax.plot(labels, [r["previous_year_count"] for r in rows], color=GREY, marker="o",
            linestyle="--", label="previous year")
    ax.set_ylabel("Count")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    name = "Crime" if section == "crime" else "ASB"
    return _finish(fig, f"seasonality_{section}", f"{name} by month against the previous year")


def group_chart(figures: dict) -> Chart:
    rows = list(reversed(figures["crime"].get("by_group", [])))
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.barh([r["group"] for r in rows], [r["count"] for r in rows], color=BLUE)
    ax.set_xlabel("Crimes")
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "groups", "Recorded crime by crime group")


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
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig, "asb_types", f"ASB by incident type ({source})")


def ward_map(wards, column: str, title: str) -> Chart:
    """Choropleth of a GeoDataFrame of wards by ``column``."""
    fig, ax = plt.subplots(figsize=(6, 5))
    wards.plot(column=column, cmap="Blues", edgecolor="white", linewidth=0.6, legend=True, ax=ax,
               legend_kwds={"shrink": 0.6, "label": column.replace("_", " ")})
    ax.set_axis_off()
    return _finish(fig, f"map_{column}", title)


def hotspot_map(lsoas, column: str, title: str) -> Chart:
    """LSOAs coloured hot / cold / not significant."""
    colours = {"hot": RED, "cold": BLUE, "not significant": "#f3f2f1"}
    fig, ax = plt.subplots(figsize=(6, 5))
    lsoas.plot(color=lsoas[column].map(colours).fillna("#f3f2f1"), edgecolor=GREY, linewidth=0.3, ax=ax)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=c, label=k) for k, c in colours.items()], frameon=False,
              loc="lower left", fontsize=8)
    ax.set_axis_off()
    return _finish(fig, f"hotspots_{column}", title)
