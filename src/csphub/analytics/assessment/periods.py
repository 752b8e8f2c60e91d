"""Financial years (April to March), as CSPs report them: :class:`csphub.dates.FinancialYear`
with what the Strategic Assessment needs besides (its months, the month span as a label).

Examples:
    >>> fy = FinancialYear.parse("2023/24")
    >>> fy.start, fy.end, fy.label
    (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31), 'Apr 2023 to Mar 2024')
    >>> fy.previous().name
    '2022/23'
"""

from __future__ import annotations

from datetime import date

from csphub import dates


class FinancialYear(dates.FinancialYear):
    """The financial year starting in April of ``start_year``, as the assessment shows it.

    Its ``label`` is the month span a report prints ('Apr 2023 to Mar 2024'); ``name`` is
    the short form ('2023/24', the base class's label). ``end`` is 31 March, so a monthly
    count (dated the 1st) for March falls inside.
    """

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """'2023/24' (or '2023-24', '2023/2024') -> FinancialYear(2023); see
        :func:`csphub.dates.parse_financial_year`."""
        return cls(dates.parse_financial_year(text).start_year)

    @property
    def name(self) -> str:
        return super().label

    @property
    def months(self) -> list[date]:
        return [date(self.start_year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]

    @property
    def label(self) -> str:
        return f"Apr {self.start_year} to Mar {self.start_year + 1}"


def month_key(month: date) -> str:
    return month.strftime("%Y-%m")
