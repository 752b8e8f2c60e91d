"""Coverage: which months each force has supplied for an area, and which look partial.

data.police.uk does publish partial months. A month is flagged ``incomplete`` when its volume
is below ``threshold`` (default 0.5) times the median month for that force in the area, or when
it is missing altogether between the first and last month loaded.

Examples:
    >>> is_incomplete(400, 1000)
    True
    >>> is_incomplete(900, 1000)
    False
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.counts import area_records

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class CoverageRow:
    """One force and month: the rows supplied in the area and whether the month looks partial."""

    force: str
    month: date
    rows: int
    incomplete: bool

    def as_dict(self) -> dict:
        return {"force": self.force, "month": self.month.strftime("%Y-%m"), "rows": self.rows,
                "incomplete": self.incomplete}


def is_incomplete(rows: int, typical: float, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """True when a month's rows are below ``threshold`` x the typical month."""
    return rows < threshold * typical


def _months_between(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def coverage(
    con: duckdb.DuckDBPyConnection, area: Area, threshold: float = DEFAULT_THRESHOLD,
    ward_vintage: str | None = None,
) -> list[CoverageRow]:
    """One row per force and month (gaps included, with 0 rows), oldest first."""
    records = area_records(con, area, ward_vintage=ward_vintage)
    counts = records.group_by(["force", "month"]).aggregate(rows=records.count()).execute()
    result: list[CoverageRow] = []
    for force, group in counts.groupby("force"):
        by_month = {m.date() if hasattr(m, "date") else m: int(n)
                    for m, n in zip(group["month"], group["rows"], strict=True)}
        typical = statistics.median(by_month.values())
        for month in _months_between(min(by_month), max(by_month)):
            rows = by_month.get(month, 0)
            result.append(CoverageRow(str(force), month, rows, is_incomplete(rows, typical, threshold)))
    return sorted(result, key=lambda r: (r.month, r.force))
