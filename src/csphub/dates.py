"""Calendar arithmetic shared by the casework, panel and case review rules (no Django)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (or earlier, if negative), clamped to the
    end of a shorter month.

    Examples:
        >>> add_months(date(2026, 1, 31), 1)
        datetime.date(2026, 2, 28)
        >>> add_months(date(2028, 1, 31), 1)
        datetime.date(2028, 2, 29)
        >>> add_months(date(2026, 1, 5), 6)
        datetime.date(2026, 7, 5)
        >>> add_months(date(2026, 3, 31), -12)
        datetime.date(2025, 3, 31)
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
