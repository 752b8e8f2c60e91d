"""A map of cameras over ward boundaries, drawn locally with matplotlib (no map tiles, nothing
downloaded). Plain Python, no Django.

Examples:
    >>> png = camera_map([CameraPoint("1001", -2.28, 53.46, "working")], [])
    >>> png[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

STATUS_COLOURS = {"working": "#00703c", "faulty": "#d4351c", "decommissioned": "#505a5f", "removed": "#b1b4b6"}


@dataclass(frozen=True)
class CameraPoint:
    camera_id: str
    longitude: float
    latitude: float
    status: str


def camera_map(points: list[CameraPoint], wards: list[tuple[str, str, Any]], title: str = "CCTV cameras",
               note: str = "") -> bytes:
    """PNG bytes: ward outlines (code, name, shapely geometry) and each camera coloured by status."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 8), dpi=110)
    try:
        for _code, name, geometry in wards:
            for polygon in getattr(geometry, "geoms", [geometry]):
                x, y = polygon.exterior.xy
                ax.plot(x, y, color="#505a5f", linewidth=0.6)
            centre = geometry.representative_point()
            ax.annotate(name, (centre.x, centre.y), fontsize=5, ha="center", color="#505a5f")
        for status, colour in STATUS_COLOURS.items():
            chosen = [p for p in points if p.status == status]
            if chosen:
                ax.scatter([p.longitude for p in chosen], [p.latitude for p in chosen], s=14, c=colour,
                           edgecolors="white", linewidths=0.4, label=f"{status} ({len(chosen)})", zorder=3)
        ax.set_title(title)
        ax.set_aspect(1.6)  # roughly true shape at English latitudes
        ax.set_xticks([])
        ax.set_yticks([])
        if points:
            ax.legend(loc="lower left", fontsize=7)
        caption = note or ("Ward boundaries: ONS (OGL v3.0)." if wards else "No ward boundaries loaded for this area.")
        fig.text(0.01, 0.01, caption, fontsize=6, color="#505a5f")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(fig)
