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
    >>> span = MonthSpan.parse("2023-02", "2024-01")
    >>> span.name, span.previous().name, len(span.months)
    ('Feb 2023 to Jan 2024', 'Feb 2022 to Jan 2023', 12)
    >>> MonthSpan.parse("2023-04", "2024-03")  # a financial year is one
    FinancialYear(start_year=2023)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
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


def add_months(month: date, n: int) -> date:
    """The first of the month ``n`` months after ``month`` (before, when negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str, option: str = "month") -> date:
    """'2024-01' -> date(2024, 1, 1); a clear error for anything else."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(f"{option} takes a month as YYYY-MM (e.g. 2024-01), not {text!r}")
    return date(int(found.group(1)), int(found.group(2)), 1)


MAX_SPAN_MONTHS = 12


@dataclass(frozen=True)
class MonthSpan:
    """Any run of consecutive months, up to 12, compared with the same months a year earlier.

    It offers what the assessment uses of :class:`FinancialYear` (``start``, ``end``, ``months``,
    ``name``, ``label``, ``start_year``, ``previous``). ``name`` is never a financial year's, so
    the Home Office offence-code counts (by financial year and quarter) are used only when the
    period is a financial year: :meth:`parse` returns a :class:`FinancialYear` for April to March.
    """

    first: date
    last: date

    def __post_init__(self) -> None:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        if count < 1:
            raise ValueError(f"the period ends ({month_label(self.last)}) before it starts "
                             f"({month_label(self.first)})")
        if count > MAX_SPAN_MONTHS:
            raise ValueError(f"a period is at most {MAX_SPAN_MONTHS} months, so that it can be compared "
                             f"with the same months a year earlier; {month_label(self.first)} to "
                             f"{month_label(self.last)} is {count}")

    @classmethod
    def parse(cls, first: str, last: str) -> MonthSpan | FinancialYear:
        span = cls(parse_month(first, "--from"), parse_month(last, "--to"))
        if span.first.month == 4 and len(span.months) == 12:
            return FinancialYear(span.first.year)
        return span

    @classmethod
    def ending(cls, last: date, months: int) -> MonthSpan | FinancialYear:
        """The ``months`` months to ``last`` (a rolling period)."""
        span = cls(add_months(last, 1 - months), last)
        if span.first.month == 4 and len(span.months) == 12:
            return FinancialYear(span.first.year)
        return span

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        """The last day of the last month."""
        return date(self.last.year, self.last.month, calendar.monthrange(self.last.year, self.last.month)[1])

    @property
    def start_year(self) -> int:
        return self.first.year

    @property
    def months(self) -> list[date]:
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return out

    @property
    def name(self) -> str:
        return describe_months(self.months)

    @property
    def label(self) -> str:
        return self.name

    def previous(self, years: int = 1) -> MonthSpan:
        return MonthSpan(add_months(self.first, -12 * years), add_months(self.last, -12 * years))


def periods_from(first, period) -> list:
    """``period`` and the same periods a year, two years, ... earlier back to ``first``, oldest
    first (financial years or month spans alike)."""
    return [period.previous(k) if k else period for k in range(period.start_year - first.start_year, -1, -1)]


#: a period the assessment can cover: a financial year, or any run of up to 12 months
Period = FinancialYear | MonthSpan
