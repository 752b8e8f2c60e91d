"""Charts drawn on the server as inline SVG: no JavaScript, no chart library, nothing fetched.

Each chart is a horizontal bar chart comparing this period (GOV.UK blue) with the same period a
year earlier (grey), one pair of bars per category with the figures written at the bar ends, so
the chart reads without colour. The SVG is an image with a ``<title>`` and a ``<desc>`` naming
what it shows (``role="img"``, ``aria-labelledby``); the page puts the same figures in a table
beside it, which is what a screen reader user reads. Every text is escaped here, so the result
may be put in a page as it is. Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

NOW_COLOUR = "#1d70b8"  # GOV.UK blue
BEFORE_COLOUR = "#505a5f"  # GOV.UK dark grey: 7:1 against white, told apart by position and legend
TEXT_COLOUR = "#0b0c0c"
WIDTH = 640
LABEL_HEIGHT = 20
BAR_HEIGHT = 14
ROW_GAP = 14
LEGEND_HEIGHT = 34
NUMBER_ROOM = 60  # room at the end of the longest bar for its figure


@dataclass(frozen=True)
class Bar:
    """One category: its label and its two figures."""

    label: str
    now: int
    before: int


def row_height() -> int:
    return LABEL_HEIGHT + 2 * BAR_HEIGHT + 2 + ROW_GAP


def bar_length(value: int, largest: int, room: int = WIDTH - NUMBER_ROOM) -> float:
    """The length of a bar for ``value`` when the largest figure fills ``room``.

    Examples:
        >>> bar_length(5, 10, 580), bar_length(0, 0, 580), bar_length(10, 10, 580)
        (290.0, 0.0, 580.0)
    """
    return 0.0 if largest <= 0 else room * value / largest


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, now_label: str, before_label: str) -> str:
    """An SVG bar chart of ``bars`` with a title and a description (for assistive technology).

    Examples:
        >>> svg = bar_chart("wards", "Service requests by ward", [Bar("Abbey", 4, 2), Bar("<Castle>", 1, 0)],
        ...                 now_label="2025/26", before_label="2024/25")
        >>> svg.startswith('<svg') and '<title id="wards-title">Service requests by ward</title>' in svg
        True
        >>> "&lt;Castle&gt;" in svg and "<Castle>" not in svg
        True
        >>> svg.count("<rect")  # two bars a category, two legend keys
        6
    """
    largest = max([b.now for b in bars] + [b.before for b in bars] + [0])
    height = LEGEND_HEIGHT + max(len(bars), 1) * row_height()
    described = "; ".join(f"{b.label}: {b.now} ({now_label}), {b.before} ({before_label})" for b in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="csphub-chart" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="GDS Transport, arial, sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(described or "Nothing to show in either period.")}</desc>',
        _legend(now_label, before_label),
    ]
    if not bars:
        parts.append(f'<text x="0" y="{LEGEND_HEIGHT + 20}" fill="{TEXT_COLOUR}">Nothing recorded in either period.</text>')
    for i, bar in enumerate(bars):
        top = LEGEND_HEIGHT + i * row_height()
        parts.append(f'<text x="0" y="{top + 15}" fill="{TEXT_COLOUR}" font-weight="bold">{escape(bar.label)}</text>')
        for j, (value, colour) in enumerate(((bar.now, NOW_COLOUR), (bar.before, BEFORE_COLOUR))):
            y = top + LABEL_HEIGHT + j * (BAR_HEIGHT + 2)
            length = bar_length(value, largest)
            parts.append(f'<rect x="0" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>')
            parts.append(f'<text x="{length + 6:.1f}" y="{y + BAR_HEIGHT - 2}" fill="{TEXT_COLOUR}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(now_label: str, before_label: str) -> str:
    return (f'<rect x="0" y="6" width="16" height="16" fill="{NOW_COLOUR}"/>'
            f'<text x="22" y="19" fill="{TEXT_COLOUR}">{escape(now_label)}</text>'
            f'<rect x="300" y="6" width="16" height="16" fill="{BEFORE_COLOUR}"/>'
            f'<text x="322" y="19" fill="{TEXT_COLOUR}">{escape(before_label)}</text>')
