"""Calendar arithmetic shared by casework, panels, case reviews and analytics (no Django):
months added to a day, and the financial year (April to March) everything is reported in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date
from typing import Self


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


def year_earlier_period(start: date, end: date) -> tuple[date, date]:
    """The period every "compared with a year earlier" figure uses (casework statistics, the
    Daily Dial In, encampments): it starts on the same date a year earlier (29 February becomes
    28 February) and has exactly as many days as ``start``..``end``, so a period holding
    29 February is not compared with one a day shorter.

    Examples:
        >>> year_earlier_period(date(2025, 4, 1), date(2026, 3, 31))
        (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
        >>> year_earlier_period(date(2024, 3, 1), date(2024, 3, 31))
        (datetime.date(2023, 3, 1), datetime.date(2023, 3, 31))
        >>> year_earlier_period(date(2024, 2, 1), date(2024, 3, 31))  # 60 days, with 29 February
        (datetime.date(2023, 2, 1), datetime.date(2023, 4, 1))
    """
    earlier = add_months(start, -12)
    return earlier, earlier + (end - start)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year from 1 April of ``start_year`` to 31 March of the next year, the year
    partnerships, councils and the Home Office report in.

    Examples:
        >>> year = FinancialYear(2025)
        >>> year.start, year.end, year.label
        (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31), '2025/26')
        >>> year.previous().label, year.previous(3).label
        ('2024/25', '2022/23')
        >>> FinancialYear(1999).label
        '1999/00'
    """

    start_year: int

    def __post_init__(self) -> None:
        if not MINYEAR <= self.start_year < MAXYEAR:
            raise ValueError(f"a financial year starts in a year from {MINYEAR} to {MAXYEAR - 1}, "
                             f"not {self.start_year!r}")

    @property
    def start(self) -> date:
        """1 April."""
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """31 March of the next calendar year (the last day of the year)."""
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        """The usual way to write it, e.g. '2025/26'."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def previous(self, years: int = 1) -> Self:
        """The financial year ``years`` before this one (of the same class)."""
        return type(self)(self.start_year - years)


def parse_financial_year(text: str) -> FinancialYear:
    """Read a financial year written '2025/26', '2025-26' or '2025/2026'.

    Examples:
        >>> parse_financial_year("2025/26")
        FinancialYear(start_year=2025)
        >>> parse_financial_year("2025-26") == parse_financial_year(" 2025/2026 ")
        True
        >>> parse_financial_year("2025/99")
        Traceback (most recent call last):
        ...
        ValueError: '2025/99' is not a financial year; expected the form 2025/26 (April 2025 to March 2026)
    """
    match = re.fullmatch(r"([0-9]{4})[/-]([0-9]{2}|[0-9]{4})", text.strip())
    if match:
        start, end = int(match.group(1)), match.group(2)
        following = str(start + 1) if len(end) == 4 else f"{(start + 1) % 100:02d}"
        if end == following and MINYEAR <= start < MAXYEAR:
            return FinancialYear(start)
    raise ValueError(f"{text!r} is not a financial year; expected the form 2025/26 "
                     "(April 2025 to March 2026)")


def financial_year_of(day: date) -> FinancialYear:
    """The financial year containing ``day``: April starts the year, March ends it.

    Examples:
        >>> financial_year_of(date(2026, 3, 31)).label
        '2025/26'
        >>> financial_year_of(date(2026, 4, 1)).label
        '2026/27'
    """
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)
