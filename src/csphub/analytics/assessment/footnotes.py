"""The footnote that marks incomplete months on every chart and table.

Examples:
    >>> incomplete_note({"coverage": {"flags": []}}) is None
    True
"""

from __future__ import annotations

from datetime import date

MARK = "*"


def _month(key: str) -> str:
    return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %Y")


def incomplete_note(figures: dict) -> str | None:
    """'* Looks incomplete, left out of changes: Nov 2018 crime, 76% of ...'; None when no month
    of the period (or the year before it) is flagged."""
    flags = figures.get("coverage", {}).get("flags") or []
    if not flags:
        return None
    whole = [f for f in flags if f["crime_type"] is None]
    parts = [f"{_month(f['month'])} {f['series']} ({f['count']:,}, {f['ratio']:.0%} of {f['expected']:,.0f} "
             f"expected from {f['basis']})" for f in whole]
    by_type = [f for f in flags if f["crime_type"] is not None and
               (f["month"], f["series"]) not in {(w["month"], w["series"]) for w in whole}]
    parts += [f"{_month(f['month'])} {f['crime_type']} ({f['count']:,}, {f['ratio']:.0%} of "
              f"{f['expected']:,.0f} expected)" for f in by_type[:6]]
    more = f"; and {len(by_type) - 6} more crime-type months (figures.json)" if len(by_type) > 6 else ""
    return (f"{MARK} Looks incomplete, so left out of every change: " + "; ".join(parts) + more
            + ". Judged per force, for crime and ASB separately (below 80% of the same month a year "
              "earlier, else of the neighbouring months, and beyond chance) and per crime type (below 50%).")


def flagged_months(figures: dict, series: str | None = None) -> set[str]:
    """YYYY-MM of the months flagged (for 'crime', 'ASB' or either)."""
    return {f["month"] for f in figures.get("coverage", {}).get("flags") or []
            if series is None or f["series"] == series}


def mark(month_key: str, figures: dict, series: str | None = None) -> str:
    """'Dec 2018 *' when the month is flagged, else the month ('Dec 2018')."""
    name = _month(month_key)
    return f"{name} {MARK}" if month_key in flagged_months(figures, series) else name
