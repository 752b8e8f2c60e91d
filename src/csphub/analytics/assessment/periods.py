"""Financial years (April to March), as CSPs report them: :class:`csphub.dates.FinancialYear`
with what the Strategic Assessment needs besides (its months, the month span as a label).

Examples:
    >>> fy = FinancialYear.parse("2023/24")
    >>> fy.start, fy.end, fy.label
    (datetime.date(2023, 4, 1), datetime.date(2024, 3, 31), 'Apr 2023 to Mar 2024')
    >>> fy.previous().name
    '2022/23'
    >>> describe_months([date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 6, 1)])
    'Jan 2024 to Mar 2024 and Jun 2024'
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


def month_label(month: date) -> str:
    """'Apr 2024', as a report prints a month."""
    return month.strftime("%b %Y")


def year_ago(month: date) -> date:
    """The same calendar month a year earlier."""
    return date(month.year - 1, month.month, 1)


def describe_months(months: list[date] | set[date]) -> str:
    """Months in words, runs of consecutive months as spans: 'Apr 2024', 'Jan 2024 to Mar 2024'."""
    ordered = sorted(months)
    if not ordered:
        return "no month"
    runs: list[list[date]] = [[ordered[0]]]
    for month in ordered[1:]:
        last = runs[-1][-1]
        if (month.year * 12 + month.month) - (last.year * 12 + last.month) == 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    spans = [month_label(r[0]) if len(r) == 1 else f"{month_label(r[0])} to {month_label(r[-1])}"
             for r in runs]
    return spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]


def months_basis(months: list[date], of: int = 12) -> str:
    """The months behind a figure, saying so when they are part of the period only.

    Examples:
        >>> months_basis([date(2024, 4, 1)])
        'Apr 2024 only: 1 of 12 months, partial'
    """
    text = describe_months(months)
    return text if len(months) == of else f"{text} only: {len(months)} of {of} months, partial"
