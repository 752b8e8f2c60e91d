"""Percentage change as every CSP Hub report states it (no Django, no DuckDB).

Examples:
    >>> percent_change(247, 176), percent_change(12, 7), percent_change(3, 0)
    (40.3, 71.4, None)
    >>> percent_change(24, 1115)
    -97.8
"""

from __future__ import annotations


def percent_change(now: float, before: float) -> float | None:
    """% change from ``before`` to ``now``, one decimal; None when ``before`` is 0 (a change
    from nothing has no percentage: reports show the two figures instead)."""
    if before == 0:
        return None
    return round(100 * (now - before) / before, 1)


def counted(n: int, one: str, many: str = "") -> str:
    """A count with its noun agreeing, for sentences in papers.

    Examples:
        >>> counted(1, "fault"), counted(2, "fault"), counted(1, "agency", "agencies"), counted(3, "agency", "agencies")
        ('1 fault', '2 faults', '1 agency', '3 agencies')
    """
    return f"{n:,} {one if n == 1 else many or one + 's'}"
