"""Financial years (April to March), as CSPs report them.

Examples:
    >>> fy = FinancialYear.parse("2023/24")
    >>> fy.start, fy.end, fy.label
    (datetime.date(2023, 4, 1), datetime.date(2024, 3, 1), 'Apr 2023 to Mar 2024')
    >>> fy.previous().name
    '2022/23'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FinancialYear:
    """The financial year starting in April of ``start_year``."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """'2023/24' (or '2023-24', '2023/2024') -> FinancialYear(2023)."""
        m = re.fullmatch(r"(\d{4})[/-](\d{2}|\d{4})", text.strip())
        if not m or int(m.group(2)[-2:]) != (int(m.group(1)) + 1) % 100:
            raise ValueError(f"expected a financial year like 2023/24, got {text!r}")
        return cls(int(m.group(1)))

    @property
    def name(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """The first day of the last month (March)."""
        return date(self.start_year + 1, 3, 1)

    @property
    def months(self) -> list[date]:
        return [date(self.start_year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]

    @property
    def label(self) -> str:
        return f"Apr {self.start_year} to Mar {self.start_year + 1}"

    def previous(self, years: int = 1) -> FinancialYear:
        return FinancialYear(self.start_year - years)


def month_key(month: date) -> str:
    return month.strftime("%Y-%m")
