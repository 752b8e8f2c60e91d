"""Like for like: which months of a period may be compared with the same months a year earlier.

A change, a rank or a test of significance is only honest between the same calendar months,
present and complete in both periods. :func:`match_months` finds them; :class:`MonthMatch`
says in words what was compared and what was left out, and why.

Examples:
    >>> from csphub.analytics.assessment.periods import FinancialYear
    >>> from datetime import date
    >>> match = match_months(FinancialYear(2024), {date(2024, 4, 1), date(2024, 1, 1)}, set())
    >>> match.matched
    []
    >>> match.note()
    'No change on 2023/24 can be given: no month of 2024/25 with data has the same month of 2023/24 with data (2024/25: Apr 2024; 2023/24: Jan 2024).'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csphub.analytics.assessment.periods import describe_months, month_key, year_ago


@dataclass(frozen=True)
class MonthMatch:
    """The months of a period (``current``) and of the year before (``previous``) with data, and
    the months of the period that may be compared with the same month a year earlier."""

    period_name: str
    previous_name: str
    period_months: int
    current: list[date]
    previous: list[date]
    matched: list[date]
    incomplete: frozenset[date]

    @property
    def complete(self) -> bool:
        """Every month of the period is compared (the whole period, like for like)."""
        return len(self.matched) == self.period_months

    def basis(self) -> str:
        return basis_text(self.matched, self.period_months)

    def _left_out(self) -> list[str]:
        reasons = []
        for month in self.current:
            if month in self.matched:
                continue
            ago = year_ago(month)
            if month in self.incomplete:
                reasons.append(f"{describe_months([month])} (looks incomplete)")
            elif ago in self.incomplete:
                reasons.append(f"{describe_months([month])} ({describe_months([ago])} looks incomplete)")
            else:
                reasons.append(f"{describe_months([month])} (no data in {describe_months([ago])})")
        return reasons

    def note(self) -> str | None:
        """Why no change can be given, or what a change leaves out; None when it covers everything."""
        if not self.current or self.complete:
            return None
        if not self.matched:
            return (f"No change on {self.previous_name} can be given: no month of {self.period_name} "
                    f"with data has the same month of {self.previous_name} with data"
                    + (" and complete" if self.incomplete else "")
                    + f" ({self.period_name}: {describe_months(self.current)}; {self.previous_name}: "
                    + (describe_months(self.previous) if self.previous else "no data loaded") + ").")
        left_out = self._left_out()
        return (f"The change on {self.previous_name} is compared on {describe_months(self.matched)} "
                f"against the same months a year earlier only (like for like)"
                + ("; left out: " + "; ".join(left_out) if left_out else "") + ".")

    def as_dict(self) -> dict:
        return {"months_compared": [month_key(m) for m in self.matched], "note": self.note()}


def basis_text(matched: list[date], period_months: int = 12) -> str:
    """What a like-for-like change was computed on, in words."""
    if len(matched) == period_months == 12 and min(matched).month == 4:
        return "the full financial year"
    if len(matched) == period_months and period_months > 1 and matched == sorted(matched) and (
            (max(matched).year - min(matched).year) * 12 + max(matched).month - min(matched).month + 1
            == period_months):
        return (f"the whole period ({describe_months(matched)} against the same months a year earlier; "
                "like for like)")
    return (f"the {len(matched)} months present and complete in both years ({describe_months(matched)} "
            "against the same months a year earlier; like for like)")


def match_months(period, present: set[date], incomplete: set[date]) -> MonthMatch:
    """Months of ``period`` present and complete whose month a year earlier is present and complete.

    ``period`` is a :class:`~csphub.analytics.assessment.periods.FinancialYear` (or any period
    with ``months``, ``name`` and ``previous()``); ``present`` the months with data; ``incomplete``
    the months flagged incomplete.
    """
    previous = period.previous()
    current = [m for m in period.months if m in present]
    before = [m for m in previous.months if m in present]
    usable = present - incomplete
    matched = [m for m in current if m in usable and year_ago(m) in usable]
    return MonthMatch(period.name, previous.name, len(period.months), current, before, matched,
                      frozenset(incomplete))
