"""Like for like for Home Office offence-code counts, which come by financial quarter or by year.

Quarterly counts are compared on the quarters present in both years; a whole year's count only
with a whole year (its quarters are unknown).

Examples:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"financial_year": ["2023/24", "2023/24", "2022/23"],
    ...                       "quarter": [1, 2, 1], "count": [5, 6, 7]})
    >>> match = match_quarters(frame, "2023/24", "2022/23")
    >>> sorted(match.quarters), sorted(match.matched), match.basis()
    ([1, 2], [1], 'quarters 1 of both years (like for like)')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

ALL_QUARTERS = frozenset({1, 2, 3, 4})


def _quarters(part: pd.DataFrame) -> tuple[frozenset[int], bool]:
    """The quarters a year's rows cover, and whether any row is a whole year's count."""
    if part.empty:
        return frozenset(), False
    whole = bool(part["quarter"].isna().any())
    return (ALL_QUARTERS if whole else frozenset(int(q) for q in part["quarter"])), whole


def quarter_list(quarters: frozenset[int]) -> str:
    return ", ".join(str(q) for q in sorted(quarters)) or "none"


@dataclass(frozen=True)
class QuarterMatch:
    """The quarters of this year's and last year's counts, and those comparable like for like."""

    quarters: frozenset[int]
    whole: bool
    previous_quarters: frozenset[int]
    previous_whole: bool
    matched: frozenset[int]

    def current(self, this: pd.DataFrame) -> pd.DataFrame:
        """This year's rows on the matched quarters."""
        return this if self.whole else this[this["quarter"].isin(self.matched)]

    def previous(self, before: pd.DataFrame) -> pd.DataFrame:
        return before if self.previous_whole else before[before["quarter"].isin(self.matched)]

    def basis(self) -> str:
        return ("the full financial year" if self.matched == ALL_QUARTERS else
                f"quarters {quarter_list(self.matched)} of both years (like for like)")

    def covered(self) -> str:
        return "the whole year" if self.quarters == ALL_QUARTERS else f"quarters {quarter_list(self.quarters)} only"

    def note(self, year: str, previous: str) -> str | None:
        """Why no change can be given, or what it leaves out; None when the whole year is compared."""
        if self.matched == ALL_QUARTERS:
            return None
        if not self.previous_quarters:
            return f"No change on {previous} can be given: no offence-code counts are loaded for {previous}."
        if not self.matched:
            return (f"No change on {previous} can be given: {year} has {self.covered()} and {previous} "
                    f"{'the whole year' if self.previous_quarters == ALL_QUARTERS else 'quarters ' + quarter_list(self.previous_quarters)}"
                    " (a whole year's count compares only with a whole year).")
        return f"The change on {previous} is compared on {self.basis()} only."

    def months(self, start_year: int) -> list[date]:
        """The calendar months of this year's quarters (quarter 1 is April to June)."""
        out = []
        for quarter in sorted(self.quarters):
            for i in range(3):
                month = 4 + (quarter - 1) * 3 + i
                out.append(date(start_year + (month > 12), (month - 1) % 12 + 1, 1))
        return out


def match_quarters(frame: pd.DataFrame, year: str, previous: str) -> QuarterMatch:
    """Quarters of ``year`` and ``previous`` in ``frame`` (columns financial_year, quarter)."""
    quarters, whole = _quarters(frame[frame["financial_year"] == year])
    previous_quarters, previous_whole = _quarters(frame[frame["financial_year"] == previous])
    if whole or previous_whole:  # a whole year compares only with a whole year
        matched = ALL_QUARTERS if quarters == previous_quarters == ALL_QUARTERS else frozenset()
    else:
        matched = quarters & previous_quarters
    return QuarterMatch(quarters, whole, previous_quarters, previous_whole, matched)


def compare_quarters(match: QuarterMatch, current: pd.DataFrame, previous: pd.DataFrame):
    """The change between this year's and last year's rows on the matched quarters: tested on
    the quarterly counts (quasi-Poisson, see ``stats.compare_monthly``) when both years are
    counted by quarter, else on the two totals (a whole year's count has no quarters)."""
    from csphub.analytics.assessment.stats import compare_counts, compare_monthly

    if match.whole or match.previous_whole:
        return compare_counts(int(current["count"].sum()), int(previous["count"].sum()))
    now = current.groupby("quarter")["count"].sum()
    before = previous.groupby("quarter")["count"].sum()
    quarters = sorted(match.matched)
    return compare_monthly([int(now.get(q, 0)) for q in quarters], [int(before.get(q, 0)) for q in quarters],
                           quarters=True)
