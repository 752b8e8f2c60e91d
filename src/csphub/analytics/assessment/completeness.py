"""Which months of the area's police.uk data are whole: the months loaded (``coverage``) and
the months that look incomplete, judged per force, for crime and ASB separately and for each
crime type (``series_coverage``). A month incomplete for crime is left out of crime's
comparisons, one incomplete for ASB out of ASB's; every chart and table marks them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import duckdb

from csphub.analytics.areas import Area
from csphub.analytics.coverage import (
    SERIES_TEST,
    CoverageRow,
    SeriesFlag,
    coverage,
    series_coverage,
)


@dataclass(frozen=True)
class Completeness:
    """Per force and month: rows loaded; and the series flagged incomplete."""

    rows: list[CoverageRow]  # ``incomplete``: missing (no rows) or flagged in any series
    flags: list[SeriesFlag]

    def months(self, series: str | None = None) -> set[date]:
        """Months flagged incomplete for ``series`` ('crime' or 'ASB'; None: either)."""
        return {f.month for f in self.flags if series is None or f.series == series}

    def flags_between(self, start: date, end: date) -> list[SeriesFlag]:
        return [f for f in self.flags if start <= f.month <= end]


def completeness(con: duckdb.DuckDBPyConnection, area: Area, ward_vintage: str | None = None) -> Completeness:
    flags = series_coverage(con, area, ward_vintage=ward_vintage)
    flagged = {(f.force, f.month) for f in flags}
    rows = [replace(r, incomplete=r.rows == 0 or (r.force, r.month) in flagged)
            for r in coverage(con, area, ward_vintage=ward_vintage)]
    return Completeness(rows, flags)


def flag_notes(flags: list[SeriesFlag]) -> list[str]:
    """One line per flagged month and series, the whole series before its crime types."""
    return [f.describe() for f in flags]


__all__ = ["SERIES_TEST", "Completeness", "completeness", "flag_notes"]
